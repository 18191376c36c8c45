// Points this test worker at its own migrated database. Import it before any app module.
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";

const worker = process.env.VITEST_POOL_ID ?? process.env.VITEST_WORKER_ID ?? "0";
const configured = process.env.DATABASE_URL;

if (configured && /^postgres(ql)?:\/\//.test(configured)) {
  // PostgreSQL: one shared, migrated database (global-setup); tests use unique ids, never truncate.
} else {
  const file = path.resolve(`.tmp/test-${worker}-${process.pid}.db`);
  mkdirSync(".tmp", { recursive: true });
  for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
  copyFileSync(process.env.TEST_BASE_DB ?? path.resolve(".tmp/test-base.db"), file);
  process.env.DATABASE_URL = `file:${file}`;
  process.once("exit", () => {
    for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
  });
}
process.env.NODE_ENV ??= "test";
process.env.GATEWAY_DISABLED ??= "1";

export const TEST_DATABASE_URL = process.env.DATABASE_URL!;
