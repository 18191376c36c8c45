// A SQLite transaction that fails to begin or to commit (another process holds the lock past the busy timeout)
// must give the process's connection back: with @prisma/adapter-better-sqlite3's own startTransaction, the next
// transaction of the process waited forever (the hang of sqlite-concurrency.test.ts under load, ADR 218).
import { TEST_DATABASE_URL } from "../support/db";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { createPrisma, isPostgresUrl } from "~/db.server";
import { BUSY_ATTEMPTS, retryBusy } from "~/sqlite-transactions.server";

const onSqlite = !isPostgresUrl(TEST_DATABASE_URL);
// A short busy timeout, so the lock held below outlasts it at once.
const client = onSqlite ? createPrisma(TEST_DATABASE_URL, { busyTimeoutMs: 50 }) : null;
const other = onSqlite ? new Database(TEST_DATABASE_URL.replace(/^file:/, ""), { timeout: 50 }) : null;

afterAll(async () => {
  other?.close();
  await client?.$disconnect();
});

const write = (id: string) => client!.$transaction((tx) => tx.auditEvent.create({ data: { action: "fault.tx", targetId: id, details: "{}" } }));
const written = (id: string) => client!.auditEvent.count({ where: { action: "fault.tx", targetId: id } });

describe.skipIf(!onSqlite)("SQLite transactions after a busy failure", () => {
  it("a COMMIT that times out on another process's reader fails, rolls back, and the next transaction runs", async () => {
    // In rollback-journal mode (the migrated file's) COMMIT needs the exclusive lock, which a reader's shared lock
    // holds off.
    expect(await client!.$queryRawUnsafe("PRAGMA journal_mode")).toEqual([{ journal_mode: "delete" }]);
    other!.exec("BEGIN");
    other!.prepare(`SELECT COUNT(*) FROM "AuditEvent"`).get();
    await expect(write("busy-commit")).rejects.toThrow(/locked|busy|timed out|SocketTimeout/i);
    other!.exec("COMMIT");
    await write("after-commit");
    expect(await written("busy-commit")).toBe(0);
    expect(await written("after-commit")).toBe(1);
  });

  it("a BEGIN that times out on another process's write lock fails, and the next transaction runs", async () => {
    await client!.$queryRawUnsafe("PRAGMA journal_mode = WAL");
    other!.exec("BEGIN IMMEDIATE");
    await expect(write("busy-begin")).rejects.toThrow(/locked|busy|timed out|SocketTimeout/i);
    other!.exec("ROLLBACK");
    await write("after-begin");
    expect(await written("busy-begin")).toBe(0);
    expect(await written("after-begin")).toBe(1);
  });
});

describe("a statement that fails busy", () => {
  const busy = Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" });
  it("is run again, after yielding, until it succeeds", async () => {
    let calls = 0;
    const result = await retryBusy(() => {
      calls += 1;
      if (calls < BUSY_ATTEMPTS) throw busy;
      return "written";
    });
    expect([result, calls]).toEqual(["written", BUSY_ATTEMPTS]);
  });

  it("fails after BUSY_ATTEMPTS busy failures, and at once on any other error", async () => {
    let calls = 0;
    await expect(retryBusy(() => ((calls += 1), Promise.reject(busy)))).rejects.toBe(busy);
    expect(calls).toBe(BUSY_ATTEMPTS);
    const other = new Error("no such table");
    calls = 0;
    await expect(retryBusy(() => ((calls += 1), Promise.reject(other)))).rejects.toBe(other);
    expect(calls).toBe(1);
  });
});
