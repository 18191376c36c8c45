// The migration of ADR 145, applied by `prisma migrate deploy` (as a real upgrade would) to a database holding
// old-style rows: comma-separated review labels, operator ids that point nowhere. Runs on the configured
// database's kind (SQLite, or PostgreSQL under `npm run test:pg`) in a throw-away database of its own.
import "../support/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upgradeThrough, type Sql, type Upgraded } from "../support/migration-upgrade";

const MIGRATION = "20261202100000_review_labels_operator_relations_vocabularies";
const isPg = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL!);

let upgraded: Upgraded;
let sql: Sql;

const AT = "'2026-11-30T12:00:00.000Z'";

// Rows as the app wrote them before the migration, with ids of operators that no longer exist ('ghost').
const OLD_ROWS = `
  INSERT INTO "Operator" ("id", "email", "name", "role", "passwordHash", "active", "createdAt", "updatedAt")
    VALUES ('op-a', 'a@example.test', 'A', 'admin', 'x', true, ${AT}, ${AT});
  INSERT INTO "AuthSession" ("id", "operatorId", "expiresAt") VALUES ('sess-a', 'op-a', ${AT});
  INSERT INTO "Review" ("id", "sessionId", "seq", "agentId", "reviewerId", "rating", "labels", "textSnapshot", "updatedAt") VALUES
    ('r1', 's1', 1, 'ag', 'op-a', 'bad', 'tone,policy', 't', ${AT}),
    ('r2', 's1', 2, 'ag', 'op-a', 'bad', ' tone , ,tone,policy tone,', 't', ${AT}),
    ('r3', 's1', 3, 'ag', 'op-a', 'good', '', 't', ${AT}),
    ('r4', 's1', 4, 'ag', 'op-a', 'good', ',', 't', ${AT});
  INSERT INTO "ScoreConfig" ("id", "key", "version", "kind", "label", "createdById") VALUES ('sc1', 'helpful', 1, 'numeric', 'Helpful', 'ghost');
  INSERT INTO "ReviewScore" ("reviewId", "key", "configId", "value") VALUES ('r1', 'helpful', 'sc1', '4');
  INSERT INTO "SessionIndex" ("id", "userId", "agentId", "status", "createdAt", "assigneeId", "updatedAt") VALUES
    ('s1', 'u', 'ag', 'active', ${AT}, 'ghost', ${AT}),
    ('s2', 'u', 'ag', 'archived', ${AT}, 'op-a', ${AT});
  INSERT INTO "SessionLabel" ("sessionId", "label") VALUES ('s1', 'billing');
  INSERT INTO "Takeover" ("id", "sessionId", "operatorId", "releasedAt", "releasedById") VALUES
    ('t1', 's1', 'op-a', ${AT}, 'ghost'),
    ('t2', 's2', 'op-a', ${AT}, 'op-a');
  INSERT INTO "ReplyIndex" ("sessionId", "seq", "agentId", "termination", "length", "at", "flaggedAt", "flaggedById") VALUES
    ('s1', 1, 'ag', 'finish', 1, ${AT}, ${AT}, 'ghost');
  INSERT INTO "SavedView" ("id", "name", "search", "ownerId", "createdBy") VALUES
    ('v-ghost', 'mine', '', 'ghost', 'ghost'),
    ('v-team', 'team', '', NULL, 'ghost'),
    ('v-a', 'a''s', '', 'op-a', 'op-a');
  INSERT INTO "ReviewQueue" ("id", "name", "createdById") VALUES ('q1', 'Q', 'ghost');
  INSERT INTO "QueueItem" ("queueId", "sessionId", "seq", "rank", "reservedById", "reservedUntil") VALUES ('q1', 's1', 1, 'a', 'ghost', ${AT});
  INSERT INTO "Dataset" ("id", "name", "createdById") VALUES ('d1', 'D', 'ghost');
  INSERT INTO "DatasetItem" ("id", "datasetId", "sessionId", "seq", "messages", "reply", "rating", "addedById") VALUES
    ('di1', 'd1', 's1', 1, '[]', 'r', 'bad', 'op-a');
  INSERT INTO "GatedAgent" ("agentId", "originUrl", "webhookPath", "gateToken", "createdById") VALUES ('ag', 'http://x', '/w', 'tok', 'ghost');
  INSERT INTO "ConsoleSetting" ("key", "value", "updatedById", "updatedAt") VALUES ('k', '1', 'ghost', ${AT});
`;

beforeAll(async () => {
  upgraded = await upgradeThrough(MIGRATION, OLD_ROWS);
  sql = upgraded.sql;
}, 120_000);

