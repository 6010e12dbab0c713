import { expect, test } from "@playwright/test";
import * as fs from "node:fs";
import { hydrated, lastMailTo, linkIn, login, queryDemo, signIn, watchConsole } from "./helpers";

/**
 * An applicant named in the signed minutes of the demo's held session, not retained there, with no
 * unit proposed to them and no lease: an imported request, whose owner claims the account first.
 */
function namedInSignedMinutes(): { email: string; name: string; sessionId: string } {
  const rows = queryDemo(`
    SELECT u.email, u.display_name, si.session_id FROM decisions d
    JOIN users u ON u.id = d.applicant_user_id
    JOIN session_items si ON si.id = d.item_id
    JOIN caleol_sessions s ON s.id = si.session_id
    WHERE s.status = 'signee' AND d.kind = 'non_attribution' AND u.email LIKE 'demandeur0%'
      AND NOT EXISTS (SELECT 1 FROM offer_proposals p WHERE p.applicant_user_id = u.id)
      AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.tenant_user_id = u.id)
    ORDER BY u.id LIMIT 1`);
  expect(rows.length).toBe(1);
  const [email, name, sessionId] = rows[0];
  return { email, name, sessionId };
}

test("an applicant downloads their data, sees who read their file, deletes their account and is pseudonymised in the minutes", async ({
  page,
  browser,
}) => {
  const errors = watchConsole(page);
  const { email, name, sessionId } = namedInSignedMinutes();
  const password = "une phrase de passe assez longue";

  // The minutes name them before.
  const member = await browser.newPage();
  await signIn(member, "membre@habitat-comtois.demo");
  await member.goto(`/commission/seances/${sessionId}/pv`);
  const minutes = member.getByRole("main");
  await expect(minutes).toContainText(name);

  // The imported request's owner claims the account by a reset link, then signs in.
  await page.goto("/mot-de-passe-oublie");
  await page.getByLabel("Adresse e-mail").fill(email);
  await page.getByRole("button", { name: "Recevoir le lien" }).click();
  await expect(page.getByRole("heading", { name: "Demande enregistrée" })).toBeVisible();
  await page.goto(linkIn(await lastMailTo(email)));
  await page.getByLabel("Nouveau mot de passe").fill(password);
  await page.getByLabel("Confirmation du mot de passe").fill(password);
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/reinitialiser"));
  await login(page, email, password);
  await page.waitForURL((url) => !url.pathname.startsWith("/connexion"));

  // "Mes données": everything held, the commission's reads, and a copy to download.
  await page.getByRole("link", { name: "Mes données" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Mes données personnelles" })).toBeVisible();
  await expect(page.getByText(email, { exact: true })).toBeVisible();
  const reads = page.getByRole("table", { name: /Consultations de votre dossier/ });
  await expect(reads).toContainText("Un membre de la commission");
  await expect(reads).toContainText("le procès-verbal de la séance du");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Télécharger mes données (fichier JSON)" }).click(),
  ]);
  const copy = JSON.parse(fs.readFileSync((await download.path())!, "utf8"));
  expect(copy.account.email).toBe(email);
  expect(copy.reads.length).toBeGreaterThan(0);

  // Deleting asks for the password again; a wrong one changes nothing.
  await hydrated(page);
  await page.getByText("Je veux supprimer mon compte", { exact: true }).click();
  await expect(page.getByText(/la suppression est définitive/)).toBeVisible();
  await page.getByLabel("Votre mot de passe, pour confirmer").fill("pas le bon mot de passe");
  await page.getByRole("button", { name: "Supprimer définitivement mon compte" }).click();
  await expect(page.locator("#password-erreur")).toContainText("Ce mot de passe n'est pas celui de votre compte.");
  await page.getByLabel("Votre mot de passe, pour confirmer").fill(password);
  await page.getByRole("button", { name: "Supprimer définitivement mon compte" }).click();
  await expect(page.getByRole("heading", { name: "Votre compte est supprimé" })).toBeVisible();
  expect(await lastMailTo(email)).toContain("Votre compte est supprimé");

  // They can no longer sign in.
  await login(page, email, password);
  await expect(page.getByRole("alert")).toContainText(/incorrect|invalide|ne correspond/i);
  await expect(page).toHaveURL(/\/connexion/);

  // The minutes still read, under a pseudonym.
  await member.reload();
  await expect(minutes).toContainText("Demandeur supprimé n°");
  await expect(minutes).not.toContainText(name);
  expect(errors).toEqual([]);
});
