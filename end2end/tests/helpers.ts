import AxeBuilder from "@axe-core/playwright";
import { Browser, expect, Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export const DEMO_PASSWORD = "demo-locactive-2026";

/** Fails the test on any console error or uncaught exception (a broken hydration shows there). */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    // A 422 is the expected answer to a form with errors; the browser logs it as a failed load.
    const expected = /status of 422/.test(message.text());
    if (message.type() === "error" && !expected) errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

/** Waits until the page's islands are awake (at once on a page without any: nothing runs there). */
export async function hydrated(page: Page) {
  await page.locator("body[data-hydrated]").waitFor({ state: "attached", timeout: 20_000 });
}

function decodeBody(eml: string): string {
  const split = eml.indexOf("\r\n\r\n") >= 0 ? eml.indexOf("\r\n\r\n") : eml.indexOf("\n\n");
  const headers = eml.slice(0, split);
  const body = eml.slice(split).trim();
  const encoding = /Content-Transfer-Encoding:\s*([\w-]+)/i.exec(headers)?.[1]?.toLowerCase();
  if (encoding === "base64") return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (encoding === "quoted-printable") {
    const joined = body.replace(/=\r?\n/g, "");
    const bytes: number[] = [];
    for (let i = 0; i < joined.length; i++) {
      if (joined[i] === "=" && /^[0-9A-F]{2}$/i.test(joined.slice(i + 1, i + 3))) {
        bytes.push(parseInt(joined.slice(i + 1, i + 3), 16));
        i += 2;
      } else bytes.push(...Buffer.from(joined[i], "utf8"));
    }
    return Buffer.from(bytes).toString("utf8");
  }
  return body;
}

/** The newest e-mail written to the outbox directory for `recipient`, decoded. */
export async function lastMailTo(recipient: string): Promise<string> {
  const dir = process.env.E2E_MAIL_DIR;
  if (!dir) throw new Error("E2E_MAIL_DIR is not set (run the tests through scripts/test.sh)");
  let found: string | undefined;
  await expect
    .poll(
      () => {
        if (!fs.existsSync(dir)) return false;
        const mails = fs
          .readdirSync(dir)
          .filter((f) => f.endsWith(".eml"))
          .map((f) => path.join(dir, f))
          .map((f) => ({ f, t: fs.statSync(f).mtimeMs, text: fs.readFileSync(f, "utf8") }))
          .filter((m) => m.text.includes(`To: ${recipient}`))
          .sort((a, b) => b.t - a.t);
        found = mails[0] ? decodeBody(mails[0].text) : undefined;
        return found !== undefined;
      },
      { timeout: 15_000, message: `an e-mail to ${recipient}` },
    )
    .toBe(true);
  return found!;
}

export function linkIn(body: string): string {
  const match = /https?:\/\/\S+jeton=[\w-]+/.exec(body);
  if (!match) throw new Error(`no link in: ${body}`);
  return new URL(match[0]).pathname + new URL(match[0]).search;
}

export async function login(page: Page, email: string, password: string) {
  await page.goto("/connexion");
  await page.getByLabel("Adresse e-mail").fill(email);
  await page.getByLabel(/^Mot de passe/).fill(password);
  await page.getByRole("button", { name: "Se connecter" }).click();
}

/** Every e-mail written to the outbox directory for `recipient`, decoded, oldest first. */
export function mailsTo(recipient: string): string[] {
  const dir = process.env.E2E_MAIL_DIR;
  if (!dir) throw new Error("E2E_MAIL_DIR is not set (run the tests through scripts/test.sh)");
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".eml"))
    .map((f) => path.join(dir, f))
    .map((f) => ({ t: fs.statSync(f).mtimeMs, text: fs.readFileSync(f, "utf8") }))
    .filter((m) => m.text.includes(`To: ${recipient}`))
    .sort((a, b) => a.t - b.t)
    .map((m) => decodeBody(m.text));
}

/**
 * Time passing, which a browser cannot do: other demo applicants apply to the offer too, and the
 * window ends. The server's own clock then closes and ranks the offer as it would in production.
 * With `scoringBelow`, the others are chosen among requests the background job scored lower than
 * that applicant's, so that they rank behind (a preference: the job may not have caught up).
 */
