// Checks a built site in a real browser (Debian's chromium through puppeteer-core):
//  - width: no page scrolls sideways at a 390 px or a 360 px wide viewport
//    (document.documentElement.scrollWidth <= viewport width); at 390 px no table of a list
//    page or a dashboard is wider than the box it scrolls in, and chart text is >= 11 px;
//  - accessibility: axe-core finds no serious or critical violation on any page, nor in the
//    HTML part of any report email, in the light and the dark colour scheme.
// Usage: node qa/check-site.mjs SITE_DIR   (exits 1 and lists every problem when one is found)

import { readFileSync, readdirSync, writeFileSync, mkdtempSync } from "node:fs";
import { join, relative } from "node:path";
import { tmpdir } from "node:os";
import { pathToFileURL } from "node:url";
import { createRequire } from "node:module";
import { launch } from "./browser.mjs";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");


// Each page is opened in these views. Axe runs at the desktop width in both schemes (there,
// table text sits on plain colours, so axe can measure every contrast) and once at a phone
// width, where tables scroll in their own box; the width rule runs at both phone widths.
// At 390 px the phone rules run too: no table of a list page or a dashboard scrolls sideways
// inside its box (key columns would hide there), and chart text is drawn at 11 px or more.
const VIEWS = [
  { width: 1280, scheme: "light", width_check: false, axe: true },
  { width: 1280, scheme: "dark", width_check: false, axe: true },
  { width: 390, scheme: "dark", width_check: true, axe: true, phone: true },
  { width: 360, scheme: "light", width_check: true, axe: false },
];
const MIN_CHART_TEXT = 11;

/** Tables wider than the box they scroll in, on list pages and dashboards (run in the page). */
function wideTables() {
  const listing =
    document.querySelector("table.list[data-filter], table.portfolio") || document.body.classList.contains("dashboard");
  if (!listing) return [];
  const out = [];
  for (const table of document.querySelectorAll("main table")) {
    // A chart's numbers are in a closed <details>: a toggle away, not a column out of sight.
    if (!table.getClientRects().length || table.closest("details:not([open])")) continue;
    let box = table;
    while (box && !/^(auto|scroll)$/.test(getComputedStyle(box).overflowX)) box = box.parentElement;
    if (box && box.scrollWidth > box.clientWidth + 1) {
      const head = table.querySelector("th")?.textContent.trim() || table.className || "table";
      out.push(`table "${head}…" is ${box.scrollWidth} px wide in a ${box.clientWidth} px box`);
    }
  }
  return out;
}

/** Chart text drawn smaller than `min` px once its viewBox is scaled (run in the page). */
function smallChartText(min) {
  const out = [];
  for (const svg of document.querySelectorAll("svg.chart")) {
    const box = svg.viewBox.baseVal;
    const shown = svg.getBoundingClientRect().width;
    if (!box || !box.width || !shown) continue;
    const scale = shown / box.width;
    for (const text of svg.querySelectorAll("text")) {
      const px = parseFloat(getComputedStyle(text).fontSize) * scale;
      if (px < min - 0.05 && text.textContent.trim()) {
        out.push(`chart text "${text.textContent.trim()}" (${text.getAttribute("class") || "text"}) is ${px.toFixed(1)} px`);
        break;
      }
    }
  }
  return out;
}
const BLOCKING = new Set(["serious", "critical"]);

/** Every file under `dir` whose name ends with `suffix`, sorted so reports are stable. */
function filesUnder(dir, suffix) {
  return readdirSync(dir, { recursive: true })
    .filter((f) => f.endsWith(suffix))
    .sort()
    .map((f) => join(dir, f));
}

/** The text/html part of a statuspress .eml (multipart/alternative, quoted-printable). */
function emailHtml(eml) {
  const parts = eml.split(/\r?\n--[^\r\n]+/);
  const part = parts.find((p) => /^Content-Type: text\/html/im.test(p));
  if (!part) throw new Error("no text/html part");
  const body = part.slice(part.search(/\r?\n\r?\n/)).replace(/^\s+/, "");
  if (!/^Content-Transfer-Encoding: quoted-printable/im.test(part)) return body;
  const bytes = [];
  for (const piece of body.replace(/=\r?\n/g, "").split(/(=[0-9A-F]{2})/)) {
    if (/^=[0-9A-F]{2}$/.test(piece)) bytes.push(parseInt(piece.slice(1), 16));
    else bytes.push(...Buffer.from(piece, "utf8"));
  }
  return Buffer.from(bytes).toString("utf8");
}

