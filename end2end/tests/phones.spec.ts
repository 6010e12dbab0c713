import { expect, Page, test } from "@playwright/test";
import { hydrated, signIn, watchConsole } from "./helpers";

// A phone's width: the main pages of each role fit it, with what matters near the top. Each
// page's screenshot is kept with the test's results.
test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

async function fitsThePhone(page: Page, name: string) {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
  // Against the phone's width itself: a mobile browser widens its window to a page that
  // overflows, so the window's own width would always match.
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${name} overflows sideways`).toBeLessThanOrEqual(page.viewportSize()!.width);
  const header = await page.locator(".site-header").boundingBox();
  expect(header!.height, `${name}: header height`).toBeLessThanOrEqual(110);
}

async function top(page: Page, selector: string): Promise<number> {
  const box = await page.locator(selector).first().boundingBox();
  return box!.y;
}

test("the main pages of every role fit a 390 px screen, results and costs first", async ({ page }) => {
  test.setTimeout(120_000);
  for (const [path, name] of [["/", "accueil"], ["/offres", "offres"], ["/cotation", "grilles"]] as const) {
    await page.goto(path);
    await fitsThePhone(page, name);
  }
  // The results come before the filters, which fold behind one line.
  await page.goto("/offres");
  expect(await top(page, ".offer-card")).toBeLessThan(700);
  await expect(page.getByLabel("Typologie")).toBeHidden();
  await page.getByText("Filtrer les offres").click();
  await expect(page.getByLabel("Typologie")).toBeVisible();
  // An offer: its cost and closing date first.
  await page.locator(".offer-card h3 a").first().click();
  await expect(page.locator(".offer-key")).toContainText("par mois charges comprises");
  expect(await top(page, ".offer-key")).toBeLessThan(300);
  await fitsThePhone(page, "offre");

  const roles: [string, string[]][] = [
    ["demandeur@locactive.demo", ["/espace", "/espace/candidatures", "/espace/profil", "/espace/cotation"]],
    ["agent@habitat-comtois.demo", ["/gestion", "/gestion/commissions", "/gestion/demandeurs", "/gestion/journal"]],
    ["membre@habitat-comtois.demo", ["/commission"]],
    ["territoire@grandbesancon.demo", ["/territoire"]],
    ["admin@locactive.demo", ["/admin"]],
  ];
  for (const [email, paths] of roles) {
    await page.context().clearCookies();
    await signIn(page, email);
    for (const path of paths) {
      await page.goto(path);
      await expect(page.locator("main h1").first()).toBeVisible();
      await fitsThePhone(page, `${email.split("@")[0]}${path.replaceAll("/", "-")}`);
    }
  }
  // A session of the commission, with its candidates.
  await page.context().clearCookies();
  await signIn(page, "membre@habitat-comtois.demo");
  await page.goto("/commission");
  await page.getByRole("link", { name: /Séance du/ }).first().click();
  await expect(page.locator("main h1")).toContainText("Séance du");
  await fitsThePhone(page, "seance");
});

test("the built files carry a hash of their content and are kept a year; pages are asked again", async ({ page, request }) => {
  const response = await page.goto("/offres");
  expect(response!.headers()["cache-control"]).toBe("private, no-cache");
  // The stylesheet in the head; the script and the WebAssembly named by the loader that fetches
  // them once the page is idle (no hint asks for them earlier).
  const built = await page.evaluate(() => [
    ...[...document.querySelectorAll("link[rel=stylesheet]")].map((link) => link.getAttribute("href")!),
    ...[...document.querySelectorAll("script[type=module]")].flatMap((s) => s.textContent!.match(/\/pkg\/[^"]+/g) ?? []),
  ]);
  expect(await page.locator("link[rel=preload], link[rel=modulepreload]").count()).toBe(0);
  expect(built.filter((href) => href.startsWith("/pkg/"))).toHaveLength(3);
  for (const href of built) {
    expect(href, "a hashed name").toMatch(/^\/pkg\/locactive\.[A-Za-z0-9_-]{16,}\.(css|js|wasm)$/);
    const file = await request.get(href);
    expect(file.status()).toBe(200);
    expect(file.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
  }
});

test("public pages fetch no script or WebAssembly unless a part of them runs in the browser", async ({ page }) => {
  const errors = watchConsole(page);
  const fetched: string[] = [];
  page.on("request", (request) => {
    const path = new URL(request.url()).pathname;
    if (/^\/pkg\/.*\.(js|wasm)$/.test(path)) fetched.push(path);
  });
  await page.goto("/offres");
  const offer = await page.locator(".offer-card h3 a").first().getAttribute("href");
  // The catalogue has an island: its bundle must have come before counting the next pages'.
  await hydrated(page);
  // Drawn on the server only: no island, nothing to fetch, and the forms are plain forms.
  for (const path of ["/", offer!, "/connexion", "/inscription"]) {
    fetched.length = 0;
    await page.goto(path);
    await hydrated(page);
    expect(await page.locator("leptos-island").count(), path).toBe(0);
    expect(fetched, `${path} fetched built code`).toEqual([]);
  }
  // The catalogue's commune field is an island: the bundle comes, and the field suggests. What
  // was typed before it woke up stays in the field.
  fetched.length = 0;
  await page.goto("/offres");
  await page.getByText("Filtrer les offres").click();
  const commune = page.getByRole("combobox", { name: "Commune", exact: true });
  await commune.fill("Besan");
  await hydrated(page);
  expect(fetched.some((path) => path.endsWith(".wasm"))).toBe(true);
  await expect(commune).toHaveValue("Besan");
  await commune.pressSequentially("ç");
  await expect(page.getByRole("option", { name: /Besançon/ }).first()).toBeVisible();
  expect(errors).toEqual([]);
});
