// Migrates one base database per test run. SQLite: each worker copies the base file (tests/support/db.ts).
// PostgreSQL (DATABASE_URL=postgresql://…): the database is recreated and migrated once, then copied as a template
// into one database per worker (`<name>_w<pool id>`, tests/support/db.ts), so files run side by side.
// Also rebuilds each package's dist/ when its sources are newer: tests that run them as a user would (a plain
// Node script importing "@fleetlm/client", the fleetlm-dev binary as a child process) need them current, and
// building mid-suite raced the other workers.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";

// One base file per run, so runs started side by side never migrate the same file at once.
const BASE_DB = path.resolve(`.tmp/test-base-${process.pid}.db`);

function migrate(url: string) {
  execFileSync("npx", ["prisma", "migrate", "deploy"], { env: { ...process.env, DATABASE_URL: url }, stdio: "pipe" });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function buildIfStale(name: string) {
  const pkg = path.resolve("packages", name);
  const built = path.join(pkg, "dist/index.js");
  if (existsSync(built) && statSync(built).mtimeMs >= newestMtime(path.join(pkg, "src"))) return;
  execFileSync(process.execPath, [path.resolve("node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], { cwd: pkg, stdio: "pipe" });
}

export default async function setup(project: TestProject) {
  buildIfStale("fleetlm-client"); // first: the dev server imports it
  buildIfStale("fleetlm-dev");
  const url = process.env.DATABASE_URL;
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    const pg = (await import("pg")).default;
    const target = new URL(url);
    const name = target.pathname.slice(1);
    const admin = new pg.Client({ connectionString: Object.assign(new URL(url), { pathname: "/postgres" }).toString() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
    migrate(url);
    // VITEST_POOL_ID runs from 1 to maxWorkers; a template copy is a file copy, far quicker than migrating again.
    const workers = Number(project.config.maxWorkers) || 1;
    for (let pool = 1; pool <= workers; pool++) {
      await admin.query(`DROP DATABASE IF EXISTS "${name}_w${pool}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${name}_w${pool}" TEMPLATE "${name}"`);
    }
    await admin.end();
    return;
  }
  mkdirSync(".tmp", { recursive: true });
  migrate(`file:${BASE_DB}`);
  process.env.TEST_BASE_DB = BASE_DB;
  // The base file and every worker's copy of it (tests/support/db.ts names them `<base>-w<worker>-<pid>.db`).
  return () => {
    const prefix = path.basename(BASE_DB, ".db");
    for (const name of readdirSync(path.dirname(BASE_DB))) {
      if (name.startsWith(prefix)) rmSync(path.join(path.dirname(BASE_DB), name), { force: true });
    }
  };
}
