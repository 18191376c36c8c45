#!/usr/bin/env bash
# Runs the Console's database tests again on PostgreSQL: a throw-away cluster on a free port, the Prisma client
# generated for PostgreSQL, then Vitest; the SQLite client is restored afterwards whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tmp

PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
if [ -z "$PGBIN" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "== PostgreSQL not found: installing Debian's postgresql package"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
fi

if [ -n "${PG_TEST_URL:-}" ]; then
  URL="$PG_TEST_URL"
elif [ -n "$PGBIN" ]; then
  DATA="$(mktemp -d /tmp/console-pg.XXXXXX)"
  PORT="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  RUN=""
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$DATA"; RUN="su postgres -c"; fi
  run() { if [ -n "$RUN" ]; then su postgres -c "$1"; else bash -c "$1"; fi; }
  run "$PGBIN/initdb -D $DATA/data -U postgres --auth=trust -E UTF8 >/dev/null"
  run "$PGBIN/pg_ctl -D $DATA/data -o '-p $PORT -k $DATA -c listen_addresses=127.0.0.1 -c fsync=off' -l $DATA/log -w start >/dev/null"
  trap 'run "$PGBIN/pg_ctl -D $DATA/data -w -m immediate stop >/dev/null" || true; rm -rf "$DATA"; DATABASE_URL=file:./prisma/dev.db npx prisma generate >/dev/null' EXIT
  URL="postgresql://postgres@127.0.0.1:$PORT/console_test"
else
  echo "MISSING: PostgreSQL for the database tests. Install it (Debian: sudo apt-get install postgresql) or set PG_TEST_URL." >&2
  exit 1
fi

export DATABASE_URL="$URL"
echo "== prisma generate (PostgreSQL)"
npx prisma generate >/dev/null
# Each worker has a database of its own (tests/setup/global-setup.ts), so PG_TEST_WORKERS=N runs N files side by
# side. The default is one: on CI's two cores the heaviest files (catch-ups of thousands of messages, the cluster)
# ran past their time limits two at a time, and a red run lands nothing.
WORKERS="${PG_TEST_WORKERS:-1}"
echo "== vitest (PostgreSQL): the Console's database tests, $WORKERS file(s) at a time"
# The hostile-message fault test runs the production build, whose bundled Prisma client is SQLite's: it runs in
# the SQLite pass only. So do the files listed in tests/database-free.txt, which never reach the database: every
# SQLite run gives them a database URL no process can open, so a listed file that reaches it fails there (ADR 219).
EXCLUDES=(--exclude tests/faults/hostile-message.test.ts --exclude "**/node_modules/**" --exclude "tests/e2e/**")
while read -r file; do EXCLUDES+=(--exclude "$file"); done < <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' tests/database-free.txt | grep -v '^$')
npx vitest run ${PG_TEST_FILTER:-tests} "${EXCLUDES[@]}" --maxWorkers="$WORKERS" --reporter=default --reporter=json --outputFile.json=.tmp/vitest-pg.json || status=$?
node scripts/test-summary.mjs .tmp/vitest-pg.json
exit "${status:-0}"
