// Finding things in a real browser (Debian's chromium through puppeteer-core), on the built
// example opened from file:// as people open it, and through `statuspress serve`:
// typing in the header's search box shows result links (by title, by id, by a body word), the
// keyboard reaches and follows them; a list filter and the sort change the rows and the
// announced count, are written to the address (`?status=open&sort=title`), and opening that
// address applies them; with scripts off the search box is hidden and the list complete; axe finds
// no serious or critical violation with the results or the filter bar showing.
// Usage: node qa/search.mjs SITE_DIR [STATUSPRESS_BINARY [SCREENSHOT_DIR]]
//   (exits 1 naming the step that failed; without a binary the serve step is skipped;
//   screenshots of the results and the filter bar at 1280 and 390 px, light and dark, go to
//   SCREENSHOT_DIR when given)

import { readFileSync, mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { pathToFileURL } from "node:url";
import { spawn, execFileSync } from "node:child_process";
import { createServer } from "node:net";
import { createRequire } from "node:module";
import { launch } from "./browser.mjs";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const [site, binary, shots] = process.argv.slice(2);
if (!site) {
  console.error("usage: node qa/search.mjs SITE_DIR [STATUSPRESS_BINARY [SCREENSHOT_DIR]]");
  process.exit(2);
}
const fileUrl = (path) => pathToFileURL(resolve(site, path)).href;

// A body word that one record has, not in its title: finding it proves the body and field
// words are searched. The index maps words to record numbers as gaps from the one before.
const index = JSON.parse(readFileSync(join(site, "search-index.json"), "utf8"));
const records = index.records;
const bodyWord = (() => {
  for (const [word, gaps] of Object.entries(index.words)) {
    const record = records[gaps[0]];
    if (gaps.length === 1 && word.length >= 5 && /^[a-z]+$/.test(word) && !record.title.toLowerCase().includes(word)) {
      return { word, record };
    }
  }
  throw new Error("no record has a body word of its own");
})();

const browser = await launch();
let failed = false;
const step = async (what, fn) => {
  try {
    await fn();
    console.log(`ok: ${what}`);
  } catch (e) {
    failed = true;
    console.error(`FAILED: ${what}: ${e.message}`);
  }
};
const problems = [];

// Types `query` into the search box and returns the result links, as [{ href, text }].
async function search(page, query) {
  await page.click("#search-q", { clickCount: 3 });
  await page.keyboard.press("Backspace");
  await page.type("#search-q", query);
  await page.waitForFunction(
    () => {
      const status = document.querySelector(".search-status").textContent;
      return status && !status.startsWith("Loading");
    },
    { timeout: 10000 },
  );
  return page.$$eval(".search-results:not([hidden]) a", (links) =>
    links.map((a) => ({ href: a.href, text: a.textContent })),
  );
}

async function axe(page, scope) {
  await page.evaluate(axeSource);
  const bad = await page.evaluate(async (scope) => {
    const result = await window.axe.run(scope, { resultTypes: ["violations"] });
    return result.violations.filter((v) => ["serious", "critical"].includes(v.impact)).map((v) => `${v.id}: ${v.help}`);
  }, scope);
  if (bad.length) throw new Error(bad.join("; "));
}

async function screenshots(page, name) {
  if (!shots) return;
  mkdirSync(shots, { recursive: true });
  for (const width of [1280, 390]) {
    for (const scheme of ["light", "dark"]) {
      await page.setViewport({ width, height: width > 400 ? 900 : 1200 });
      await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: scheme }]);
      await page.screenshot({ path: join(shots, `${name}-${width}-${scheme}.png`) });
    }
  }
  await page.emulateMediaFeatures([]);
  await page.setViewport({ width: 1280, height: 900 });
}

