import { expect, test } from "@playwright/test";
import { signedInPage } from "./helpers";

// The demo seed takes offers through every stage with the platform's own code: each role signs
// in to work in progress (README, "Demo").

test("every demo role lands on work in progress", async ({ browser }) => {
  // The applicant: a ranked application, a unit proposed, a refusal with its motive, a withdrawal.
  const applicant = await signedInPage(browser, "demandeur@locactive.demo");
  await expect(applicant.getByRole("heading", { level: 1, name: "Mon espace demandeur" })).toBeVisible();
  await expect(applicant.getByText("Proposé, en attente de réponse").first()).toBeVisible();
  await applicant.goto("/espace/candidatures");
  await expect(applicant.getByText(/\d+(er|e) sur \d+ candidats recevables/).first()).toBeVisible();
  await expect(applicant.getByText(/Décision de la commission : Non-attribution\. Motif : La commission a retenu/)).toBeVisible();
  await expect(applicant.getByText("Sans objet : vous avez retiré cette candidature avant la clôture.")).toBeVisible();
  await applicant.context().close();

  // Landlord staff: a shortlist to build, an offer to put on an agenda, a commission to follow.
  const staff = await signedInPage(browser, "agent@habitat-comtois.demo");
  await expect(staff.getByRole("heading", { level: 2, name: "À faire" })).toBeVisible();
  const todo = staff.locator("ul.todo");
  await expect(todo.getByRole("link", { name: /^Constituer la liste des candidats/ }).first()).toBeVisible();
  await expect(todo.getByRole("link", { name: /^Inscrire à l'ordre du jour/ }).first()).toBeVisible();
  await expect(todo.getByRole("link", { name: /^Suivre la décision/ }).first()).toBeVisible();
  await staff.goto("/gestion/journal");
  await expect(staff.getByRole("cell", { name: "Procès-verbal signé" }).first()).toBeVisible();
  await staff.context().close();
  const otherStaff = await signedInPage(browser, "agent@montbeliard-logis.demo");
  await expect(otherStaff.locator("ul.todo").getByRole("link", { name: /^Constituer la liste des candidats/ })).toBeVisible();
  await otherStaff.context().close();

  // The commission: a session planned today with its agenda, and a signed one with its minutes.
  for (const member of ["membre@habitat-comtois.demo", "maire@habitat-comtois.demo"]) {
    const page = await signedInPage(browser, member);
    await expect(page.getByText("Prévue (ordre du jour ouvert)").first()).toBeVisible();
    await expect(page.getByText("Procès-verbal signé").first()).toBeVisible();
    await page.context().close();
  }
});

test("accepting a unit asks for confirmation first, without JavaScript too", async ({ browser }) => {
  const applicant = await signedInPage(browser, "demandeur@locactive.demo", false);
  await applicant.goto("/espace/candidatures");
  const proposed = applicant.locator(".application").filter({ hasText: "Proposé, en attente de réponse" }).first();
  await expect(proposed.getByRole("button", { name: "Oui, accepter le logement" })).toBeHidden();
  await proposed.getByText("Accepter le logement", { exact: true }).click();
  await expect(proposed.getByText(/votre acceptation est définitive/)).toBeVisible();
  await proposed.getByRole("button", { name: "Oui, accepter le logement" }).click();
  await expect(applicant.getByText("Vous avez accepté le logement.", { exact: false })).toBeVisible();
  await applicant.context().close();
});
