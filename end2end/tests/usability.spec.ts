import { Browser, expect, Page, test } from "@playwright/test";
import { DEMO_PASSWORD, hydrated, login, signIn, watchConsole } from "./helpers";

async function pageFor(browser: Browser, email: string, javaScriptEnabled: boolean): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  if (javaScriptEnabled) {
    await signIn(page, email);
  } else {
    await login(page, email, DEMO_PASSWORD);
    await page.waitForURL((url) => !url.pathname.startsWith("/connexion"));
  }
  return page;
}

for (const javaScriptEnabled of [true, false]) {
  const how = javaScriptEnabled ? "with JavaScript" : "without JavaScript";

  test(`a refused form shows what was chosen and typed, not the saved values (${how})`, async ({ browser }) => {
    // A list: the territory's grid for mutations, with a faulty line.
    const territory = await pageFor(browser, "territoire@grandbesancon.demo", javaScriptEnabled);
    const errors = javaScriptEnabled ? watchConsole(territory) : [];
    await territory.goto("/territoire");
    if (javaScriptEnabled) await hydrated(territory);
    const faulty = "Ancienneté ; ancienneté ; 1 par mois\nSurendettement ; situation surendette ; 5";
    await territory.getByLabel("Demandes notées").selectOption("mutation");
    await territory.getByLabel("Critères, un par ligne").fill(faulty);
    await territory.getByRole("button", { name: "Publier cette version" }).click();
    await expect(territory.locator("#criteria-erreur")).toContainText("situation « surendette » inconnue");
    await expect(territory.getByLabel("Demandes notées")).toHaveValue("mutation");
    await expect(territory.getByLabel("Critères, un par ligne")).toHaveValue(faulty);
    // Once published, the form shows the saved state again.
    expect(errors).toEqual([]);

    // A list and a text in the applicant's profile: the status chosen stays with its wrong rent.
    const applicant = await pageFor(browser, "demandeur@locactive.demo", javaScriptEnabled);
    await applicant.goto("/espace/profil");
    if (javaScriptEnabled) await hydrated(applicant);
    const housing = applicant.locator("#logement");
    await housing.getByLabel("Où logez-vous aujourd'hui ?").selectOption("social_tenant");
    await housing.getByLabel("Loyer mensuel actuel (€)").fill("trop");
    await housing.getByRole("button", { name: "Enregistrer le logement actuel" }).click();
    await expect(applicant.getByRole("alert").first()).toBeVisible();
    await expect(housing.getByLabel("Où logez-vous aujourd'hui ?")).toHaveValue("social_tenant");
    await expect(housing.getByLabel("Loyer mensuel actuel (€)")).toHaveValue("trop");

    // Radios and checkboxes: an invitation as a member, without the commission it needs.
    const admin = await pageFor(browser, "admin@locactive.demo", javaScriptEnabled);
    await admin.goto("/admin");
    await admin.getByRole("link", { name: "Habitat Comtois (démo)" }).click();
    await expect(admin.getByRole("heading", { name: "Inviter une personne" })).toBeVisible();
    if (javaScriptEnabled) await hydrated(admin);
    await admin.getByLabel("Nom et prénom").fill("Lucie Perrin");
    await admin.getByLabel("Adresse e-mail").fill(`lucie-${Date.now()}@exemple.fr`);
    await admin.getByRole("radio", { name: "Membre de CALEOL" }).check();
    await admin.getByLabel("Président ou présidente de la commission (pour un membre)").check();
    await admin.getByRole("button", { name: "Envoyer l'invitation" }).click();
    await expect(admin.locator("#commission_id-erreur")).toBeVisible();
    await expect(admin.getByRole("radio", { name: "Membre de CALEOL" })).toBeChecked();
    await expect(admin.getByRole("radio", { name: "Personnel du bailleur" })).not.toBeChecked();
    await expect(admin.getByLabel("Président ou présidente de la commission (pour un membre)")).toBeChecked();
    await expect(admin.getByLabel("Nom et prénom")).toHaveValue("Lucie Perrin");
    for (const page of [territory, applicant, admin]) await page.context().close();
  });
}
