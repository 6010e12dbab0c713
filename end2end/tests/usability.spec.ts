import { expect, Page, test } from "@playwright/test";
import { DEMO_PASSWORD, hydrated, signIn, signedInPage, watchConsole } from "./helpers";

for (const javaScriptEnabled of [true, false]) {
  const how = javaScriptEnabled ? "with JavaScript" : "without JavaScript";

  test(`a refused form shows what was chosen and typed, not the saved values (${how})`, async ({ browser }) => {
    // A list: the territory's grid for mutations, with a faulty line.
    const territory = await signedInPage(browser, "territoire@grandbesancon.demo", javaScriptEnabled);
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
    const applicant = await signedInPage(browser, "demandeur@locactive.demo", javaScriptEnabled);
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
    const admin = await signedInPage(browser, "admin@locactive.demo", javaScriptEnabled);
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

/** Headings never skip a level going down (h1 then h3 with no h2 between). */
async function headingLevels(page: Page): Promise<number[]> {
  return page.locator("main h1, main h2, main h3, main h4, main h5, main h6").evaluateAll((hs) => hs.map((h) => Number(h.tagName[1])));
}

function skips(levels: number[]): string[] {
  return levels.flatMap((level, i) => (i > 0 && level > levels[i - 1] + 1 ? [`h${levels[i - 1]} → h${level}`] : []));
}

test("small things: one address, sign-in that comes back, honest pages and words", async ({ browser }) => {
  test.setTimeout(90_000);
  const visitor = await (await browser.newContext()).newPage();

  // The address once: street, then postcode and commune.
  await visitor.goto("/offres");
  await visitor.locator(".offer-card h3 a").first().click();
  const address = visitor.locator("dt", { hasText: "Adresse" }).locator("xpath=following-sibling::dd[1]");
  await expect(address).toHaveText(/^\d+ [^,]+, \d{5} [^,]+$/);

  // "Only offers for me" is a sign-in link for a visitor, and the sign-in comes back to the search.
  await visitor.goto("/offres?typologie=T3");
  await expect(visitor.getByLabel("Seulement les offres pour moi")).toHaveCount(0);
  await visitor.getByRole("link", { name: "Connectez-vous avec votre compte demandeur" }).click();
  await visitor.getByLabel("Adresse e-mail").fill("demandeur@locactive.demo");
  await visitor.getByLabel(/^Mot de passe/).fill(DEMO_PASSWORD);
  await visitor.getByRole("button", { name: "Se connecter" }).click();
  await visitor.waitForURL(/\/offres\?/);
  expect(new URL(visitor.url()).searchParams.get("pour_moi")).toBe("1");
  expect(new URL(visitor.url()).searchParams.get("typologie")).toBe("T3");
  await expect(visitor.getByLabel("Seulement les offres pour moi")).toBeChecked();

  // A page past the last one says so, and "previous" goes to the last one.
  await visitor.goto("/offres?page=99");
  await expect(visitor.getByRole("heading", { name: /la page 99 n'existe pas : cette recherche en compte \d+/ })).toBeVisible();
  const last = await visitor.getByRole("link", { name: "Page précédente" }).getAttribute("href");
  expect(Number(new URL(last!, visitor.url()).searchParams.get("page"))).toBeLessThan(99);

  // My applications: headings follow each other without a gap.
  await visitor.goto("/espace/candidatures");
  await expect(visitor.getByRole("heading", { level: 1, name: "Mes candidatures" })).toBeVisible();
  expect(skips(await headingLevels(visitor))).toEqual([]);
  await visitor.context().close();

  // Staff: an unknown applicant's file is one "not found" page; a file's reasons speak of the
  // household, not to it; the log names its subjects.
  const staff = await browser.newPage();
  await signIn(staff, "agent@habitat-comtois.demo");
  await staff.goto("/gestion/demandeurs/999999");
  await expect(staff.getByRole("heading", { name: "Page introuvable" })).toHaveCount(1);
  await staff.goto("/gestion/demandeurs");
  await hydrated(staff);
  await staff.getByLabel("Nom et prénom").fill("Marcel Girard");
  await staff.getByLabel("Adresse e-mail du demandeur").fill(`marcel-${Date.now()}@exemple.fr`);
  await staff.getByRole("button", { name: "Ouvrir l'espace" }).click();
  await staff.waitForURL(/\/gestion\/demandeurs\/\d+/);
  await expect(staff.getByText("La composition du foyer n'est pas renseignée.").first()).toBeVisible();
  await expect(staff.getByText(/votre foyer|le vôtre/)).toHaveCount(0);
  await staff.goto("/gestion/journal");
  const subjects = await staff.locator("tbody tr td:nth-child(4)").allTextContents();
  expect(subjects.length).toBeGreaterThan(0);
  expect(subjects.filter((s) => /^[a-z_]+:\d+$/.test(s))).toEqual([]);
  expect(subjects).toContain("Marcel Girard");
  await staff.close();
});

test("errors the server answers are pages of the site with a way back; the upload form checks the size first", async ({ browser }) => {
  const bigScan = { name: "avis-impot-scan.pdf", mimeType: "application/pdf", buffer: Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(6 * 1024 * 1024, 0x20)]) };

  // With JavaScript: the limit is said before, and a file over it is refused as soon as chosen.
  const applicant = await signedInPage(browser, "demandeur@locactive.demo", true);
  await applicant.goto("/espace/profil");
  await hydrated(applicant);
  await expect(applicant.getByText(/PDF, JPEG ou PNG, 5 Mo au plus/)).toBeVisible();
  await applicant.getByLabel("Nature du justificatif").selectOption({ index: 1 });
  await applicant.locator("#document-file").setInputFiles(bigScan);
  await expect(applicant.getByRole("alert").filter({ hasText: /Le fichier fait 6,1 Mo : 5 Mo au plus\./ })).toBeVisible();
  await applicant.getByRole("button", { name: "Envoyer le justificatif" }).click();
  await expect(applicant).toHaveURL(/\/espace\/profil/);
  await applicant.context().close();

  // Without it, the server refuses the same file with a page in the site's frame.
  const plain = await signedInPage(browser, "demandeur@locactive.demo", false);
  await plain.goto("/espace/profil");
  await plain.getByLabel("Nature du justificatif").selectOption({ index: 1 });
  await plain.locator("#document-file").setInputFiles(bigScan);
  await plain.getByRole("button", { name: "Envoyer le justificatif" }).click();
  await expect(plain.getByRole("heading", { level: 1, name: "Fichier ou formulaire trop volumineux" })).toBeVisible();
  await expect(plain.getByRole("navigation", { name: "Navigation principale" })).toBeVisible();
  await expect(plain.getByText("Rien n'a été enregistré.")).toBeVisible();
  await plain.getByRole("link", { name: "Revenir à la page précédente" }).click();
  await expect(plain.getByRole("heading", { level: 1, name: "Mon profil de demandeur" })).toBeVisible();

  // A form posted from another site, and an unknown address: the same frame.
  const crossSite = await plain.request.post("/espace/documents", {
    headers: { Origin: "https://ailleurs.example", Accept: "text/html" },
    multipart: { kind: "avis_imposition" },
  });
  expect(crossSite.status()).toBe(403);
  const body = await crossSite.text();
  expect(body).toContain('class="site-header"');
  expect(body).toContain("Accès refusé");
  await plain.goto("/offres/999999999");
  await expect(plain.getByRole("heading", { level: 1, name: /introuvable/ })).toBeVisible();
  await expect(plain.getByRole("navigation", { name: "Navigation principale" })).toBeVisible();
  await plain.context().close();
});
