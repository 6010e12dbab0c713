import { expect, test } from "@playwright/test";
import { DEMO_PASSWORD, hydrated, lastMailTo, linkIn, login, signedInPage, watchConsole } from "./helpers";

test("an applicant registers, logs out and logs in", async ({ page }) => {
  const errors = watchConsole(page);
  const email = `e2e-${Date.now()}@exemple.fr`;
  const password = "une-phrase-de-passe-solide";

  await page.goto("/inscription");
  await hydrated(page);
  // Bad input: a French message beside the field, and the form stays.
  await page.getByLabel("Nom et prénom").fill("Léa Martin");
  await page.getByLabel("Adresse e-mail").fill(email);
  await page.getByLabel(/^Mot de passe/).fill("court");
  await page.getByLabel("Confirmation du mot de passe").fill("court");
  await page.getByRole("button", { name: "Créer mon compte" }).click();
  await expect(page.getByText("Erreur : Le mot de passe doit contenir au moins 12 caractères.")).toBeVisible();
  await expect(page.getByLabel(/^Mot de passe/)).toHaveAttribute("aria-invalid", "true");

  await page.getByLabel(/^Mot de passe/).fill(password);
  await page.getByLabel("Confirmation du mot de passe").fill(password);
  await page.getByRole("button", { name: "Créer mon compte" }).click();
  await expect(page.getByRole("heading", { name: "Vérifiez votre messagerie" })).toBeVisible();

  const activation = linkIn(await lastMailTo(email));
  await page.goto(activation);
  await page.getByRole("button", { name: "Activer mon compte" }).click();
  await expect(page.getByRole("heading", { name: "Mon espace demandeur" })).toBeVisible();
  await expect(page.getByText(email)).toBeVisible();

  await page.getByRole("button", { name: "Se déconnecter" }).click();
  await expect(page).toHaveURL(/\/$/);
  const nav = page.getByRole("navigation", { name: "Navigation principale" });
  await expect(nav.getByRole("link", { name: "Se connecter" })).toBeVisible();
  await expect(nav.getByRole("button", { name: "Se déconnecter" })).toHaveCount(0);

  await login(page, email, password);
  await expect(page.getByRole("heading", { name: "Mon espace demandeur" })).toBeVisible();
  expect(errors).toEqual([]);
});

test("a staff member logs in and sees their organisation", async ({ page }) => {
  const errors = watchConsole(page);
  await login(page, "agent@habitat-comtois.demo", DEMO_PASSWORD);
  await expect(page.getByRole("heading", { level: 1, name: "Habitat Comtois (démo)" })).toBeVisible();
  await expect(page.getByRole("table", { name: /Logements du parc/ })).toContainText("Besançon");
  await expect(page.getByText(/\d+ logements/)).toBeVisible();
  expect(errors).toEqual([]);
});

test("an applicant is refused the staff pages", async ({ page }) => {
  await login(page, "demandeur@locactive.demo", DEMO_PASSWORD);
  await expect(page.getByRole("heading", { name: "Mon espace demandeur" })).toBeVisible();
  const response = await page.goto("/gestion");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "Accès refusé" })).toBeVisible();
  await expect(page.getByText("Habitat Comtois")).toHaveCount(0);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("signing in and the error messages work with plain forms", async ({ page }) => {
    await login(page, "agent@habitat-comtois.demo", "pas-le-bon-mot-de-passe");
    await expect(page.getByRole("alert")).toContainText("Adresse e-mail ou mot de passe incorrect");
    await login(page, "admin@locactive.demo", DEMO_PASSWORD);
    await expect(page.getByRole("heading", { name: "Organismes" })).toBeVisible();
    await expect(page.getByRole("table")).toContainText("Montbéliard Logis (démo)");
  });
});

test("the skip link takes keyboard users to the content", async ({ page }) => {
  await page.goto("/");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Aller au contenu" });
  await expect(skip).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("#contenu")).toBeFocused();
});

test("closing the sessions on other devices signs them out, this one stays", async ({ browser }) => {
  // Two devices of the same territory admin (a demo login no other test signs out).
  const here = await signedInPage(browser, "territoire@grandbesancon.demo");
  const errors = watchConsole(here);
  const elsewhere = await signedInPage(browser, "territoire@grandbesancon.demo");
  await here.goto("/");
  await here.getByRole("link", { name: "Sessions et déconnexion" }).click();
  await hydrated(here);
  await here.getByRole("button", { name: "Fermer mes sessions sur les autres appareils" }).click();
  await expect(here.getByText(/autres? sessions? (a|ont) été fermées?\./)).toBeVisible();
  await elsewhere.goto("/territoire");
  await expect(elsewhere.getByRole("heading", { name: "Connexion requise" }).first()).toBeVisible();
  await here.goto("/territoire");
  await expect(here.getByRole("heading", { name: "Connexion requise" })).toHaveCount(0);
  expect(errors).toEqual([]);
  await here.context().close();
  await elsewhere.context().close();
});
