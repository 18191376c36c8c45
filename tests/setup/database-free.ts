// The test files that never reach the database (tests/database-free.txt, ADR 219). scripts/test-pg.sh skips
// them; in every other run they get a database URL that no process can open (vitest.setup.ts), so a listed file
// that starts to reach the database, itself or through a process it starts, fails there instead of silently
// escaping the PostgreSQL pass.
import { readFileSync } from "node:fs";
import path from "node:path";

export const DATABASE_FREE_LIST = "tests/database-free.txt";
export const UNREACHABLE_DATABASE_URL = "file:/nonexistent/listed-in-tests-database-free-txt/console.db";

/** The listed paths, relative to the repository (comments after `#` and blank lines dropped). */
export function databaseFreeFiles(root = process.cwd()): string[] {
  return readFileSync(path.join(root, DATABASE_FREE_LIST), "utf8")
    .split("\n")
    .map((line) => line.replace(/#.*/, "").trim())
    .filter(Boolean);
}
