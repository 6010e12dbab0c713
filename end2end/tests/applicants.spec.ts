import { expect, test } from "@playwright/test";
import { hydrated, lastMailTo, linkIn, mailsTo, watchConsole } from "./helpers";

test("an applicant fills the profile, sees why offers fit or not, applies up to the cap and withdraws", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const errors = watchConsole(page);
  const email = `candidate-${Date.now()}@exemple.fr`;
  const password = "une-phrase-de-passe-solide";

  // Register and activate.
  await page.goto("/inscription");
  await hydrated(page);
  await page.getByLabel("Nom et prénom").fill("Inès Garnier");
  await page.getByLabel("Adresse e-mail").fill(email);
  await page.getByLabel(/^Mot de passe/).fill(password);
  await page.getByLabel("Confirmation du mot de passe").fill(password);
  await page.getByRole("button", { name: "Créer mon compte" }).click();
  await expect(page.getByRole("heading", { name: "Vérifiez votre messagerie" })).toBeVisible();
  await page.goto(linkIn(await lastMailTo(email)));
  await page.getByRole("button", { name: "Activer mon compte" }).click();
  await expect(page.getByRole("heading", { name: "Mon espace demandeur" })).toBeVisible();
  await expect(page.getByText("Profil complété à 16 %")).toBeVisible();

  // The profile, part by part; a mistake first.
  await page.getByRole("link", { name: "Compléter ou modifier mon profil" }).click();
  await expect(page.getByRole("heading", { name: "Mon profil de demandeur" })).toBeVisible();
  await hydrated(page);
  const household = page.locator("#foyer");
  await household.getByLabel("Prénom").fill("Inès");
  await household.getByLabel("Date de naissance").fill("1994-05-10");
  await household.getByLabel("Revenu fiscal de référence N-2 (€)").fill("beaucoup");
  await household.getByRole("button", { name: "Ajouter au foyer" }).click();
  await expect(household.getByText(/Erreur : Indiquez le revenu fiscal de référence en euros/).first()).toBeVisible();
  await household.getByLabel("Revenu fiscal de référence N-2 (€)").fill("12 000");
  await household.getByRole("button", { name: "Ajouter au foyer" }).click();
  await expect(page.getByRole("table", { name: "Personnes qui vivront dans le logement" })).toContainText("Inès");

  const resources = page.locator("#ressources");
  await resources.getByLabel("Ressources mensuelles du foyer (€)").fill("1 800");
  await resources.getByRole("button", { name: "Enregistrer les ressources" }).click();
  await expect(resources.getByText("Enregistré.")).toBeVisible();

  const housing = page.locator("#logement");
  await housing.getByLabel("Où logez-vous aujourd'hui ?").selectOption("hosted");
  await housing.getByRole("button", { name: "Enregistrer le logement actuel" }).click();
  await expect(housing.getByText("Enregistré.")).toBeVisible();

  const request = page.locator("#demande");
  await request.getByLabel("Numéro unique d'enregistrement").fill("0250324000777");
  await request.getByLabel("Date de dépôt initial").fill("2024-03-15");
  const renewal = new Date(Date.now() + 200 * 86_400_000).toISOString().slice(0, 10);
  await request.getByLabel("Date de renouvellement").fill(renewal);
  await request.getByRole("button", { name: "Enregistrer la demande" }).click();
  await expect(request.getByText("Enregistré.")).toBeVisible();
  await expect(page.getByText("Profil complété à 83 %")).toBeVisible();

  // The catalogue: a verdict on every card; an offer out of reach says why.
  await page.goto("/offres?typologie=T4");
  const refused = page.locator(".offer-card").first();
  await expect(refused.getByText("✗ Vous ne pouvez pas postuler")).toBeVisible();
  await expect(refused.getByText(/Bloquant : Un T4 convient à un foyer de 3 à 6 personnes/)).toBeVisible();
  await refused.getByRole("heading").getByRole("link").click();
  await expect(page.locator(".apply-panel").getByText("✗ Vous ne pouvez pas postuler")).toBeVisible();
  await expect(page.getByRole("button", { name: "Postuler à cette offre" })).toHaveCount(0);

  // Offers for me: apply until the landlord's cap stops me.
  await page.goto("/offres?pour_moi=1&tri=loyer");
  await expect(page.getByRole("heading", { name: /offres? trouvées?/ })).toBeVisible();
  const links = await page.locator(".offer-card h3 a").evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).pathname));
  expect(links.length).toBeGreaterThan(3);
  let applied = 0;
  let capped = false;
  for (const link of links) {
    await page.goto(link);
    await hydrated(page);
    const panel = page.locator(".apply-panel");
    await expect(panel.getByText(/Vous pouvez postuler|Éligibilité à vérifier/)).toBeVisible();
    // At the cap, the panel says why instead of offering a button bound to be refused.
    if ((await panel.getByText("Vous ne pouvez pas postuler à cette offre").count()) > 0) {
      await expect(panel.getByText(/le maximum qu'il permet/)).toBeVisible();
      await expect(panel.getByRole("button", { name: "Postuler à cette offre" })).toHaveCount(0);
      capped = true;
      break;
    }
    await panel.getByRole("button", { name: "Postuler à cette offre" }).click();
    await expect(panel.getByText("Votre candidature est enregistrée.")).toBeVisible();
    applied += 1;
  }
  expect(capped).toBe(true);
  expect(applied).toBeGreaterThanOrEqual(3);

  // Mes candidatures: every application and its state; withdraw one.
  await page.getByRole("navigation", { name: "Navigation principale" }).getByRole("link", { name: "Mes candidatures" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Mes candidatures" })).toBeVisible();
  await hydrated(page);
  await expect(page.locator(".application")).toHaveCount(applied);
  // Withdrawing asks first, saying it cannot be undone.
  const firstCard = page.locator(".application").first();
  await firstCard.getByText("Retirer ma candidature", { exact: true }).click();
  await expect(firstCard.getByText(/ne sera pas classée à la clôture/)).toBeVisible();
  await firstCard.getByRole("button", { name: /Oui, retirer ma candidature à l'offre/ }).click();
  await expect(page.getByText("Votre candidature est retirée.")).toBeVisible();
  await expect(page.getByText(/Retirée le/)).toBeVisible();
  const withdrawnCard = page.locator(".application").filter({ hasText: /Retirée le/ });
  await expect(withdrawnCard.getByText("Sans objet : vous avez retiré cette candidature avant la clôture.")).toBeVisible();
  await expect(withdrawnCard.getByText(/Connu après la clôture/)).toHaveCount(0);

  // The confirmations are in the outbox.
  await expect.poll(() => mailsTo(email).filter((m) => m.includes("Nous avons bien reçu votre candidature")).length, { timeout: 15_000 }).toBe(applied);
  await expect.poll(() => mailsTo(email).filter((m) => m.includes("est retirée")).length, { timeout: 15_000 }).toBe(1);
  expect(errors).toEqual([]);
});