export function othersApplyAndTheWindowEnds(offerId: string, scoringBelow = "") {
  const dir = process.env.E2E_MAIL_DIR;
  if (!dir) throw new Error("E2E_MAIL_DIR is not set (run the tests through scripts/test.sh)");
  const db = path.join(path.dirname(dir), "locactive.db");
  const script = `
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=30)
offer = int(sys.argv[2])
below = sys.argv[3]
now = int(time.time())
(org,) = db.execute("SELECT organisation_id FROM offers WHERE id = ?", (offer,)).fetchone()
bound = db.execute("""SELECT s.grid_id, s.score FROM cotation_scores s JOIN users u ON u.id = s.user_id
    WHERE u.email = ? ORDER BY s.grid_id DESC LIMIT 1""", (below,)).fetchone() if below else None
query = """SELECT u.id FROM users u JOIN applicant_profiles p ON p.user_id = u.id
    WHERE u.email LIKE 'demandeur0%' AND p.sne_number IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.offer_id = ? AND a.applicant_user_id = u.id)"""
params = [offer]
if bound:
    query += " AND EXISTS (SELECT 1 FROM cotation_scores c WHERE c.user_id = u.id AND c.grid_id = ? AND c.score < ?)"
    params += [bound[0], bound[1] - 5]
users = db.execute(query + " ORDER BY u.id LIMIT 40", params).fetchall()
for (user,) in users:
    db.execute("""INSERT INTO applications (offer_id, organisation_id, applicant_user_id, status, channel,
        created_by_user_id, created_at) VALUES (?, ?, ?, 'active', 'online', ?, ?)""", (offer, org, user, user, now))
db.execute("UPDATE offers SET closes_at = ? WHERE id = ?", (now - 1, offer))
db.commit()
`;
  execFileSync("python3", ["-c", script, db, offerId, scoringBelow]);
}

/**
 * Time passing again: the ten days the candidates offered the unit had to answer are over. The
 * server's own job then passes the unit down the ranks, and ends the offer when nobody is left.
 */
export function answerDelaysEnd(offerId: string) {
  const dir = process.env.E2E_MAIL_DIR;
  if (!dir) throw new Error("E2E_MAIL_DIR is not set (run the tests through scripts/test.sh)");
  const db = path.join(path.dirname(dir), "locactive.db");
  const script = `
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=30)
db.execute("UPDATE offer_proposals SET respond_by = '2000-01-01' WHERE offer_id = ? AND status = 'en_attente'", (int(sys.argv[2]),))
db.commit()
`;
  execFileSync("python3", ["-c", script, db, offerId]);
}

/** Rows of a read-only query on the demo's SQLite database: for finding a fixture, never to act. */
export function queryDemo(sql: string): string[][] {
  const dir = process.env.E2E_MAIL_DIR;
  if (!dir) throw new Error("E2E_MAIL_DIR is not set (run the tests through scripts/test.sh)");
  const db = path.join(path.dirname(dir), "locactive.db");
  const script = `
import json, sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True, timeout=30)
print(json.dumps([[str(v) for v in row] for row in db.execute(sys.argv[2]).fetchall()]))
`;
  return JSON.parse(execFileSync("python3", ["-c", script, db, sql]).toString());
}

/** Signs in and waits until the sign-in page is left. */
export async function signIn(page: Page, email: string) {
  await login(page, email, DEMO_PASSWORD);
  await page.waitForURL((url) => !url.pathname.startsWith("/connexion"));
}

/** A page in a context of its own, signed in as `email`, with or without JavaScript. */
export async function signedInPage(browser: Browser, email: string, javaScriptEnabled = true): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  await signIn(page, email);
  return page;
}

/** A day in Paris, as a date input takes it. */
export function parisDay(offsetDays: number): string {
  const when = new Date(Date.now() + offsetDays * 86_400_000);
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" }).format(when);
}

/** Fails on any WCAG 2.1 A or AA violation axe finds in the page as it stands, naming each. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const found = results.violations.map(
    (v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
  expect(found, `accessibility violations on ${page.url()}`).toEqual([]);
}
