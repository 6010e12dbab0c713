import { expect, Page, test } from "@playwright/test";
import {
  answerDelaysEnd,
  hydrated,
  lastMailTo,
  othersApplyAndTheWindowEnds,
  queryDemo,
  signIn,
  watchConsole,
} from "./helpers";

const GRAND_BESANCON = "242500361";
const APPLICANT = "Sofiane Demandeur";

/** Votes "attribution with rank" for each presented candidate, in the order of the list. */
async function voteInOrder(page: Page) {
  const candidates = page.locator("li.review");
  const count = await candidates.count();
  for (let i = 0; i < count; i++) {
    const form = page.locator("li.review").nth(i).locator(".vote-form");
    await form.getByLabel("Décision").selectOption({ label: "Attribution avec rang" });
    await form.getByLabel(/^Rang/).fill(String(i + 1));
    await form.getByRole("button", { name: "Enregistrer mon vote" }).click();
    await expect(page.locator("li.review").nth(i).getByText(`Votre vote : Attribution en rang ${i + 1}`)).toBeVisible();
  }
}

test("staff put a shortlist on the agenda, two members vote online, the president closes, the first-ranked declines and the second is offered the unit; once the offer ends, the applicant reads why and anyone reads its result", async ({
  browser,
}) => {
  test.setTimeout(300_000);

  // The demo applicant applies to an offer of Grand Besançon; others apply; the window ends.
  const applicant = await browser.newPage();
  const applicantErrors = watchConsole(applicant);
  await signIn(applicant, "demandeur@locactive.demo");
  await applicant.goto(`/offres?pour_moi=1&epci=${GRAND_BESANCON}`);
  const href = await applicant.locator(".offer-card h3 a").first().evaluate((a) => (a as HTMLAnchorElement).pathname);
  const offerId = href.split("/").pop()!;
  await applicant.goto(href);
  await hydrated(applicant);
  // Before applying: the rank an application would get now, in words beside the gauge.
  const chances = applicant.locator("section.chance");
  await expect(chances.getByRole("heading", { name: "Vos chances aujourd'hui" })).toBeVisible();
  await expect(chances).toContainText(/Si vous postuliez maintenant et que l'offre fermait aujourd'hui, vous seriez au \d+(er|e) rang sur (\d+|moins de 5) ménages classés/);
  await expect(chances.getByRole("meter")).toBeVisible();
  await expect(chances).toContainText(/Chances (sérieuses|possibles|faibles)/);
  await expect(chances).toContainText("Ce rang est provisoire");
  await applicant.getByRole("button", { name: "Postuler à cette offre" }).click();
  await expect(applicant.getByText("Votre candidature est enregistrée.")).toBeVisible();
  await expect(chances).toContainText(/Si l'offre fermait aujourd'hui, votre candidature serait au \d+(er|e) rang sur/);
  othersApplyAndTheWindowEnds(offerId, "demandeur@locactive.demo");

  // Staff open the ranking once the platform has closed the offer. Anyone ranked ahead of the
  // demo applicant is set aside with a motive (a departure the commission will read), and the
  // first three go on the list.
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
  // The ranked list loads after a client-side navigation: allow for a busy machine.
  await expect(staff.getByRole("heading", { level: 1, name: new RegExp(`Classement — offre n° ${offerId}`) })).toBeVisible({ timeout: 20_000 });
  await hydrated(staff);
  const ranked = () => staff.locator(".candidate:not(.candidate-skipped)").filter({ has: staff.getByRole("heading", { name: /^\d+\. / }) });
  let setAside = 0;
  for (let guard = 0; guard < 40; guard++) {
    const top = ranked().first();
    const name = (await top.getByRole("heading").textContent())!.replace(/^\d+\. /, "");
    if (name === APPLICANT) break;
    setAside += 1;
    await top.getByText("Écarter ce candidat").click();
    await top.getByLabel(/Motif de l'écart de/).fill("Ressources à vérifier avec l'employeur avant tout examen.");
    await top.getByRole("button", { name: "Écarter avec ce motif" }).click();
    await expect(staff.locator(".candidate-skipped").filter({ hasText: name })).toHaveCount(1);
  }
  await staff.getByLabel("Nombre de candidats présentés").fill("3");
  await staff.getByRole("button", { name: "Constituer la liste" }).click();
  // The list says which ranks it holds when some before them were set aside.
  const ranks = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
  const words = (list: string[]) => (list.length === 1 ? list[0] : `${list.slice(0, -1).join(", ")} et ${list[list.length - 1]}`);
  const expected =
    setAside === 0
      ? "les 3 premiers candidats retenus"
      : `3 candidats retenus : rangs ${words(ranks(setAside + 1, setAside + 3))} (rang${setAside > 1 ? "s" : ""} ${words(ranks(1, setAside))} écarté${setAside > 1 ? "s" : ""} avec motif)`;
  await expect(staff.getByText(`Liste pour la commission : ${expected}.`)).toBeVisible();

  // A session of the commission, dematerialised, and the offer on its agenda.
  await staff.goto("/gestion/commissions");
  await hydrated(staff);
  await staff.getByLabel("Commission").selectOption({ label: "CALEOL Grand Besançon" });
  // Planned for tomorrow: the president will record that it meets today.
  const tomorrow = new Date(Date.now() + 86_400_000).toLocaleDateString("sv-SE", { timeZone: "Europe/Paris" });
  const todayInFrench = new Date()
    .toLocaleDateString("fr-FR", { timeZone: "Europe/Paris", day: "numeric", month: "long", year: "numeric" })
    .replace(/^1 /, "1er ");
  await staff.getByLabel("Date de la séance").fill(tomorrow);
  await staff.getByLabel("Forme").selectOption("dematerialisee");
  await staff.getByLabel("Quorum (membres à voix délibérative)").fill("2");
  await staff.getByRole("button", { name: "Prévoir la séance" }).click();
  const card = staff.locator("li.session-card").filter({ hasText: "Prévue" }).first();
  await expect(card).toBeVisible();
  await card.getByLabel("Inscrire à l'ordre du jour").selectOption({ value: offerId });
  await card.getByRole("button", { name: "Inscrire" }).click();
  await expect(staff.locator("li.session-card").filter({ hasText: new RegExp(`Offre n° ${offerId} —`) }).first()).toBeVisible();
  const sessionHref = await staff
    .locator("li.session-card")
    .filter({ hasText: new RegExp(`Offre n° ${offerId} —`) })
    .first()
    .getByRole("link", { name: /Séance du/ })
    .evaluate((a) => (a as HTMLAnchorElement).pathname);
  expect(staffErrors).toEqual([]);

  // A member of another landlord's commission cannot see it.
  const outsider = await browser.newPage();
  await signIn(outsider, "membre@montbeliard-logis.demo");
  await outsider.goto(sessionHref);
  await expect(outsider.getByRole("heading", { name: "Page introuvable" })).toBeVisible();
  await outsider.goto("/commission");
  await expect(outsider.getByText("Aucune séance pour le moment.")).toBeVisible();

  // The president opens the session and votes; the candidates are reviewed with their score.
  const president = await browser.newPage();
  const presidentErrors = watchConsole(president);
  await signIn(president, "membre@habitat-comtois.demo");
  await president.goto(sessionHref);
  await hydrated(president);
  // A session opens on its day only, unless the president records that it meets today.
  await president.getByRole("button", { name: /Ouvrir la séance/ }).click();
  await expect(president.getByRole("alert")).toContainText("elle s'ouvre ce jour-là");
  await president.getByLabel(/La séance se tient aujourd'hui/).check();
  await president.getByRole("button", { name: /Ouvrir la séance/ }).click();
  await expect(president.getByText("Ouverte (examen et votes en cours)")).toBeVisible();
  await expect(president.getByRole("heading", { level: 1 })).toContainText(`Séance du ${todayInFrench}`);
  await expect(president.locator("li.review")).toHaveCount(3);
  await expect(president.locator("li.review").first().getByRole("heading")).toContainText(APPLICANT);
  const firstCandidate = president.locator("li.review").first();
  await firstCandidate.getByText("Détail de la note et de la recevabilité").click();
  await expect(firstCandidate.getByRole("table", { name: "Détail de la note" })).toBeVisible();
  await voteInOrder(president);

  // The mayor's representative votes too, and sees a pseudonymised view on request.
  const mayor = await browser.newPage();
  const mayorErrors = watchConsole(mayor);
  await signIn(mayor, "maire@habitat-comtois.demo");
  await mayor.goto(`${sessionHref}?anonyme=1`);
  await expect(mayor.locator("li.review").first().getByRole("heading")).toContainText("Candidat A");
  await expect(mayor.getByText(APPLICANT)).toHaveCount(0);
  await mayor.goto(sessionHref);
  await hydrated(mayor);
  await voteInOrder(mayor);
  expect(mayorErrors).toEqual([]);

  // The president closes: the minutes are generated.
  await president.reload();
  await hydrated(president);
  await president.getByText("Clore la séance et générer le procès-verbal", { exact: true }).click();
  await expect(president.getByText(/la clôture est définitive/)).toBeVisible();
  await president.getByRole("button", { name: "Oui, clore la séance" }).click();
  await expect(president.getByRole("heading", { level: 1, name: /Procès-verbal — CALEOL Grand Besançon/ })).toBeVisible();
  await expect(president.getByRole("heading", { level: 1 })).toContainText(`séance du ${todayInFrench}`);
  const decisions = president.getByRole("table", { name: "Décisions" });
  await expect(decisions).toContainText(APPLICANT);
  await expect(decisions).toContainText("Attribution en rang 2");
  await expect(president.getByText(/Hélène Présidente de CALEOL \(présidence\)/)).toBeVisible();
  await expect(president.getByRole("link", { name: "Télécharger en PDF" })).toBeVisible();
  // The PDF's title keeps its dash (a reader showed "Š" when it was written as WinAnsi).
  const pdfHref = await president.getByRole("link", { name: "Télécharger en PDF" }).getAttribute("href");
  const pdf = (await (await president.request.get(pdfHref!)).body()).toString("latin1");
  expect(pdf).toMatch(/\/Title ?<FEFF[0-9A-F]*2014[0-9A-F]*>/);
  // Signing asks first: signed minutes cannot change.
  await hydrated(president);
  await president.getByText("Signer le procès-verbal", { exact: true }).click();
  await expect(president.getByText(/une fois signé, le procès-verbal ne peut plus être modifié/)).toBeVisible();
  await president.getByRole("button", { name: "Oui, signer le procès-verbal" }).click();
  await expect(president.getByText(/^Non signé/)).toHaveCount(0);
  await expect(president.getByRole("button", { name: "Oui, signer le procès-verbal" })).toHaveCount(0);
  expect(presidentErrors).toEqual([]);

  // The first-ranked receives the letter, with the delay, and declines online.
  // The outbox delivers within seconds; until then the newest mail is an older one.
  await expect
    .poll(() => lastMailTo("demandeur@locactive.demo"), { timeout: 30_000 })
    .toContain("vous a attribué ce logement (rang 1)");
  expect(await lastMailTo("demandeur@locactive.demo")).toContain("10 jours");
  expect(await lastMailTo("demandeur@locactive.demo")).toContain(`réunie le ${todayInFrench}`);
  await applicant.goto("/espace/candidatures");
  await hydrated(applicant);
  const mine = applicant.locator(".application").filter({ hasText: new RegExp(`Offre n° ${offerId} —`) });
  await expect(mine.getByText("Décision de la commission :")).toBeVisible();
  await mine.getByText("Refuser le logement", { exact: true }).click();
  await expect(mine.getByText(/le refus est définitif/)).toBeVisible();
  await mine.getByRole("button", { name: "Oui, refuser le logement" }).click();
  await expect(applicant.getByText("Votre refus est enregistré : le logement est proposé au candidat suivant.")).toBeVisible();
  await expect(mine.getByText("Refusé par le candidat")).toBeVisible();
  expect(applicantErrors).toEqual([]);

  // The second-ranked is now offered the unit.
  await staff.goto(`/gestion/offres/${offerId}`);
  const followUp = staff.getByRole("table", { name: "Décisions et propositions" });
  await expect(followUp).toContainText("Refusé par le candidat");
  await expect(followUp.getByRole("row").filter({ hasText: "Attribution en rang 2" })).toContainText("Proposé, en attente de réponse");

  // Ten days pass twice: the second and the third leave the unit unanswered, and the offer ends
  // without a tenant.
  await expect
    .poll(
      () => {
        answerDelaysEnd(offerId);
        return queryDemo(`SELECT status FROM offers WHERE id = ${Number(offerId)}`)[0][0];
      },
      { timeout: 120_000, intervals: [3_000] },
    )
    .toBe("unsuccessful");

  // The applicant reads why: their rank, the commission's decision, and where to write.
  await applicant.goto("/espace/candidatures");
  await hydrated(applicant);
  await mine.getByRole("link", { name: /Pourquoi ce résultat \?/ }).click();
  await expect(applicant.getByRole("heading", { level: 1, name: "Pourquoi ce résultat ?" })).toBeVisible();
  await expect(applicant.getByText(/Vous étiez au \d+(er|e) rang sur \d+ candidats recevables/)).toBeVisible();
  await expect(applicant.getByRole("heading", { name: "Décision de la commission" })).toBeVisible();
  await expect(applicant.getByRole("table", { name: "Détail de la note" })).toBeVisible();
  await expect(applicant.getByRole("heading", { name: "Contester ce résultat" })).toBeVisible();
  await expect(applicant.locator("address.postal")).toContainText("1 rue de la Démonstration");
  expect(applicantErrors).toEqual([]);

  // Anyone reads the offer's result and the territory's figures, and no name on them.
  const visitor = await (await browser.newContext()).newPage();
  const visitorErrors = watchConsole(visitor);
  await visitor.goto(`/offres/${offerId}/resultat`);
  await expect(visitor.getByRole("heading", { level: 1, name: `Résultat de l'offre n° ${offerId}` })).toBeVisible();
  await expect(visitor.locator("dl.facts")).toContainText("Offre terminée sans attribution");
  // One refusal and two unanswered: fewer than five households, never counted exactly.
  await expect(visitor.locator("dl.facts")).toContainText("moins de 5");
  await expect(visitor.getByText(APPLICANT)).toHaveCount(0);
  await visitor.getByRole("link", { name: "← Tous les résultats" }).click();
  await expect(visitor.getByRole("heading", { level: 1, name: "Résultats des attributions" })).toBeVisible();
  await hydrated(visitor);
  await visitor.getByLabel("Territoire (EPCI)").selectOption(GRAND_BESANCON);
  await visitor.getByRole("button", { name: "Afficher" }).click();
  await expect(visitor.getByRole("table", { name: /Chiffres par mois/ })).toBeVisible();
  await expect(visitor.getByRole("img", { name: /Offres publiées par mois/ })).toBeVisible();
  await expect(visitor.getByRole("link", { name: new RegExp(`Offre n° ${offerId} —`) })).toBeVisible();
  await expect(visitor.getByText(APPLICANT)).toHaveCount(0);
  expect(visitorErrors).toEqual([]);
});
