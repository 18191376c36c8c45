// A search's own order (ADR 200), the default when `q` has words and the URL gives no sort: first the sessions
// whose user id or id matches (newest activity first), then those found by their text alone, the session of the
// most recently indexed matching message first (ascending: the exact reverse). The text part follows the full-text index's own row order, so a
// page stops after its sessions are found: a word in 100,000 messages costs as much as a rare one.
import { Prisma } from "~/generated/prisma/client";
import { db, isPostgresUrl } from "~/db.server";
import { env } from "~/env.server";
import { fts5Query, identityCondition, pgMatch, type ResolvedSearch } from "~/inbox/search.server";

export type MatchPageInput = {
  search: ResolvedSearch;
  /** The other filters on `s` (and `c`, my read cursor, when `cursorJoin` joins it), AND-joined; null: none. */
  filters: Prisma.Sql | null;
  cursorJoin: Prisma.Sql;
  skip: number;
  take: number;
  desc: boolean;
  /** Counts stop above this. */
  cap: number;
};

const and = (parts: (Prisma.Sql | null)[]) =>
  Prisma.join(
    parts.filter((p): p is Prisma.Sql => p !== null),
    " AND ",
  );

/**
 * A wide search with other filters that leave at most this many sessions reads from those sessions instead of the
 * full-text walk (ADR 214): their messages are checked against the text's matches, gathered once per statement
 * (about 10 ms for 100,000 matches), where the walk would pass every match of the other sessions first. Measured
 * over 100,000 sessions and a word in 100,000 messages: the count's walk costs 94 ms with 666 sessions left and
 * 14 ms with 14,286 (the check 12 and 19 ms); the page's walk stops after its sessions, 27 ms with 666 sessions
 * left and 0.9 ms with 7,693 (the check 13 and 40 ms).
 */
export const FROM_FILTERED = { count: 10_000, page: 2_000 };

/**
 * The sessions found by their text alone, in the order of their newest matching message. SQLite: CROSS JOIN
 * keeps the full-text table the outer loop, read in its rowid order (no sort), and DISTINCT keeps each session's
 * first (its newest) match, so LIMIT stops the walk. PostgreSQL: grouped by session (its GIN index has no order).
 * `fromFiltered` (SQLite): the same sessions in the same order read from the filtered sessions (FROM_FILTERED).
 */
export function textPartSql(
  input: Omit<MatchPageInput, "skip" | "take"> & { limit: number; offset: number; ordered: boolean; fromFiltered?: boolean },
): Prisma.Sql {
  const { search, filters, cursorJoin, limit, offset, ordered, desc } = input;
  const notIdentity = Prisma.sql`NOT ${identityCondition(search)}`;
  const dir = Prisma.raw(desc ? "DESC" : "ASC");
  if (input.fromFiltered && !isPostgresUrl(env().DATABASE_URL)) {
    // The walk meets a session at its newest match descending and at its oldest ascending: MAX and MIN here.
    const matched = Prisma.sql`m."id" IN (SELECT rowid FROM "MessageSearch" WHERE "MessageSearch" MATCH ${fts5Query(search.terms)})`;
    if (!ordered)
      return Prisma.sql`SELECT s."id" FROM "SessionIndex" s ${cursorJoin}
        WHERE ${and([filters, notIdentity, Prisma.sql`EXISTS (SELECT 1 FROM "IndexedMessage" m WHERE m."sessionId" = s."id" AND ${matched})`])} LIMIT ${limit} OFFSET ${offset}`;
    return Prisma.sql`SELECT m."sessionId" AS id FROM "SessionIndex" s CROSS JOIN "IndexedMessage" m ${cursorJoin}
      WHERE ${and([filters, notIdentity, Prisma.sql`m."sessionId" = s."id"`, matched])}
      GROUP BY m."sessionId" ORDER BY ${Prisma.raw(desc ? `MAX(m."id") DESC` : `MIN(m."id") ASC`)} LIMIT ${limit} OFFSET ${offset}`;
  }
  if (isPostgresUrl(env().DATABASE_URL)) {
    return Prisma.sql`SELECT m."sessionId" AS id FROM "IndexedMessage" m JOIN "SessionIndex" s ON s."id" = m."sessionId" ${cursorJoin}
      WHERE ${and([pgMatch(Prisma.raw(`m."body"`), search.terms), notIdentity, filters])}
      GROUP BY m."sessionId" ${ordered ? Prisma.sql`ORDER BY MAX(m."id") ${dir}` : Prisma.empty} LIMIT ${limit} OFFSET ${offset}`;
  }
  return Prisma.sql`SELECT DISTINCT m."sessionId" AS id FROM "MessageSearch" f CROSS JOIN "IndexedMessage" m CROSS JOIN "SessionIndex" s ${cursorJoin}
    WHERE ${and([Prisma.sql`"MessageSearch" MATCH ${fts5Query(search.terms)}`, Prisma.sql`m."id" = f.rowid AND s."id" = m."sessionId"`, notIdentity, filters])}
    ${ordered ? Prisma.sql`ORDER BY f.rowid ${dir}` : Prisma.empty} LIMIT ${limit} OFFSET ${offset}`;
}

