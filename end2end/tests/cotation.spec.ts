import { expect, test } from "@playwright/test";
import { hydrated, othersApplyAndTheWindowEnds, signIn, watchConsole } from "./helpers";

const GRAND_BESANCON = "242500361";

const GRID = `# Grille publiée par le test
Ancienneté de la demande ; ancienneté ; 1 par mois ; bonus 20 après 36 mois
Prioritaire DALO ; situation dalo ; 50
Public prioritaire du PDALHPD ; situation pdalhpd ; 40
Menacé d'expulsion ; situation menace_expulsion ; 20
Parent isolé avec enfant ; situation parent_isole ; 5
Taux d'effort trop élevé ; taux_effort > 30 ; 10`;

test("a territory publishes its grid; a closed offer is ranked by it, one candidate set aside, three shortlisted", async ({
  browser,
}) => {
  test.setTimeout(150_000);

  // The territory admin publishes a new version; a faulty line is refused with its number.
  const territory = await browser.newPage();
  const territoryErrors = watchConsole(territory);
  await signIn(territory, "territoire@grandbesancon.demo");
  await territory.goto("/territoire");
  await expect(territory.getByRole("heading", { name: "Grilles de cotation — CU Grand Besançon Métropole" })).toBeVisible();
  await hydrated(territory);
  const criteria = territory.getByLabel("Critères, un par ligne");
  await criteria.fill(`${GRID}\nSurendettement ; situation surendette ; 5`);
  await territory.getByRole("button", { name: "Publier cette version" }).click();
  await expect(territory.locator("#criteria-erreur")).toContainText("Ligne 8 : situation « surendette » inconnue");
  await criteria.fill(GRID);
  await territory.getByRole("button", { name: "Publier cette version" }).click();
  await expect(territory.getByRole("status").filter({ hasText: /La version \d+ est publiée/ })).toBeVisible();
  await territory.goto("/cotation");
  await expect(territory.getByRole("table").first()).toContainText("Parent isolé avec enfant");
  expect(territoryErrors).toEqual([]);

  // The demo applicant sees their score, its breakdown, and how comparable requests stand.
  const applicant = await browser.newPage();
  const applicantErrors = watchConsole(applicant);
  await signIn(applicant, "demandeur@locactive.demo");
  await applicant.goto("/espace/cotation");
  await expect(applicant.getByRole("heading", { level: 1, name: "Ma cotation" })).toBeVisible();
  await expect(applicant.getByText(/Votre note : \d+ points/).first()).toBeVisible();
  await expect(applicant.getByRole("table", { name: "Détail de la note" }).first()).toContainText("Ancienneté de la demande");
  await expect(applicant.getByText(/mois × 1 point/).first()).toBeVisible();

  // ... and applies to an offer of Grand Besançon open to them.
  await applicant.goto(`/offres?pour_moi=1&epci=${GRAND_BESANCON}`);
  const first = applicant.locator(".offer-card h3 a").first();
  const href = await first.evaluate((a) => (a as HTMLAnchorElement).pathname);
  const offerId = href.split("/").pop()!;
  await applicant.goto(href);
  await hydrated(applicant);
  await applicant.getByRole("button", { name: "Postuler à cette offre" }).click();
  await expect(applicant.getByText("Votre candidature est enregistrée.")).toBeVisible();

  othersApplyAndTheWindowEnds(offerId);

  // Staff find the ranked list once the platform has closed the offer.
  const staff = await browser.newPage();
  const staffErrors = watchConsole(staff);
  await signIn(staff, "agent@habitat-comtois.demo");
  await expect
    .poll(
      async () => {
        await staff.goto(`/gestion/offres/${offerId}`);
        return staff.getByRole("link", { name: "Voir le classement des candidats" }).count();
      },
      { timeout: 60_000, intervals: [2_000] },
    )
    .toBe(1);
  await staff.getByRole("link", { name: "Voir le classement des candidats" }).click();
  // The ranked list is drawn when the page is asked for: allow for a busy machine.
  await expect(staff.getByRole("heading", { level: 1, name: new RegExp(`Classement — offre n° ${offerId}`) })).toBeVisible({ timeout: 20_000 });
  await hydrated(staff);
  const ranked = staff.locator(".candidate").filter({ has: staff.getByRole("heading", { name: /^\d+\. / }) });
  expect(await ranked.count()).toBeGreaterThanOrEqual(4);

  // The first is set aside with a motive, which the list then shows.
  const top = ranked.first();
  const topName = (await top.getByRole("heading").textContent())!.replace(/^\d+\. /, "");
  await top.getByText("Écarter ce candidat").click();
  await top.getByLabel(/Motif de l'écart de/).fill("Logement au 4e étage sans ascenseur, inadapté à la mobilité déclarée.");
  await top.getByRole("button", { name: "Écarter avec ce motif" }).click();
  const skipped = staff.locator(".candidate").filter({ hasText: topName }).first();
  await expect(skipped.getByText("Motif de l'écart :")).toBeVisible();
  await expect(skipped.getByText("Écarté", { exact: true })).toBeVisible();

  // Two is not enough without one of the law's exceptions; three is.
  const size = staff.getByLabel("Nombre de candidats présentés");
  await size.fill("2");
  await staff.getByRole("button", { name: "Constituer la liste" }).click();
  await expect(staff.locator("#size-erreur")).toContainText("au moins 3 candidats");
  await size.fill("3");
  await staff.getByRole("button", { name: "Constituer la liste" }).click();
  // The first was set aside: the list says which ranks it holds.
  await expect(staff.getByText("Liste pour la commission : 3 candidats retenus : rangs 2, 3 et 4 (rang 1 écarté avec motif).")).toBeVisible();
  await expect(staff.getByText("Sur la liste pour la commission")).toHaveCount(3);
  await expect(staff.getByText("En instruction")).toBeVisible();

  await staff.getByRole("button", { name: "Rejouer le classement à partir des instantanés" }).click();
  await expect(staff.getByText("Vérifié : le classement rejoué donne exactement le même ordre.")).toBeVisible();
  expect(staffErrors).toEqual([]);

  // The applicant sees where they stand.
  await applicant.goto("/espace/candidatures");
  const mine = applicant.locator(".application").filter({ hasText: new RegExp(`Offre n° ${offerId} —`) });
  await expect(mine.getByText(/sur \d+ candidats recevables|Non classée/)).toBeVisible();
  expect(applicantErrors).toEqual([]);
});
