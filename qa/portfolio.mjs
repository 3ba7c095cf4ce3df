// The portfolio dashboard in a real browser (Debian's chromium through puppeteer-core): its
// table sorts by a column when the column's header is clicked, and keeps its order (plans not
// ready first) with scripts off.
// Usage: node qa/portfolio.mjs PORTFOLIO_SITE_DIR   (exits 1 naming what failed)

import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { launch } from "./browser.mjs";

const site = process.argv[2];
if (!site) {
  console.error("usage: node qa/portfolio.mjs PORTFOLIO_SITE_DIR");
  process.exit(2);
}
const url = pathToFileURL(join(site, "index.html")).href;
const browser = await launch();
const problems = [];
try {
  const page = await browser.newPage();
  const plans = () => page.$$eval("table.portfolio tbody tr", (rows) => rows.map((r) => r.cells[0].textContent.trim()));
  await page.goto(url, { waitUntil: "load" });
  const before = await plans();
  const headers = await page.$$("table.portfolio thead th button.sort");
  if (headers.length !== 8) problems.push(`expected 8 sort buttons, found ${headers.length}`);
  // Plan, ascending then descending: the two orders are each other's reverse.
  await headers[0].click();
  const up = await plans();
  await headers[0].click();
  const down = await plans();
  if ([...up].sort((a, b) => a.localeCompare(b)).join() !== up.join()) problems.push(`not ascending: ${up}`);
  if ([...up].reverse().join() !== down.join()) problems.push(`not descending: ${down}`);
  const sorted = await page.$eval("table.portfolio thead th", (th) => th.getAttribute("aria-sort"));
  if (sorted !== "descending") problems.push(`aria-sort is ${sorted}`);
  // With scripts off: the built order, no buttons.
  await page.setJavaScriptEnabled(false);
  await page.goto(url, { waitUntil: "load" });
  if ((await page.$$("button.sort")).length) problems.push("sort buttons without scripts");
  if ((await plans()).join() !== before.join()) problems.push("the order changed without scripts");
} finally {
  await browser.close();
}
if (problems.length) {
  console.error(problems.map((p) => `FAILED: ${p}`).join("\n"));
  process.exit(1);
}
console.log("ok: the portfolio dashboard sorts by its columns");
