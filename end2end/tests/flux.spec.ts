import { Download, expect, Page, test } from "@playwright/test";
import * as fs from "node:fs";
import { expectAccessible, hydrated, parisDay, queryDemo, signedInPage, watchConsole } from "./helpers";

const HABITAT_COMTOIS = "999000011";

/** The text of a file the page downloads when `link` is clicked. */
async function download(page: Page, link: string): Promise<{ file: Download; bytes: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: link }).click()]);
  const path = await file.path();
  return { file, bytes: fs.readFileSync(path) };
}

function plural(n: number): string {
  return n > 1 ? "s" : "";
}

test("a landlord's admin records conventions, staff orient an offer to Action Logement, and Action Logement's account reads its bilan, as a page, CSV and PDF", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const thisYear = Number(parisDay(0).slice(0, 4));
  const nextYear = thisYear + 1;

  // The landlord's admin records next year's conventions; a share over the État's cap is refused
  // in French, with what was typed kept.
  // Pages of contexts of their own: axe needs one.
  const staff = await signedInPage(browser, "agent@habitat-comtois.demo");
  const staffErrors = watchConsole(staff);
  await staff.goto(`/gestion/flux?annee=${nextYear}`);
  await hydrated(staff);
  await expect(staff.getByRole("heading", { level: 1, name: `Gestion en flux — ${nextYear}` })).toBeVisible();
  const conventionForm = staff.locator("section[aria-labelledby='convention-titre']");
  await conventionForm.getByLabel("Type de réservataire").selectOption("etat_prioritaires");
  await conventionForm.getByLabel("Nom du réservataire").fill("Préfecture du Doubs");
  await conventionForm.getByLabel("Part du flux annuel (%)").fill("31");
  await conventionForm.getByRole("button", { name: "Enregistrer la convention" }).click();
  await expect(conventionForm.getByText(/^Erreur : La part de l'État \(publics prioritaires et agents publics\) est d'au plus 30\s%/)).toBeVisible();
  await expect(conventionForm.getByLabel("Nom du réservataire")).toHaveValue("Préfecture du Doubs");
  await conventionForm.getByLabel("Part du flux annuel (%)").fill("25");
  await conventionForm.getByRole("button", { name: "Enregistrer la convention" }).click();
  await expect(staff.getByText("La convention est enregistrée.")).toBeVisible();
  await conventionForm.getByLabel("Type de réservataire").selectOption("action_logement");
  await conventionForm.getByLabel("Nom du réservataire").fill("Action Logement Services");
  await conventionForm.getByLabel("Part du flux annuel (%)").fill("32,5");
  await conventionForm.getByRole("button", { name: "Enregistrer la convention" }).click();
  await expect(staff.getByText("La convention est enregistrée.")).toBeVisible();
  const table = staff.getByRole("table", { name: `Réservations du flux ${nextYear} et leur utilisation` });
  await expect(table.getByRole("row", { name: /Action Logement — Action Logement Services.*32,5\s%/ })).toBeVisible();
  await expect(table.getByRole("row", { name: /État — publics prioritaires — Préfecture du Doubs.*25\s%/ })).toBeVisible();
  await expectAccessible(staff);

  // Staff put a vacant unit of Besançon on offer, oriented to Action Logement, after reading how
  // far its share of this year is used, and publish it.
  const [[unitId]] = queryDemo(
    `SELECT u.id FROM units u JOIN organisations g ON g.id = u.organisation_id
     WHERE g.siren = '${HABITAT_COMTOIS}' AND u.commune_insee = '25056'
       AND NOT EXISTS (SELECT 1 FROM offers o WHERE o.unit_id = u.id) ORDER BY u.id LIMIT 1`,
  );
  const [[actionLogement]] = queryDemo(
    `SELECT r.id FROM reservataires r JOIN organisations g ON g.id = r.organisation_id
     WHERE g.siren = '${HABITAT_COMTOIS}' AND r.name = 'Action Logement Services'`,
  );
  await staff.goto(`/gestion/logements/${unitId}`);
  await hydrated(staff);
  const usage = staff.getByRole("table", { name: `Réservations du flux ${thisYear} pour ce logement` });
  await expect(usage.getByRole("row", { name: /Action Logement — Action Logement Services/ })).toContainText(/logements? orientés? sur \d+ prévus|aucun logement orienté/);
  await expectAccessible(staff);
  await staff.getByLabel("Ouverture des candidatures").fill(parisDay(0));
  await staff.getByLabel("Clôture des candidatures (jour inclus)").fill(parisDay(9));
  await staff.getByLabel("Orientation dans le flux").selectOption(`r:${actionLogement}`);
  await staff.getByRole("button", { name: "Créer l'offre" }).click();
  await expect(staff.getByText("État : Brouillon")).toBeVisible();
  await staff.getByRole("button", { name: "Publier l'offre" }).click();
  await expect(staff.getByText("État : Publiée")).toBeVisible();
  const offerId = staff.url().split("/").pop()!;
  expect(staffErrors).toEqual([]);

  // Anyone reads, on the offer, whom it is oriented to.
  const visitor = await browser.newPage();
  await visitor.goto(`/offres/${offerId}`);
  await expect(visitor.getByText("Action Logement — Action Logement Services")).toBeVisible();
  await visitor.close();

  // A lease is signed on an offer of the flow: the unit the commission proposed to the demo
  // applicant (accepted here, unless the demo suite did it first), recorded by staff. The bilan of
  // the réservataire it was oriented to counts one more attribution.
  const [[leaseOffer, leaseReservataire, proposalStatus]] = queryDemo(
    `SELECT o.id, c.reservataire_id, p.status FROM offer_proposals p
     JOIN offers o ON o.id = p.offer_id JOIN flux_conventions c ON c.id = o.convention_id
     WHERE p.status IN ('en_attente', 'acceptee') ORDER BY p.id LIMIT 1`,
  );
  const attributedFor = (reservataireId: string) =>
    Number(
      queryDemo(
        `SELECT COUNT(*) FROM offers o JOIN flux_conventions c ON c.id = o.convention_id
         WHERE c.reservataire_id = ${reservataireId} AND o.published_at IS NOT NULL AND o.status <> 'cancelled'
           AND o.flux_year = (SELECT flux_year FROM offers WHERE id = ${leaseOffer})
           AND EXISTS (SELECT 1 FROM leases l WHERE l.offer_id = o.id)`,
      )[0][0],
    );
  const before = attributedFor(leaseReservataire);
  if (proposalStatus === "en_attente") {
    const applicant = await signedInPage(browser, "demandeur@locactive.demo");
    await applicant.goto("/espace/candidatures");
    const proposed = applicant.locator(".application").filter({ hasText: "Proposé, en attente de réponse" }).first();
    await proposed.getByText("Accepter le logement", { exact: true }).click();
    await proposed.getByRole("button", { name: "Oui, accepter le logement" }).click();
    await expect(applicant.getByText("Vous avez accepté le logement.", { exact: false })).toBeVisible();
    await applicant.context().close();
  }
  await staff.goto(`/gestion/offres/${leaseOffer}`);
  await hydrated(staff);
  await staff.getByLabel("Date de signature du bail").fill(parisDay(0));
  const condition = staff.locator("#condition_met");
  if (await condition.count()) await condition.check();
  await staff.getByRole("button", { name: "Enregistrer la signature du bail" }).click();
  await expect.poll(() => attributedFor(leaseReservataire)).toBe(before + 1);
  const [[leaseYear]] = queryDemo(`SELECT flux_year FROM offers WHERE id = ${leaseOffer}`);
  await staff.goto(`/gestion/flux/bilan/${leaseReservataire}?annee=${leaseYear}`);
  await expect(staff.locator("strong", { hasText: new RegExp(`, ${before + 1} attribués?`) })).toBeVisible();
  expect(staffErrors).toEqual([]);

  // Action Logement's account: the offers oriented to it, the new one first, and its bilan of the
  // year, whose counts are those of the database (the leases signed over the year included).
  const reservataire = await signedInPage(browser, "reservataire@actionlogement.demo");
  const reservataireErrors = watchConsole(reservataire);
  await expect(reservataire).toHaveURL(/\/reservataire$/);
  await expect(reservataire.getByRole("heading", { level: 1, name: "Action Logement — Action Logement Services" })).toBeVisible();
  await expect(reservataire.getByRole("row", { name: new RegExp(`n° ${offerId} \\(flux ${thisYear}\\)`) })).toBeVisible();
  await expectAccessible(reservataire);
  const [[proposed, attributed]] = queryDemo(
    `SELECT COUNT(*), COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM leases l WHERE l.offer_id = o.id) THEN 1 ELSE 0 END), 0)
     FROM offers o JOIN flux_conventions c ON c.id = o.convention_id
     WHERE c.reservataire_id = ${actionLogement} AND c.year = ${thisYear}
       AND o.published_at IS NOT NULL AND o.status <> 'cancelled'`,
  );
  await reservataire.getByRole("link", { name: `Bilan ${thisYear}` }).click();
  await expect(reservataire.getByRole("heading", { level: 1, name: `Bilan ${thisYear} — Action Logement — Action Logement Services` })).toBeVisible();
  const p = Number(proposed);
  const a = Number(attributed);
  await expect(reservataire.locator("strong", { hasText: `${p} logement${plural(p)} proposé${plural(p)}, ${a} attribué${plural(a)}` })).toBeVisible();
  await expect(reservataire.getByRole("table", { name: "Par typologie" })).toBeVisible();
  await expect(reservataire.getByRole("img", { name: /^Logements proposés par typologie : T\d/ })).toBeVisible();
  await expectAccessible(reservataire);
  const csv = await download(reservataire, "Télécharger le bilan (CSV)");
  expect(csv.file.suggestedFilename()).toMatch(/^bilan-\d+-\d{4}\.csv$/);
  expect(csv.bytes.toString("utf8")).toContain(`Total;Action Logement — Action Logement Services ${thisYear};${p};${a}`);
  const pdf = await download(reservataire, "Télécharger le bilan (PDF)");
  expect(pdf.file.suggestedFilename()).toMatch(/\.pdf$/);
  expect(pdf.bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  expect(reservataireErrors).toEqual([]);
  // Nothing of the landlord's back office (the refused load is the page's one console error).
  await reservataire.goto("/gestion/flux");
  await expect(reservataire.getByRole("heading", { level: 1, name: "Accès refusé" })).toBeVisible();
});
