// The search's statements read indexes, not tables (ADR 192, 193): EXPLAINed on the configured database over
// enough rows, ANALYZEd, that a planner would scan if it could not use them. SQLite: the FTS5 trigram table for
// user ids of 3+ characters, userId ranges for 1–2, FTS5 for words. PostgreSQL (`npm run test:pg`): pg_trgm's
// GIN index on LOWER("userId") and the GIN index on to_tsvector('simple', body).
import "../support/db";
import { beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "~/generated/prisma/client";
import { db, isPostgresUrl } from "~/db.server";
import { textPartSql } from "~/inbox/search-by-match.server";
import { resolveSearch, resolveStatements, searchCondition } from "~/inbox/search.server";

const isPg = isPostgresUrl(process.env.DATABASE_URL!);
// PostgreSQL reads a small table faster by a sequential scan and knows it: it needs more rows than SQLite to show its plans.
const SESSIONS = isPg ? 100_000 : 20_000;
const MESSAGES_EACH = 3;
const EACH = Prisma.raw(String(MESSAGES_EACH)); // a literal: a bound number divides as a real on SQLite

beforeAll(async () => {
  const prisma = await db();
  const at = new Date("2026-11-30T12:00:00.000Z");
  // Sessions of 2,000 users, three messages each; one rare word and one rare user id.
  if (isPg) {
    await prisma.$executeRaw`INSERT INTO "SessionIndex" ("id", "userId", "agentId", "status", "createdAt", "lastActivityAt", "headSeq", "updatedAt")
      SELECT 'plan-' || i, CASE WHEN i = 777 THEN 'Zebra-Unique' ELSE 'customer-' || (i % 2000) END, 'agent-' || (i % 5), 'active', ${at}, ${at}::timestamp - i * interval '1 minute', ${MESSAGES_EACH}, ${at}
      FROM generate_series(0, ${SESSIONS - 1}) AS i`;
    await prisma.$executeRaw`INSERT INTO "IndexedMessage" ("sessionId", "seq", "role", "body", "at")
      SELECT 'plan-' || (k / ${EACH}), 1 + k % ${EACH}, 'user',
             CASE WHEN k = 4242 THEN 'a quokka appeared' ELSE 'hello about my order ' || k || ' and the refund' END, ${at}
      FROM generate_series(0, ${SESSIONS * MESSAGES_EACH - 1}) AS k`;
    await prisma.$executeRawUnsafe(`ANALYZE "SessionIndex"`);
    await prisma.$executeRawUnsafe(`ANALYZE "IndexedMessage"`);
  } else {
    await prisma.$executeRaw`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ${SESSIONS})
      INSERT INTO "SessionIndex" ("id", "userId", "agentId", "status", "createdAt", "lastActivityAt", "headSeq", "updatedAt")
      SELECT 'plan-' || i, CASE WHEN i = 777 THEN 'Zebra-Unique' ELSE 'customer-' || (i % 2000) END, 'agent-' || (i % 5), 'active', ${at}, ${at}, ${MESSAGES_EACH}, ${at} FROM n`;
    await prisma.$executeRaw`WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k + 1 < ${SESSIONS * MESSAGES_EACH})
      INSERT INTO "IndexedMessage" ("sessionId", "seq", "role", "body", "at")
      SELECT 'plan-' || (k / ${EACH}), 1 + k % ${EACH}, 'user',
             CASE WHEN k = 4242 THEN 'a quokka appeared' ELSE 'hello about my order ' || k || ' and the refund' END, ${at} FROM n`;
    await prisma.$executeRawUnsafe("ANALYZE");
  }
}, 120_000);

/** The plan of a statement as text: PostgreSQL's EXPLAIN, SQLite's EXPLAIN QUERY PLAN details, one per line. */
async function plan(statement: Prisma.Sql): Promise<string> {
  const prisma = await db();
  if (isPg) {
    const rows = await prisma.$queryRaw<{ "QUERY PLAN": string }[]>(Prisma.sql`EXPLAIN ${statement}`);
    return rows.map((r) => r["QUERY PLAN"]).join("\n");
  }
  const rows = await prisma.$queryRaw<{ detail: string }[]>(Prisma.sql`EXPLAIN QUERY PLAN ${statement}`);
  return rows.map((r) => r.detail).join("\n");
}

describe("search plans", () => {
  it("finds a user id by a substring of 3+ characters through the trigram index", async () => {
    const users = await plan(resolveStatements("ebra-uni").users);
    if (isPg) {
      expect(users).toMatch(/Bitmap Index Scan on "SessionIndex_userId_trgm_idx"/);
      expect(users).not.toMatch(/Seq Scan on "SessionIndex"/);
    } else {
      expect(users).toMatch(/SCAN f VIRTUAL TABLE INDEX \d+:M/); // UserSearch, by MATCH
      expect(users).toMatch(/SEARCH s USING (COVERING )?INDEX SessionIndex_userId_idx \(userId=\?\)/);
      expect(users).not.toMatch(/^SCAN s\b/m);
    }
    expect((await resolveSearch("EBRA-UNI")).ids).toContain("plan-777");
  });

  it("finds a user id by a 1–2 character prefix through an index", async () => {
    const users = await plan(resolveStatements("zE").users);
    if (isPg) {
      expect(users).toMatch(/Index Scan on "SessionIndex_userId_trgm_idx"/);
      expect(users).not.toMatch(/Seq Scan on "SessionIndex"/);
    } else {
      expect(users).toMatch(/SEARCH s USING (COVERING )?INDEX SessionIndex_userId_idx \(userId>\? AND userId<\?\)/);
      expect(users).not.toMatch(/^SCAN s\b/m);
    }
    expect((await resolveSearch("zE")).ids).toContain("plan-777");
  });

  it("finds words through the full-text index, narrow and wide", async () => {
    const texts = await plan(resolveStatements("quokka").texts!);
    // A wide search stays a condition of the page's statement (ADR 151).
    const condition = searchCondition({ q: "refund", terms: ["refund"], ids: null, atLeast: 0, newest: new Map(), identity: null });
    const wide = await plan(Prisma.sql`SELECT s."id" FROM "SessionIndex" s WHERE ${condition} ORDER BY s."lastActivityAt" DESC LIMIT 25`);
    if (isPg) {
      expect(texts).toMatch(/Bitmap Index Scan on "IndexedMessage_body_search_idx"/);
      expect(texts).not.toMatch(/Seq Scan on "IndexedMessage"/);
      expect(wide).toMatch(/Index Scan on "IndexedMessage_body_search_idx"/);
      expect(wide).not.toMatch(/Seq Scan on "IndexedMessage"/);
    } else {
      expect(texts).toMatch(/SCAN MessageSearch VIRTUAL TABLE INDEX \d+:M/); // by MATCH, row ids only
      expect(texts).toMatch(/SEARCH m USING INTEGER PRIMARY KEY \(rowid=\?\)/);
      expect(wide).toMatch(/SCAN MessageSearch VIRTUAL TABLE INDEX \d+:M/);
      expect(wide).toMatch(/SCAN s USING INDEX SessionIndex_lastActivityAt_idx/);
    }
    const found = await resolveSearch("quokka");
    expect(found.ids).toContain(`plan-${Math.floor(4242 / MESSAGES_EACH)}`);
    expect(found.newest.get(`plan-${Math.floor(4242 / MESSAGES_EACH)}`)?.seq).toBe(1 + (4242 % MESSAGES_EACH));
  });

  it("reads a search's own order off the full-text index's row order, stopping after the page (ADR 200)", async () => {
    const search = await resolveSearch("refund");
    expect(search.ids).toBeNull(); // wide
    const statement = textPartSql({
      search,
      filters: Prisma.sql`s."status" IN ('active')`,
      cursorJoin: Prisma.empty,
      limit: 25,
      offset: 0,
      ordered: true,
      desc: true,
      cap: 1_000,
    });
    const text = await plan(statement);
    if (isPg) {
      expect(text).toMatch(/Bitmap Index Scan on "IndexedMessage_body_search_idx"/);
      expect(text).not.toMatch(/Seq Scan on "IndexedMessage"/);
    } else {
      // The full-text table is the outer loop and gives the order (index 192+: rowid descending), no sort step.
      expect(text.split("\n")[0]).toMatch(/^SCAN f VIRTUAL TABLE INDEX (19[2-9]|2\d\d):M/);
      expect(text).toMatch(/SEARCH m USING INTEGER PRIMARY KEY \(rowid=\?\)/);
      expect(text).toMatch(/SEARCH s USING (COVERING )?INDEX sqlite_autoindex_SessionIndex_1 \(id=\?\)/);
      expect(text).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
    }
  });
});