// The search steps, on a page at `start` whose result links should lead to `expected(url)`.
async function searchSteps(page, where, start, expected) {
  await page.goto(start, { waitUntil: "load" });
  const blocker = records.find((r) => r.kind === "blocker");
  const titleWord = blocker.title.split(/\s+/).find((w) => w.length >= 5).toLowerCase();
  await step(`${where}: a title word finds the record`, async () => {
    const links = await search(page, titleWord);
    if (!links.some((l) => l.href === expected(blocker.url) && l.text.includes(blocker.title))) {
      throw new Error(`"${titleWord}" → ${JSON.stringify(links)}`);
    }
  });
  const risk = records.find((r) => r.kind === "risk") || records[records.length - 1];
  await step(`${where}: an id finds its record first`, async () => {
    const links = await search(page, risk.id);
    if (links[0]?.href !== expected(risk.url)) throw new Error(`"${risk.id}" → ${JSON.stringify(links)}`);
  });
  await step(`${where}: a body word finds the record`, async () => {
    const links = await search(page, bodyWord.word);
    if (!links.some((l) => l.href === expected(bodyWord.record.url))) {
      throw new Error(`"${bodyWord.word}" → ${JSON.stringify(links)}`);
    }
  });
  await step(`${where}: nothing found says so`, async () => {
    const links = await search(page, "zzqxj");
    const status = await page.$eval(".search-status", (s) => s.textContent);
    if (links.length || status !== "No results.") throw new Error(`${links.length} links, "${status}"`);
  });
  await step(`${where}: arrow keys reach a result and Enter follows it`, async () => {
    const links = await search(page, risk.id);
    await page.keyboard.press("ArrowDown");
    const focused = await page.evaluate(() => document.activeElement.href);
    if (focused !== links[0].href) throw new Error(`focus on ${focused}`);
    await page.keyboard.press("ArrowUp");
    if ((await page.evaluate(() => document.activeElement.id)) !== "search-q") throw new Error("ArrowUp left the box");
    await page.keyboard.press("ArrowDown");
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.keyboard.press("Enter")]);
    if (page.url() !== expected(risk.url)) throw new Error(`went to ${page.url()}`);
  });
  await step(`${where}: Escape closes the results`, async () => {
    await search(page, titleWord);
    await page.keyboard.press("Escape");
    if (await page.$(".search-results:not([hidden])")) throw new Error("still open");
  });
}

