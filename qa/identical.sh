#!/usr/bin/env bash
# Byte-identity check for refactorings (issue 18): runs every output-producing command on the
# worked example (init --from-seed) and on the portfolio example (init --portfolio), with
# SOURCE_DATE_EPOCH and --as-of pinned, and prints one "sha256  name" line per output.
# Usage: qa/identical.sh [BINARY] > hashes.txt ; rerun after a change and `diff` the lists.
set -euo pipefail
bin=$(realpath "${1:-target/debug/statuspress}")
export SOURCE_DATE_EPOCH=1756598400 # 2025-08-31
export NO_COLOR=1 GIT_CONFIG_NOSYSTEM=1
as_of=2025-08-31
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -z "${KEEP:-}" ] || { trap - EXIT; echo "outputs kept in $work" >&2; }
out="$work/out"
mkdir -p "$out"
sp() { "$bin" --color never "$@"; }

# Every output of one run: stdout, stderr and the exit code.
run() {
  local name=$1
  shift
  local rc=0
  sp "$@" >"$out/$name.stdout" 2>"$out/$name.stderr" || rc=$?
  echo "$rc" >"$out/$name.rc"
}

# A site folder as one hash per file, named from the project. The build fingerprint's first
# line and its `revision` lines (each archived revision's fingerprint) hash the binary's own
# source too (write::fingerprint::tool), so they change with any code change by design: it is
# compared without them.
site() {
  (cd "$1" && find . -type f ! -name .statuspress-build | LC_ALL=C sort | xargs -d '\n' sha256sum | sed "s|  \./|  $2/|")
  [ ! -f "$1/.statuspress-build" ] || echo "$(tail -n +2 "$1/.statuspress-build" | grep -v '^revision ' | sha256sum | cut -d' ' -f1)  $2/.statuspress-build (without its first line)"
}

# The worked example.
p="$work/plan"
sp --quiet init --from-seed "$p" >/dev/null
run plan-schema --root "$p" schema
run plan-check --root "$p" check --as-of $as_of
run plan-check-json --root "$p" check --as-of $as_of --format json
run plan-check-nohistory --root "$p" check --as-of $as_of --no-history
run plan-build --root "$p" build --quiet --as-of $as_of
run plan-build-ext --root "$p" build --quiet --as-of $as_of --audience external-stakeholders
for week in 2025-W34 2025-W35; do
  for format in html markdown text eml json; do
    run "plan-report-$week-$format" --root "$p" report --week $week --as-of $as_of --format $format
    run "plan-report-$week-$format-ext" --root "$p" report --week $week --as-of $as_of --format $format \
      --audience external-stakeholders
  done
  run "plan-send-$week" --root "$p" send --dry-run --week $week --as-of $as_of
done
for format in text markdown json html; do
  run "plan-diff-$format" --root "$p" diff week-2 week-3 --as-of $as_of --format $format
  run "plan-diff-default-$format" --root "$p" diff --as-of $as_of --format $format
done
# A configured audience site, built by the plain `build` beside the main one.
printf '\n[[site.variant]]\naudience = "external-stakeholders"\noutput = "site-variant"\n' >>"$p/statuspress.toml"
run plan-build-variants --root "$p" build --quiet --as-of $as_of

# The portfolio example.
f="$work/portfolio"
sp --quiet init --portfolio "$f" >/dev/null
# Mail settings, a digest audience of the portfolio and a plan audience, so `send` has work.
printf '\n[email]\nfrom = "PMO <pmo@example.com>"\n\n[email.smtp]\nhost = "smtp.example.com"\n' >>"$f/statuspress.toml"
mkdir -p "$f/audiences" "$f/plans/qa/content/audiences"
printf '+++\ntitle = "Board"\nrecipients = ["board@example.com"]\nexternal = true\n+++\n' >"$f/audiences/board.md"
printf '+++\ntitle = "QA team"\nrecipients = ["qa@example.com"]\n+++\n' >"$f/plans/qa/content/audiences/team.md"
run folio-check --root "$f" check --as-of $as_of
run folio-check-json --root "$f" check --as-of $as_of --format json
run folio-build --root "$f" build --quiet --as-of $as_of
for format in html markdown text eml json; do
  run "folio-report-$format" --root "$f" report --as-of $as_of --format $format
done
run folio-send --root "$f" send --dry-run --as-of $as_of --send-unchanged
run folio-report-board --root "$f" report --as-of $as_of --format markdown --audience board
run folio-report-qa --root "$f" report --as-of $as_of --format text --plan qa --audience team
run folio-build-board --root "$f" build --quiet --as-of $as_of --audience board
for format in text markdown json; do
  run "folio-diff-$format" --root "$f" diff --as-of $as_of --format $format
done

(cd "$out" && LC_ALL=C ls | xargs -d '\n' sha256sum)
for s in "$p/site" "$p/site-external-stakeholders" "$p/site-variant" "$f/site" "$f/site-board"; do
  site "$s" "${s#"$work"/}"
done
