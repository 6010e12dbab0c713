// Prints one line of figures from a Lighthouse JSON report: node summary.mjs REPORT PATH
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