try {
  const page = await browser.newPage();
  page.on("pageerror", (e) => problems.push(e.message));
  await page.setViewport({ width: 1280, height: 900 });
  await searchSteps(page, "file://", fileUrl("index.html"), fileUrl);

  await step("file://: results have no serious or critical axe violation", async () => {
    await page.goto(fileUrl("index.html"), { waitUntil: "load" });
    await search(page, records[0].title.split(/\s+/)[0]);
    await axe(page, "header");
    await screenshots(page, "search-results");
  });

  await step("file://: a list filter and the sort change the rows and the count", async () => {
    // The first list whose filters can narrow it: a select with two values or more.
    const lists = [...new Set(records.map((r) => r.url.split("/")[0]))];
    let done = false;
    for (const folder of lists) {
      await page.goto(fileUrl(`${folder}/index.html`), { waitUntil: "load" });
      const total = await page.$$eval("table.list tbody tr", (rows) => rows.length);
      const choice = await page.$$eval("form.filters select:not(#filter-sort)", (selects) => {
        const select = selects.find((s) => s.options.length > 2);
        return select && { id: select.id, value: select.options[1].value };
      });
      if (!choice) continue;
      await page.select(`#${choice.id}`, choice.value);
      const shown = await page.$$eval("table.list tbody tr:not([hidden])", (rows) => rows.length);
      const count = await page.$eval(".filter-count", (p) => p.textContent);
      if (!(shown > 0 && shown < total)) throw new Error(`${folder}: ${choice.id}=${choice.value} shows ${shown} of ${total}`);
      if (count !== `Showing ${shown} of ${total} ${folder}.`) throw new Error(`count says "${count}"`);
      if ((await page.$eval(".filter-count", (p) => p.getAttribute("role"))) !== "status") throw new Error("not announced");
      await page.select("#filter-sort", "title");
      const titles = await page.$$eval("table.list tbody tr", (rows) => rows.map((r) => r.dataset.title));
      const sorted = [...titles].sort((a, b) => a.localeCompare(b, "en", { numeric: true, sensitivity: "base" }));
      if (titles.join("\n") !== sorted.join("\n")) throw new Error(`not by title: ${titles}`);
      await axe(page, "main");
      await screenshots(page, "list-filters");
      // The choice is in the address, and opening that address applies it.
      const address = new URL(page.url());
      if (address.searchParams.get(choice.id.replace(/^filter-/, "").replace(/^tags$/, "tag")) !== choice.value || address.searchParams.get("sort") !== "title") {
        throw new Error(`the address does not carry the filter: ${page.url()}`);
      }
      const pasted = await browser.newPage();
      await pasted.goto(address.href, { waitUntil: "load" });
      const again = await pasted.$$eval("table.list tbody tr:not([hidden])", (rows) => rows.length);
      const selected = await pasted.$eval(`#${choice.id}`, (s) => s.value);
      const order = await pasted.$$eval("table.list tbody tr", (rows) => rows.map((r) => r.dataset.title));
      await pasted.close();
      if (again !== shown || selected !== choice.value) throw new Error(`${address.href} shows ${again} rows, ${choice.id} = "${selected}"`);
      if (order.join("\n") !== titles.join("\n")) throw new Error(`${address.href} is not sorted by title`);
      await page.click("form.filters button[type=reset]");
      await page.waitForFunction((total) => document.querySelectorAll("table.list tbody tr:not([hidden])").length === total, {}, total);
      if (new URL(page.url()).search) throw new Error(`reset left ${page.url()}`);
      console.log(`   (${folder}: ${choice.id} = ${choice.value} showed ${shown} of ${total})`);
      done = true;
      break;
    }
    if (!done) throw new Error("no list page has a filter with two values");
  });

  await step("scripts off: no search box, no filter bar, every row", async () => {
    const off = await browser.newPage();
    await off.setJavaScriptEnabled(false);
    await off.goto(fileUrl("blockers/index.html"), { waitUntil: "load" });
    const visible = await off.$eval("div.search", (f) => f.offsetParent !== null);
    const bar = await off.$("form.filters");
    const rows = await off.$$eval("table.list tbody tr", (rows) => rows.filter((r) => !r.hidden).length);
    const expected = records.filter((r) => r.kind === "blocker").length;
    await off.close();
    if (visible || bar || rows !== expected) throw new Error(`search visible ${visible}, bar ${!!bar}, ${rows} of ${expected} rows`);
  });

  if (binary) {
    const work = mkdtempSync(join(tmpdir(), "statuspress-search-"));
    const plan = join(work, "plan");
    execFileSync(binary, ["init", "--from-seed", plan], { stdio: "ignore" });
    const port = await new Promise((done) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address();
        server.close(() => done(port));
      });
    });
    const server = spawn(binary, ["--root", plan, "serve", "--port", String(port)], { stdio: ["ignore", "ignore", "inherit"] });
    const base = `http://127.0.0.1:${port}/`;
    try {
      for (let i = 0; !(await fetch(base).then((r) => r.status === 200, () => false)); i++) {
        if (i > 600) throw new Error("serve did not start");
        await new Promise((r) => setTimeout(r, 100));
      }
      await searchSteps(page, "serve", base, (url) => new URL(url, base).href);
    } finally {
      server.kill("SIGINT");
      rmSync(work, { recursive: true, force: true });
    }
  }
  await step("no script errors", async () => {
    if (problems.length) throw new Error(problems.join("; "));
  });
} catch (e) {
  failed = true;
  console.error(`FAILED: ${e.message}`);
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
