// Migrates one base database per test run. SQLite: each worker copies the base file (tests/support/db.ts).
// PostgreSQL (DATABASE_URL=postgresql://…): the database is recreated and migrated once; workers share it.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";

// One base file per run, so runs started side by side never migrate the same file at once.
const BASE_DB = path.resolve(`.tmp/test-base-${process.pid}.db`);

function migrate(url: string) {
  execFileSync("npx", ["prisma", "migrate", "deploy"], { env: { ...process.env, DATABASE_URL: url }, stdio: "pipe" });
}

export default async function setup() {
  const url = process.env.DATABASE_URL;
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    const pg = (await import("pg")).default;
    const target = new URL(url);
    const name = target.pathname.slice(1);
    const admin = new pg.Client({ connectionString: Object.assign(new URL(url), { pathname: "/postgres" }).toString() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    migrate(url);
    process.env.TEST_DATABASE_URL = url;
    return;
  }
  mkdirSync(".tmp", { recursive: true });
  migrate(`file:${BASE_DB}`);
  process.env.TEST_BASE_DB = BASE_DB;
  return () => {
    for (const suffix of ["", "-wal", "-shm"]) rmSync(BASE_DB + suffix, { force: true });
  };
}