/** Opens `url` in one view and returns what is wrong there (width, axe), one line per problem. */
async function check(page, url, name, view) {
  const problems = [];
  await page.setViewport({ width: view.width, height: 800 });
  await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: view.scheme }]);
  await page.goto(url, { waitUntil: "load" });
  const where = `${name} [${view.width} px, ${view.scheme}]`;
  if (view.width_check) {
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
    if (scroll > view.width) {
      // Name the outermost elements that stick out, so the report says what to fix.
      const wide = await page.evaluate((w) => {
        const out = [];
        for (const el of document.body.querySelectorAll("*")) {
          const right = (e) => e.getBoundingClientRect().right > w + 0.5;
          if (right(el) && !(el.parentElement && right(el.parentElement))) {
            const cls = el.classList.length ? `.${el.classList[0]}` : "";
            out.push(`${el.tagName.toLowerCase()}${cls} (${Math.round(el.getBoundingClientRect().right)} px)`);
          }
        }
        return out.slice(0, 3).join(", ");
      }, view.width);
      problems.push(`${where}: page is ${scroll} px wide; sticking out: ${wide}`);
    }
  }
  if (view.phone) {
    for (const problem of await page.evaluate(wideTables)) problems.push(`${where}: ${problem}`);
    for (const problem of await page.evaluate(smallChartText, MIN_CHART_TEXT)) problems.push(`${where}: ${problem}`);
  }
  if (view.axe) {
    await page.evaluate(axeSource);
    const violations = await page.evaluate(async () => {
      const result = await window.axe.run(document, { resultTypes: ["violations"] });
      return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary.replace(/\s+/g, " ")}`),
      }));
    });
    for (const v of violations.filter((v) => BLOCKING.has(v.impact))) {
      const nodes = v.nodes.slice(0, 3).join("\n    ");
      problems.push(`${where}: ${v.impact} ${v.id} (${v.help}), ${v.nodes.length} element(s):\n    ${nodes}`);
    }
  }
  return problems;
}

async function main() {
  const site = process.argv[2];
  if (!site) {
    console.error("usage: node qa/check-site.mjs SITE_DIR");
    process.exit(2);
  }
  const pages = filesUnder(site, ".html");
  const emails = filesUnder(site, ".eml");
  if (pages.length === 0) throw new Error(`no .html files under ${site}: build the site first`);

  // Emails are checked as the HTML a mail client would render, written next to nothing else.
  const mailDir = mkdtempSync(join(tmpdir(), "statuspress-email-"));
  const mails = emails.map((eml, n) => {
    const file = join(mailDir, `${n}.html`);
    writeFileSync(file, emailHtml(readFileSync(eml, "utf8")));
    return { name: relative(site, eml), url: pathToFileURL(file).href };
  });

  const browser = await launch();
  // One task per page (or email) and view, spread over a few tabs: axe is single-threaded.
  const tasks = [];
  for (const file of pages) {
    for (const view of VIEWS) tasks.push({ url: pathToFileURL(file).href, name: relative(site, file), view });
  }
  // Emails have a fixed light palette and a 600 px layout: axe in both schemes, no width rule.
  for (const mail of mails) {
    for (const view of VIEWS.filter((v) => v.axe)) tasks.push({ ...mail, view: { ...view, width_check: false } });
  }
  const results = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    const page = await browser.newPage();
    while (next < tasks.length) {
      const n = next++;
      results[n] = await check(page, tasks[n].url, tasks[n].name, tasks[n].view);
    }
  };
  try {
    await Promise.all(Array.from({ length: Number(process.env.QA_JOBS || 3) }, worker));
  } finally {
    await browser.close();
  }
  const problems = results.flat();

  const views = VIEWS.map(
    (v) => `${v.width} px ${v.scheme}${v.width_check ? " width" : ""}${v.phone ? " tables charts" : ""}${v.axe ? " axe" : ""}`,
  );
  const checked = `${pages.length} pages and ${mails.length} emails (${views.join("; ")})`;
  if (problems.length) {
    console.error(problems.join("\n"));
    console.error(`\n${problems.length} problem(s) in ${checked}.`);
    process.exit(1);
  }
  console.log(`ok: ${checked}`);
}

main().catch((e) => {
  console.error(`check-site: ${e.message}`);
  process.exit(1);
});
