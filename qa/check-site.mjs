// Checks a built site in a real browser (Debian's chromium through puppeteer-core):
//  - width: no page scrolls sideways at a 390 px or a 360 px wide viewport
//    (document.documentElement.scrollWidth <= viewport width);
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
const VIEWS = [
  { width: 1280, scheme: "light", width_check: false, axe: true },
  { width: 1280, scheme: "dark", width_check: false, axe: true },
  { width: 390, scheme: "dark", width_check: true, axe: true },
  { width: 360, scheme: "light", width_check: true, axe: false },
];
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

  const views = VIEWS.map((v) => `${v.width} px ${v.scheme}${v.width_check ? " width" : ""}${v.axe ? " axe" : ""}`);
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
