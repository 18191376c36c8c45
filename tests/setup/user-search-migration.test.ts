// The migration of ADR 192 on a database that already holds sessions: their user ids become searchable by
// substring through the trigram index at once (SQLite: IndexedUser + the FTS5 trigram table, backfilled by the
// migration and kept in step by triggers; PostgreSQL: pg_trgm's GIN index, built over the existing rows).
import "../support/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upgradeThrough, type Sql, type Upgraded } from "../support/migration-upgrade";

const MIGRATION = "20261202120000_user_id_trigram_search";
const AT = "'2026-11-30T12:00:00.000Z'";
const OLD_ROWS = `
  INSERT INTO "SessionIndex" ("id", "userId", "agentId", "status", "createdAt", "updatedAt") VALUES
    ('s1', 'Alice-Smith', 'ag', 'active', ${AT}, ${AT}),
    ('s2', 'alice-smith', 'ag', 'active', ${AT}, ${AT}),
    ('s3', 'bob', 'ag', 'active', ${AT}, ${AT}),
    ('s4', 'Alice-Smith', 'ag', 'archived', ${AT}, ${AT});
`;

let upgraded: Upgraded;
let sql: Sql;

beforeAll(async () => {
  upgraded = await upgradeThrough(MIGRATION, OLD_ROWS);
  sql = upgraded.sql;
}, 120_000);

afterAll(async () => {
  await upgraded?.remove();
});

/** Sessions whose user id contains `q` (3+ characters), as the app asks on this database. */
async function sessionsOf(q: string): Promise<string[]> {
  const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;
  const rows = upgraded.isPg
    ? await sql.rows<{ id: string }>(`SELECT "id" FROM "SessionIndex" WHERE LOWER("userId") LIKE ${literal(`%${q.toLowerCase()}%`)} ORDER BY "id"`)
    : await sql.rows<{ id: string }>(
        `SELECT s."id" FROM "SessionIndex" s WHERE s."userId" IN (SELECT u."userId" FROM "UserSearch" f JOIN "IndexedUser" u ON u."id" = f.rowid
           WHERE "UserSearch" MATCH ${literal(`"${q}"`)}) ORDER BY s."id"`,
      );
  return rows.map((row) => row.id);
}

describe(`migration ${MIGRATION}`, () => {
  it("makes the user ids of sessions indexed before it searchable by case-insensitive substring", async () => {
    expect(await sessionsOf("ICE-sm")).toEqual(["s1", "s2", "s4"]);
    expect(await sessionsOf("bob")).toEqual(["s3"]);
    if (upgraded.isPg) {
      const [index] = await sql.rows<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE indexname = 'SessionIndex_userId_trgm_idx'`);
      expect(index?.indexdef).toMatch(/USING gin \(lower\("userId"\) gin_trgm_ops\)/);
    } else {
      const users = await sql.rows<{ userId: string }>(`SELECT "userId" FROM "IndexedUser" ORDER BY "userId"`);
      expect(users.map((u) => u.userId)).toEqual(["Alice-Smith", "alice-smith", "bob"]);
    }
  });

  it("follows every later write of the session index: a new user, a changed user id, a user's last session gone", async () => {
    await sql.run(
      `INSERT INTO "SessionIndex" ("id", "userId", "agentId", "status", "createdAt", "updatedAt") VALUES ('s5', 'Malice', 'ag', 'active', ${AT}, ${AT})`,
    );
    await sql.run(`UPDATE "SessionIndex" SET "userId" = 'carol' WHERE "id" = 's4'`);
    await sql.run(`DELETE FROM "SessionIndex" WHERE "id" = 's3'`);
    expect(await sessionsOf("alice")).toEqual(["s1", "s2", "s5"]);
    expect(await sessionsOf("car")).toEqual(["s4"]);
    expect(await sessionsOf("bob")).toEqual([]);
    if (!upgraded.isPg) {
      // One row per user id the index still holds: bob's went with his last session; Alice-Smith's stays (s1).
      const users = await sql.rows<{ userId: string }>(`SELECT "userId" FROM "IndexedUser" ORDER BY "userId"`);
      expect(users.map((u) => u.userId)).toEqual(["Alice-Smith", "Malice", "alice-smith", "carol"]);
      await sql.run(`DELETE FROM "SessionIndex" WHERE "id" = 's1'`);
      expect(await sessionsOf("alice-smith")).toEqual(["s2"]);
      expect(await sql.rows(`SELECT "userId" FROM "IndexedUser" WHERE "userId" = 'Alice-Smith'`)).toEqual([]);
      // The trigram table agrees with its content table (FTS5's own consistency check).
      await sql.run(`INSERT INTO "UserSearch"("UserSearch") VALUES ('integrity-check')`);
    }
  });
});
