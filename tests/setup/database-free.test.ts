// tests/database-free.txt (ADR 219): the files the PostgreSQL pass skips. Each must exist, be a Vitest file under
// tests/, be listed once, and have no test that runs only on one database: such a file is skipped on SQLite,
// where the unreachable database URL would never catch it, and reaches the database on PostgreSQL.
import { existsSync, readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { databaseFreeFiles } from "./database-free";

const files = databaseFreeFiles();

it("lists existing test files under tests/, once each, sorted", () => {
  expect(files.length).toBeGreaterThan(0);
  expect(files.filter((file) => !/^tests\/(?!e2e\/).+\.test\.tsx?$/.test(file) || !existsSync(file))).toEqual([]);
  expect(new Set(files).size).toBe(files.length);
  expect(files).toEqual([...files].sort());
});

it("lists no file whose tests depend on which database runs them", () => {
  const others = files.filter((file) => file !== "tests/setup/database-free.test.ts");
  const databaseSpecific = others.filter((file) => /skipIf|runIf|postgres|sqlite/i.test(readFileSync(file, "utf8")));
  expect(databaseSpecific).toEqual([]);
});

it("runs a listed file with a database URL no process can open", () => {
  expect(files).toContain("tests/setup/database-free.test.ts");
  expect(process.env.DATABASE_URL).toBe("file:/nonexistent/listed-in-tests-database-free-txt/console.db");
});
