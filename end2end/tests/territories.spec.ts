import { expect, Page, test } from "@playwright/test";
import { DEMO_PASSWORD, hydrated, lastMailTo, linkIn, login, parisDay, watchConsole } from "./helpers";

/** A fresh SIREN with a valid Luhn key, so that every run creates a new landlord. */
function freshSiren(): string {
  const body = String(Date.now() % 100_000_000).padStart(8, "7");
  for (let key = 0; key <= 9; key++) {
    const digits = (body + key).split("").map(Number);
    const sum = digits
      .reverse()
      .map((d, i) => (i % 2 === 1 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d))
      .reduce((a, b) => a + b, 0);
    if (sum % 10 === 0) return body + key;
  }
  throw new Error("no Luhn key");
}

/** Types into a commune combobox and picks the suggestion named `option`. */
async function chooseCommune(page: Page, field: string, typed: string, option: RegExp) {
  const box = page.getByRole("combobox", { name: field, exact: true });
  await box.fill(typed);
  const suggestion = page.getByRole("option", { name: option });
  await expect(suggestion).toBeVisible();
  await box.press("ArrowDown");
  await expect(box).toHaveAttribute("aria-expanded", "true");
  await suggestion.click();
  await expect(box).toHaveAttribute("aria-expanded", "false");
}

test("a landlord of the Métropole de Lyon publishes in Villeurbanne, found by a misspelt commune", async ({ page, browser }) => {
  const errors = watchConsole(page);
  const stamp = Date.now();
  const name = `Rhône Habitat ${stamp}`;
  const staffEmail = `agent-${stamp}@rhone-habitat.test`;
  // A surface of its own, so that the card is this run's even on a server that ran it before.
  const surface = String(40 + (stamp % 97));
  const title = `T3 de ${surface} m² à Villeurbanne`;

  // The platform admin creates the landlord, its territory chosen by one of its communes.
  await login(page, "admin@locactive.demo", DEMO_PASSWORD);
  await expect(page.getByRole("heading", { level: 1, name: "Organismes" })).toBeVisible();
  await hydrated(page);
  await page.getByLabel("Nom de l'organisme").fill(name);
  await page.getByLabel("SIREN").fill(freshSiren());
  await chooseCommune(page, "Territoire (EPCI) où il a des logements", "Villeurb", /^Villeurbanne \(69100\)/);
  await page.getByRole("button", { name: "Ajouter", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.getByText("Métropole de Lyon (SIREN 200046977)")).toBeVisible();

  // It invites its staff member, who accepts.
  await page.getByLabel("Nom et prénom").fill("Agnès Rhône");
  await page.getByLabel("Adresse e-mail").fill(staffEmail);
  await page.getByRole("button", { name: "Envoyer l'invitation" }).click();
  const invitation = linkIn(await lastMailTo(staffEmail));
  const staff = await browser.newContext();
  const staffPage = await staff.newPage();
  const staffErrors = watchConsole(staffPage);
  await staffPage.goto(invitation);
  await staffPage.getByLabel("Nouveau mot de passe").fill("un-mot-de-passe-solide");
  await staffPage.getByLabel("Confirmation du mot de passe").fill("un-mot-de-passe-solide");
  await staffPage.getByRole("button", { name: "Activer mon compte" }).click();
  // Activating signs the new staff member in, on their organisation's page.
  await expect(staffPage.getByRole("heading", { level: 1, name })).toBeVisible();
  await hydrated(staffPage);

  // A commune outside its territory is refused, with the reason beside the field.
  await staffPage.getByRole("link", { name: "Ajouter un logement" }).click();
  await expect(staffPage.getByRole("heading", { name: "Nouveau logement" })).toBeVisible();
  const reference = `RH-${stamp}`;
  await staffPage.getByLabel("Référence interne").fill(reference);
  await staffPage.getByRole("textbox", { name: "Adresse", exact: true }).fill("12 rue Francis de Pressensé");
  await staffPage.getByRole("combobox", { name: "Commune", exact: true }).fill("Besançon");
  await staffPage.getByLabel("Typologie").selectOption("T3");
  await staffPage.getByLabel("Surface habitable (m²)").fill(surface);
  await staffPage.getByLabel("Période de construction").selectOption({ label: "1990 à 2005" });
  await staffPage.getByLabel("Financement").selectOption("PLUS");
  await staffPage.getByLabel("Loyer mensuel hors charges (€)").fill("480");
  await staffPage.getByLabel("Charges mensuelles (€)").fill("90");
  await staffPage.getByLabel("Description").fill("Traversant, balcon sur cour, à deux pas du métro Gratte-Ciel.");
  await staffPage.getByRole("button", { name: "Enregistrer le logement" }).click();
  await expect(staffPage.getByText(/^Erreur : Besançon \(CU Grand Besançon Métropole\) n'est pas dans les territoires/)).toBeVisible();
  await chooseCommune(staffPage, "Commune", "Villeurb", /^Villeurbanne \(69100\)/);
  await staffPage.getByRole("button", { name: "Enregistrer le logement" }).click();
  await expect(staffPage.getByRole("status").filter({ hasText: "Le logement est enregistré." })).toBeVisible();
  await expect(staffPage.getByRole("combobox", { name: "Commune", exact: true })).toHaveValue("Villeurbanne (69100)");

  await staffPage.getByLabel("Ouverture des candidatures").fill(parisDay(0));
  await staffPage.getByLabel("Clôture des candidatures (jour inclus)").fill(parisDay(9));
  await staffPage.getByRole("button", { name: "Créer l'offre" }).click();
  await expect(staffPage.getByText("État : Brouillon")).toBeVisible();
  await staffPage.getByRole("button", { name: "Publier l'offre" }).click();
  await expect(staffPage.getByText("État : Publiée")).toBeVisible();
  expect(staffErrors).toEqual([]);
  await staff.close();
  expect(errors).toEqual([]);

  // An anonymous visitor types the commune with a typo and picks the suggestion.
  const visitor = await browser.newContext();
  const visitorPage = await visitor.newPage();
  const visitorErrors = watchConsole(visitorPage);
  await visitorPage.goto("/offres");
  await hydrated(visitorPage);
  await chooseCommune(visitorPage, "Commune", "villeurbane", /^Villeurbanne \(69100\)/);
  await visitorPage.getByRole("button", { name: "Rechercher" }).click();
  await expect(visitorPage).toHaveURL(/commune=Villeurbanne/);
  const card = visitorPage.getByRole("link", { name: title });
  await expect(card).toBeVisible();
  await card.click();
  await expect(visitorPage.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(visitorPage.getByText("Métropole de Lyon")).toBeVisible();
  expect(visitorErrors).toEqual([]);
  await visitor.close();

  // Without JavaScript, the same typo typed in the plain form finds it too.
  const plain = await browser.newContext({ javaScriptEnabled: false });
  const plainPage = await plain.newPage();
  await plainPage.goto("/offres");
  await plainPage.getByRole("combobox", { name: "Commune", exact: true }).fill("villeurbane");
  await plainPage.getByRole("button", { name: "Rechercher" }).click();
  await expect(plainPage.getByRole("link", { name: title })).toBeVisible();
  await expect(plainPage.getByRole("combobox", { name: "Commune", exact: true })).toHaveValue("Villeurbanne (69100)");
  // A name several communes share asks which one, with a link to each.
  await plainPage.goto("/offres?commune=Saint-Denis");
  await expect(plainPage.getByText(/Plusieurs communes correspondent/)).toBeVisible();
  await expect(plainPage.getByRole("link", { name: "Saint-Denis (93200)" })).toBeVisible();
  await plain.close();
});