/** The identity part: matching sessions by last activity (the inbox's own order and index). */
function identityPartSql(input: MatchPageInput, limit: number, offset: number, ordered: boolean): Prisma.Sql {
  const { search, filters, cursorJoin, desc } = input;
  const postgres = isPostgresUrl(env().DATABASE_URL);
  const dir = desc ? "DESC" : "ASC";
  const order = `s."lastActivityAt" ${dir}${postgres ? (desc ? " NULLS LAST" : " NULLS FIRST") : ""}, s."id" ${dir}`;
  return Prisma.sql`SELECT s."id" FROM "SessionIndex" s ${cursorJoin} WHERE ${and([identityCondition(search), filters])}
    ${ordered ? Prisma.sql`ORDER BY ${Prisma.raw(order)}` : Prisma.empty} LIMIT ${limit} OFFSET ${offset}`;
}

/**
 * One page in the search's order, and how many sessions match (capped: `cap + 1` means more). Ascending is the
 * exact reverse: the text part (oldest match first), then the identity part (oldest activity first).
 */
export async function matchPage(
  input: MatchPageInput,
  fromFiltered: { count: number; page: number } = FROM_FILTERED,
): Promise<{ ids: string[]; total: number }> {
  const prisma = await db();
  const { skip, take, cap, desc } = input;
  // A listed search whose text matched nothing (resolveSearch knows every match then) asks the full-text index no more.
  const noText = input.search.ids !== null && input.search.newest.size === 0;
  // A wide search with other filters: how many sessions they leave decides how its text part is read (ADR 214).
  const filtered =
    input.filters && input.search.ids === null && !isPostgresUrl(env().DATABASE_URL)
      ? await filteredUpTo(input, Math.max(fromFiltered.count, fromFiltered.page) + 1)
      : Infinity;
  const part = (kind: "identity" | "text", limit: number, offset: number) =>
    prisma.$queryRaw<{ id: string }[]>(
      kind === "identity"
        ? identityPartSql(input, limit, offset, true)
        : textPartSql({ ...input, limit, offset, ordered: true, fromFiltered: filtered <= fromFiltered.page }),
    );
  const [first, second] = noText ? (["identity", null] as const) : desc ? (["identity", "text"] as const) : (["text", "identity"] as const);
  const texts = noText
    ? Prisma.sql`0`
    : Prisma.sql`(SELECT COUNT(*) FROM (${textPartSql({ ...input, limit: cap + 1, offset: 0, ordered: false, fromFiltered: filtered <= fromFiltered.count })}) t)`;
  const [counted, head] = await Promise.all([
    prisma.$queryRaw<{ identity: number | bigint; texts: number | bigint }[]>`SELECT
      (SELECT COUNT(*) FROM (${identityPartSql(input, cap + 1, 0, false)}) a) AS identity, ${texts} AS texts`,
    part(first, skip + take, 0),
  ]);
  const total = Math.min(cap + 1, Number(counted[0]?.identity ?? 0) + Number(counted[0]?.texts ?? 0));
  const ids = head.slice(skip).map((row) => row.id);
  if (second && ids.length < take && head.length < skip + take) {
    const rest = await part(second, take - ids.length, Math.max(0, skip - head.length));
    ids.push(...rest.map((row) => row.id));
  }
  return { ids, total };
}

/** How many sessions the other filters leave, counted up to `limit` (0.2–0.7 ms through an index, 4 ms for a filter that must walk 100,000 sessions). */
async function filteredUpTo(input: MatchPageInput, limit: number): Promise<number> {
  const rows = await (
    await db()
  ).$queryRaw<
    { n: number | bigint }[]
  >`SELECT COUNT(*) AS n FROM (SELECT 1 FROM "SessionIndex" s ${input.cursorJoin} WHERE ${input.filters!} LIMIT ${limit}) f`;
  return Number(rows[0]?.n ?? 0);
}
