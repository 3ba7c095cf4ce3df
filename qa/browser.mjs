// Debian's Chromium through puppeteer-core, started the same way by every check: headless,
// no sandbox (CI runs as root), and nothing that calls home (a closed network refuses it, many
// times over). `CHROMIUM` names another binary.

import puppeteer from "puppeteer-core";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export function launch() {
  return puppeteer.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: CHROMIUM_ARGS });
}
