// An unexpected console.error fails the test that caused it. A file listed as database-free runs with a database
// URL no process can open (tests/setup/database-free.ts).
import path from "node:path";
import { afterEach, expect, vi } from "vitest";
import { databaseFreeFiles, UNREACHABLE_DATABASE_URL } from "./database-free";

const testPath = expect.getState().testPath;
if (testPath && databaseFreeFiles().includes(path.relative(process.cwd(), testPath))) {
  process.env.DATABASE_URL = UNREACHABLE_DATABASE_URL;
  process.env.CONSOLE_TEST_DATABASE_FREE = "1";
}

const errors: unknown[][] = [];
const original = console.error;
console.error = (...args: unknown[]) => {
  errors.push(args);
  original(...args);
};

export function expectConsoleError(match: RegExp) {
  const index = errors.findIndex((args) => match.test(args.map(String).join(" ")));
  if (index >= 0) errors.splice(index, 1);
}

afterEach(() => {
  vi.useRealTimers();
  if (errors.length > 0) {
    const seen = errors.splice(0).map((args) => args.map(String).join(" "));
    throw new Error(`unexpected console.error:\n${seen.join("\n")}`);
  }
});
