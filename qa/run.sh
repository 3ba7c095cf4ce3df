#!/usr/bin/env bash
# Quality checks on the built example site, in real tools (see qa/README.md):
#   html-validate (recommended rules, .htmlvalidate.json) on every page,
#   axe-core in Chromium (light and dark) on every page and report email, and the page width
#   at 390 and 360 px; `statuspress serve` in Chromium (live reload, the error panel); the
#   site search and list filters in Chromium (from file:// and through serve); and the same
#   page checks on the portfolio example (init --portfolio), whose table sorts by a click.
#   Needs node/npm and /usr/bin/chromium; .ci/run installs both.
set -euo pipefail
cd "$(dirname "$0")/.."

# The tools come from the committed lock file; install them on first use.
[ -d qa/node_modules ] || npm ci --prefix qa --no-audit --no-fund

cargo run --release --locked --example qa-plan
qa/node_modules/.bin/html-validate 'site/**/*.html'
echo "html-validate: $(find site -name '*.html' | wc -l) pages, no errors"
node qa/check-site.mjs site
cargo build --release --locked
node qa/serve.mjs target/release/statuspress
node qa/search.mjs site target/release/statuspress
# The portfolio example (init --portfolio): its dashboard and both plans' sites.
rm -rf target/qa-portfolio
target/release/statuspress --quiet init --portfolio target/qa-portfolio
target/release/statuspress --root target/qa-portfolio build --quiet
qa/node_modules/.bin/html-validate 'target/qa-portfolio/site/**/*.html'
node qa/check-site.mjs target/qa-portfolio/site
node qa/portfolio.mjs target/qa-portfolio/site
