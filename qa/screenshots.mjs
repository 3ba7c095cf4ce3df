// Screenshots for looking at the theme as readers will (not run in CI):
// the top of each page at desktop (1280 px) and phone (390 px) widths, light and dark, and the page
// printed to PDF.
// Usage: node qa/screenshots.mjs SITE_DIR OUT_DIR [page.html ...]
// PDFs are written next to the PNGs; turn them into images with `pdftoppm -png -f 1 -l 1`.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { launch } from "./browser.mjs";

const [site, out, ...wanted] = process.argv.slice(2);
if (!site || !out) {
  console.error("usage: node qa/screenshots.mjs SITE_DIR OUT_DIR [page.html ...]");
  process.exit(2);
}
const pages = wanted.length ? wanted : ["index.html", "plan.html", "risks/index.html"];
mkdirSync(out, { recursive: true });

const browser = await launch();
try {
  const page = await browser.newPage();
  for (const file of pages) {
    const name = file.replace(/\.html$/, "").replace(/[/]/g, "_");
    const url = pathToFileURL(join(site, file)).href;
    for (const width of [1280, 390]) {
      for (const scheme of ["light", "dark"]) {
        await page.setViewport({ width, height: width > 400 ? 1000 : 1600 });
        await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: scheme }]);
        await page.goto(url, { waitUntil: "load" });
        await page.screenshot({ path: join(out, `${name}-${width}-${scheme}.png`) });
      }
    }
    await page.emulateMediaFeatures([]);
    await page.goto(url, { waitUntil: "load" });
    await page.pdf({ path: join(out, `${name}.pdf`), format: "A4", printBackground: true });
  }
} finally {
  await browser.close();
}