afterAll(async () => {
  await upgraded?.remove();
});

/** Runs a statement that must be refused by the database. */
async function refused(statement: string) {
  let error: unknown = null;
  try {
    await sql.run(statement);
  } catch (caught) {
    error = caught;
  }
  expect(error, statement).toBeTruthy();
}

describe(`migration ${MIGRATION}`, () => {
  it("moves comma-separated labels into ReviewLabel (split, trimmed, no empties, no repeats) and drops the column", async () => {
    const labels = await sql.rows<{ reviewId: string; label: string }>(`SELECT "reviewId", "label" FROM "ReviewLabel" ORDER BY "reviewId", "label"`);
    expect(labels.map((row) => `${row.reviewId}:${row.label}`)).toEqual(["r1:policy", "r1:tone", "r2:policy tone", "r2:tone"]);
    const columns = isPg
      ? await sql.rows<{ name: string }>(`SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'Review'`)
      : await sql.rows<{ name: string }>(`SELECT name FROM pragma_table_info('Review')`);
    expect(columns.map((c) => c.name)).not.toContain("labels");
    expect(columns.map((c) => c.name)).toContain("rating");
  });

  it("keeps every row the rebuilt tables' children hold (scores, sign-ins, session labels, dataset items)", async () => {
    const count = async (table: string) => Number((await sql.rows<{ n: number }>(`SELECT COUNT(*) AS n FROM "${table}"`))[0]!.n);
    expect(await count("Review")).toBe(4);
    expect(await count("ReviewScore")).toBe(1);
    expect(await count("AuthSession")).toBe(1);
    expect(await count("SessionLabel")).toBe(1);
    expect(await count("DatasetItem")).toBe(1);
    expect(await count("Operator")).toBe(1);
    if (!isPg) expect(await sql.rows(`PRAGMA foreign_key_check`)).toEqual([]);
  });

  it("sets operator ids that point nowhere to NULL, keeps the good ones, and deletes a private view of a missing owner", async () => {
    const one = async (query: string) => (await sql.rows<Record<string, unknown>>(query))[0];
    expect(await sql.rows(`SELECT "id", "assigneeId" FROM "SessionIndex" ORDER BY "id"`)).toEqual([
      { id: "s1", assigneeId: null },
      { id: "s2", assigneeId: "op-a" },
    ]);
    expect(await sql.rows(`SELECT "id", "releasedById" FROM "Takeover" ORDER BY "id"`)).toEqual([
      { id: "t1", releasedById: null },
      { id: "t2", releasedById: "op-a" },
    ]);
    expect(await one(`SELECT "flaggedById" FROM "ReplyIndex"`)).toEqual({ flaggedById: null });
    expect(await one(`SELECT "reservedById", "reservedUntil" FROM "QueueItem"`)).toEqual({ reservedById: null, reservedUntil: null });
    expect((await sql.rows<{ id: string }>(`SELECT "id" FROM "SavedView" ORDER BY "id"`)).map((v) => v.id)).toEqual(["v-a", "v-team"]);
    for (const table of ["ReviewQueue", "Dataset", "ScoreConfig", "GatedAgent"]) {
      expect(await one(`SELECT "createdById" FROM "${table}"`), table).toEqual({ createdById: null });
    }
    expect(await one(`SELECT "updatedById" FROM "ConsoleSetting"`)).toEqual({ updatedById: null });
  });

  it("refuses a new id that points nowhere, and words outside the role, rating and status vocabularies", async () => {
    await refused(`UPDATE "SessionIndex" SET "assigneeId" = 'ghost' WHERE "id" = 's2'`);
    await refused(`UPDATE "Takeover" SET "releasedById" = 'ghost' WHERE "id" = 't2'`);
    await refused(`UPDATE "ReplyIndex" SET "flaggedById" = 'ghost'`);
    await refused(`UPDATE "Operator" SET "role" = 'root'`);
    await refused(`UPDATE "Review" SET "rating" = 'meh' WHERE "id" = 'r1'`);
    await refused(`UPDATE "SessionIndex" SET "status" = 'open' WHERE "id" = 's1'`);
    await refused(`UPDATE "DatasetItem" SET "rating" = 'meh'`);
    // The words themselves pass, and a dataset item may have no rating.
    await sql.run(`UPDATE "Operator" SET "role" = 'auditor'`);
    await sql.run(`UPDATE "SessionIndex" SET "status" = 'inactive' WHERE "id" = 's1'`);
    await sql.run(`UPDATE "DatasetItem" SET "rating" = NULL`);
  });
});
