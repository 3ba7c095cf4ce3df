// `statuspress serve` in a real browser (Debian's chromium through puppeteer-core): a page
// open on the worked example reloads by itself when its record is saved, shows the error
// panel when the record breaks (still over the last good page, with no serious or critical
// axe violation), and drops it when the record is fixed.
// Usage: node qa/serve.mjs STATUSPRESS_BINARY [SCREENSHOT_DIR]
//   (exits 1 naming the step that failed; screenshots of the panel at 1280 and 390 px, light
//   and dark, go to SCREENSHOT_DIR when given)

import { readFileSync, writeFileSync, mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { spawn, execFileSync } from "node:child_process";
import { createServer } from "node:net";
import { createRequire } from "node:module";
import { launch } from "./browser.mjs";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const [binary, shots] = process.argv.slice(2);
if (!binary) {
  console.error("usage: node qa/serve.mjs STATUSPRESS_BINARY [SCREENSHOT_DIR]");
  process.exit(2);
}

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const work = mkdtempSync(join(tmpdir(), "statuspress-serve-"));
const plan = join(work, "plan");
execFileSync(binary, ["init", "--from-seed", plan], { stdio: "ignore" });
const record = join(plan, "content/blockers/B-1.md");
const original = readFileSync(record, "utf8");
const port = await freePort();
const server = spawn(binary, ["--root", plan, "serve", "--port", String(port), "--as-of", "2025-09-01"], {
  stdio: ["ignore", "ignore", "inherit"],
});
const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  const ok = await fetch(`${base}/`).then((r) => r.status === 200, () => false);
  if (ok) break;
  if (i > 600) throw new Error("serve did not start");
  await new Promise((r) => setTimeout(r, 100));
}

const browser = await launch();
let failed = false;
const step = async (what, fn) => {
  try {
    await fn();
    console.log(`ok: ${what}`);
  } catch (e) {
    failed = true;
    console.error(`FAILED: ${what}: ${e.message}`);
    throw e;
  }
};
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(`${base}/blockers/B-1.html`, { waitUntil: "load" });
  const heading = () => page.$eval("h1", (h) => h.textContent);
  const panel = () => page.$("#statuspress-errors");
  // Saves `text` and waits for the page to reload by itself (no reload from here).
  const saveAndWait = async (text) => {
    const reloaded = page.waitForNavigation({ waitUntil: "load", timeout: 20000 });
    writeFileSync(record, text);
    await reloaded;
  };

  await step("the page shows the record", async () => {
    if (!(await heading()).includes("Database Security Issues")) throw new Error(await heading());
  });
  await step("a save reloads the open page with the change", async () => {
    await saveAndWait(original.replace('title = "Database Security Issues"', 'title = "Database Security Issues (triaged)"'));
    if (!(await heading()).includes("(triaged)")) throw new Error(await heading());
    if (await panel()) throw new Error("an error panel on a good build");
  });
  await step("a broken record shows the error panel over the last good page", async () => {
    await saveAndWait(original.replace("severity =", "serverity ="));
    const text = await page.$eval("#statuspress-errors", (p) => p.textContent);
    if (!text.includes("unknown field `serverity`") || !text.includes("content/blockers/B-1.md:3:1")) {
      throw new Error(text);
    }
    if (!(await heading()).includes("(triaged)")) throw new Error(`not the last good page: ${await heading()}`);
  });
  await step("the error panel has no serious or critical axe violation", async () => {
    await page.evaluate(axeSource);
    const bad = await page.evaluate(async () => {
      const result = await window.axe.run("#statuspress-errors", { resultTypes: ["violations"] });
      return result.violations.filter((v) => ["serious", "critical"].includes(v.impact)).map((v) => v.id);
    });
    if (bad.length) throw new Error(bad.join(", "));
  });
  if (shots) {
    mkdirSync(shots, { recursive: true });
    for (const width of [1280, 390]) {
      for (const scheme of ["light", "dark"]) {
        await page.setViewport({ width, height: width > 400 ? 900 : 1200 });
        await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: scheme }]);
        await page.screenshot({ path: join(shots, `serve-errors-${width}-${scheme}.png`) });
      }
    }
    await page.setViewport({ width: 1280, height: 900 });
  }
  await step("fixing the record removes the panel", async () => {
    await saveAndWait(original);
    if (await panel()) throw new Error("the panel stayed");
    if (!(await heading()).includes("Database Security Issues")) throw new Error(await heading());
  });
} catch {
  failed = true;
} finally {
  await browser.close();
  server.kill("SIGINT");
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
