// Points this test worker at its own migrated database. Import it before any app module.
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";

const worker = process.env.VITEST_POOL_ID ?? process.env.VITEST_WORKER_ID ?? "0";
const configured = process.env.DATABASE_URL;

if (process.env.CONSOLE_TEST_DATABASE_FREE) {
  // A file listed in tests/database-free.txt: it keeps the URL no process can open (tests/setup/database-free.ts).
} else if (configured && /^postgres(ql)?:\/\//.test(configured)) {
  // PostgreSQL: this worker's copy of the migrated database (global-setup). Each test file starts from empty
  // tables, as it does on SQLite, where every file's fresh worker copies the base file.
  // The run's URL is kept aside, so a second evaluation of this module does not add the suffix twice.
  const own = new URL((process.env.PG_TEST_RUN_URL ??= configured));
  own.pathname = `${own.pathname}_w${worker}`;
  process.env.DATABASE_URL = own.toString();
  const pg = (await import("pg")).default;
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  const { rows } = await client.query<{ tablename: string }>(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'",
  );
  if (rows.length) await client.query(`TRUNCATE ${rows.map((row) => `"${row.tablename}"`).join(", ")} RESTART IDENTITY CASCADE`);
  await client.end();
} else {
  // Named after the run's base file, so the run's global teardown finds and removes every worker's copy even
  // when a worker is killed before its own exit handler runs (they used to pile up in .tmp/).
  const base = process.env.TEST_BASE_DB ?? path.resolve(".tmp/test-base.db");
  const file = base.replace(/\.db$/, `-w${worker}-${process.pid}.db`);
  mkdirSync(path.dirname(file), { recursive: true });
  for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
  copyFileSync(base, file);
  process.env.DATABASE_URL = `file:${file}`;
}
process.env.NODE_ENV ??= "test";
process.env.GATEWAY_DISABLED ??= "1";
// In-process tests check one process's fan-out as it happens; the PostgreSQL bus is tested on its own
// (tests/cluster/), where events arrive after a commit and a NOTIFY.
process.env.LIVE_BUS ??= "local";

export const TEST_DATABASE_URL = process.env.DATABASE_URL!;
