#!/usr/bin/env bash
# The whole test suite (the README's test line, and what CI runs): lint, typecheck, Vitest on SQLite, the production
# build, then the browser tests in the system Chromium. Finds or installs Chromium; says clearly what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tmp

find_chromium() { command -v chromium || command -v chromium-browser || true; }
CHROMIUM="${CHROMIUM_PATH:-$(find_chromium)}"
if [ -z "$CHROMIUM" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== Chromium not found: installing Debian's chromium package"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    CHROMIUM="$(find_chromium)"
  fi
fi
if [ -z "$CHROMIUM" ]; then
  echo "MISSING: Chromium for the browser tests. Install it (Debian: sudo apt-get install chromium) or set CHROMIUM_PATH." >&2
  exit 1
fi
export CHROMIUM_PATH="$CHROMIUM"

# Where the run's minutes go: each phase's wall time and the CPU time of everything it ran, in .tmp/phases.txt
# (and at the end). CPU time barely moves with the machine's load; wall time does.
: >.tmp/phases.txt
# `times` runs in this shell, not a $(…) subshell: the user + system time of every command it has waited for.
cpu_now() {
  times >.tmp/times.txt
  CPU_NOW="$(tail -n 1 .tmp/times.txt | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.1f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }')"
}
phase_name=""
phase_start=$SECONDS
cpu_now
phase_cpu="$CPU_NOW"
phase() {
  cpu_now
  if [ -n "$phase_name" ]; then
    printf '%-16s %5d s wall %8.1f s CPU\n' "$phase_name" $((SECONDS - phase_start)) "$(awk -v a="$CPU_NOW" -v b="$phase_cpu" 'BEGIN { print a - b }')" >>.tmp/phases.txt
  fi
  phase_name="$1"
  phase_start=$SECONDS
  phase_cpu="$CPU_NOW"
}

# The generated Prisma client is provider specific: these tests run on SQLite.
export DATABASE_URL="file:./prisma/dev.db"
npx prisma generate >/dev/null

phase lint
echo "== lint"
npm run lint

phase typecheck
echo "== typecheck (the app, and each package with its tests)"
npm run typecheck

# Built before Vitest: the fault suite runs the production build as operators do (tests/support/console-process.ts).
phase build
echo "== build"
npm run build >/dev/null

# Two files at a time on SQLite (each worker has its own copy of the migrated file): one worker used 0.5–0.6 of a
# core, two finish in about 60 % of the time (docs/testing.md). VITEST_WORKERS=1 runs them one at a time.
WORKERS="${VITEST_WORKERS:-2}"
phase vitest
echo "== vitest (SQLite, $WORKERS files at a time)"
vitest_status=0
npx vitest run --maxWorkers="$WORKERS" --reporter=default --reporter=json --outputFile.json=.tmp/vitest.json || vitest_status=$?
# The files that read history, sync the index, backfill or look up replies, once more against a FleetLM whose
# newest messages are unflushed (holed pages, protocol §13; tests/support/dev-storage.ts).
phase vitest-real
echo "== vitest (dev server in real-storage mode)"
FLEETLM_DEV_STORAGE=real npx vitest run --maxWorkers="$WORKERS" --reporter=default --reporter=json --outputFile.json=.tmp/vitest-real.json tests/sessions/history.test.ts tests/sessions/session-watch.test.ts tests/inbox/index-sync.test.ts tests/reviews/reply-index.test.ts tests/reviews/reviews.test.ts tests/reviews/console-latency.test.ts || vitest_status=$?

phase playwright
echo "== playwright (Chromium: $CHROMIUM_PATH)"
e2e_status=0
PLAYWRIGHT_JSON_OUTPUT_NAME=.tmp/playwright.json npx playwright test --reporter=list,json || e2e_status=$?
# The session and inbox journeys once more against a dev server in real storage (holed pages, §13.1), with the
# lost-messages spec, which needs it (skipped in the run above).
phase playwright-real
echo "== playwright (dev server in real-storage mode)"
FLEETLM_DEV_STORAGE=real PLAYWRIGHT_JSON_OUTPUT_NAME=.tmp/playwright-real.json npx playwright test tests/e2e/session.spec.ts tests/e2e/inbox.spec.ts tests/e2e/lost.spec.ts --reporter=list,json || e2e_status=$?

phase ""
echo "== time per phase (.tmp/phases.txt)"
cat .tmp/phases.txt
node scripts/test-summary.mjs .tmp/vitest.json .tmp/vitest-real.json .tmp/playwright.json .tmp/playwright-real.json
[ "$vitest_status" = 0 ] && [ "$e2e_status" = 0 ]
