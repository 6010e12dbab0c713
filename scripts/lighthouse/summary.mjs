// Prints one line of figures from a Lighthouse JSON report, and exits with 1 when the page misses
// a goal of issue 14: node summary.mjs REPORT PATH
import { readFileSync } from "node:fs";

const [report, path] = process.argv.slice(2);
const lhr = JSON.parse(readFileSync(report, "utf8"));
const score = (name) => Math.round((lhr.categories[name]?.score ?? 0) * 100);
const audit = (name) => lhr.audits[name]?.numericValue ?? NaN;
// What the first visit downloads of the built files (script, WebAssembly, stylesheet), as sent
// over the wire: compressed when the server had a compressed copy.
const requests = lhr.audits["network-requests"]?.details?.items ?? [];
const built = requests
  .filter((r) => new URL(r.url).pathname.startsWith("/pkg/"))
  .reduce((sum, r) => sum + (r.transferSize ?? 0), 0);
const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
console.log(
  [
    path.padEnd(14),
    `perf ${String(score("performance")).padStart(3)}`,
    `a11y ${String(score("accessibility")).padStart(3)}`,
    `pract ${String(score("best-practices")).padStart(3)}`,
    `LCP ${(audit("largest-contentful-paint") / 1000).toFixed(1)} s`,
    `TBT ${audit("total-blocking-time").toFixed(0)} ms`,
    `CLS ${audit("cumulative-layout-shift").toFixed(3)}`,
    `total ${kib(audit("total-byte-weight"))}`,
    `built files ${kib(built)}`,
  ].join("  "),
);

// The goals: every public page ships at most 150 KB of built files (compressed) and scores 100 in
// accessibility; the catalogue and an offer page (the pages applicants land on) score at least 95
// in performance, with LCP ≤ 2.5 s, TBT ≤ 200 ms and CLS ≤ 0.1.
const missed = [];
if (built > 150_000) missed.push(`built files ${built} B > 150 KB`);
if (score("accessibility") < 100) missed.push("accessibility < 100");
if (path === "/offres" || /^\/offres\/\d+$/.test(path)) {
  if (score("performance") < 95) missed.push("performance < 95");
  if (audit("largest-contentful-paint") > 2500) missed.push("LCP > 2.5 s");
  if (audit("total-blocking-time") > 200) missed.push("TBT > 200 ms");
  if (audit("cumulative-layout-shift") > 0.1) missed.push("CLS > 0.1");
}
if (missed.length > 0) {
  console.log(`${path}: goal missed: ${missed.join(", ")}`);
  process.exitCode = 1;
}
