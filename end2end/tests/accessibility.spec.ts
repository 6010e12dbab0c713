import { Browser, expect, Page, test } from "@playwright/test";
import { expectAccessible, hydrated, signedInPage, watchConsole } from "./helpers";

// Every page of every role, as the demo opens it, checked by axe (WCAG 2.1 A and AA) after
// hydration: the suite fails on any violation and on any console error. Pages reached through a
// list (an offer, a session, an organisation) are the first the list links to.

/** The first address on the page matching `pattern`, for pages whose id the demo decides. */
async function firstLink(page: Page, pattern: RegExp): Promise<string> {
  const hrefs = await page.locator("a[href]").evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
  const found = hrefs.find((href) => pattern.test(href));
  expect(found, `a link matching ${pattern} on ${page.url()}`).toBeTruthy();
  return found!;
}

type Visit = string | { from: string; link: RegExp };

async function checkEach(page: Page, visits: Visit[]) {
  const errors = watchConsole(page);
  for (const visit of visits) {
    let path: string;
    if (typeof visit === "string") {
      path = visit;
    } else {
      await page.goto(visit.from);
      path = await firstLink(page, visit.link);
    }
    const response = await page.goto(path);
    expect(response?.status(), path).toBeLessThan(400);
    await hydrated(page);
    await expectAccessible(page);
  }
  expect(errors).toEqual([]);
}

async function asRole(browser: Browser, email: string, visits: Visit[]) {
  const page = await signedInPage(browser, email);
  await checkEach(page, visits);
  await page.context().close();
}

const OFFER = /^\/offres\/\d+$/;

test("public pages", async ({ page }) => {
  test.setTimeout(120_000);
  await checkEach(page, [
    "/",
    "/offres",
    "/offres?q=balcon&typologie=T3",
    { from: "/offres", link: OFFER },
    "/connexion",
    "/inscription",
    "/mot-de-passe-oublie",
    "/cotation",
    "/confidentialite",
    "/mentions-legales",
  ]);
});

test("the applicant's pages", async ({ browser }) => {
  test.setTimeout(120_000);
  await asRole(browser, "demandeur@locactive.demo", [
    "/espace",
    "/espace/profil",
    "/espace/candidatures",
    { from: "/espace/candidatures", link: /^\/espace\/candidatures\/\d+$/ },
    "/espace/cotation",
    "/espace/donnees",
    "/offres?pour_moi=1",
    "/compte",
    "/compte/adresse",
  ]);
});

test("the landlord staff's pages", async ({ browser }) => {
  test.setTimeout(180_000);
  await asRole(browser, "agent@habitat-comtois.demo", [
    "/gestion",
    "/gestion/logements/nouveau",
    { from: "/gestion", link: /^\/gestion\/logements\/\d+$/ },
    "/gestion/import",
    "/gestion/demandeurs",
    { from: "/gestion", link: /^\/gestion\/offres\/\d+$/ },
    { from: "/gestion", link: /^\/gestion\/offres\/\d+\/classement$/ },
    "/gestion/commissions",
    "/gestion/journal",
    "/gestion/occupation",
    "/gestion/flux",
  ]);
});

test("the commission's, the territory's, the réservataire's and the administrator's pages", async ({ browser }) => {
  test.setTimeout(180_000);
  await asRole(browser, "membre@habitat-comtois.demo", [
    "/commission",
    { from: "/commission", link: /^\/commission\/seances\/\d+$/ },
    // The demo's signed session: its minutes.
    { from: "/commission", link: /^\/commission\/seances\/\d+\/pv$/ },
  ]);
  // A session of several offers (the demo's signed one), at its second point: the agenda's
  // navigation and the pager.
  const staff = await signedInPage(browser, "agent@habitat-comtois.demo");
  const staffErrors = watchConsole(staff);
  await staff.goto("/gestion/commissions");
  const secondOffer = staff
    .locator("li.session-card ol")
    .filter({ has: staff.locator("li:nth-child(2)") })
    .first()
    .locator("li:nth-child(2) a");
  await staff.goto((await secondOffer.getAttribute("href"))!);
  await hydrated(staff);
  await expect(staff.getByText(/^Point 2 sur \d+$/)).toBeVisible();
  await expect(staff.getByRole("navigation", { name: "Ordre du jour", exact: true }).locator("[aria-current=page]")).toHaveCount(1);
  await expectAccessible(staff);
  expect(staffErrors).toEqual([]);
  await staff.context().close();
  await asRole(browser, "territoire@grandbesancon.demo", ["/territoire"]);
  await asRole(browser, "reservataire@actionlogement.demo", ["/reservataire", "/reservataire/bilan"]);
  await asRole(browser, "admin@locactive.demo", [
    "/admin",
    { from: "/admin", link: /^\/admin\/organisations\/\d+$/ },
  ]);
});
