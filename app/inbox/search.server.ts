// The inbox's one search box (`q`, ADR 101): a user id by case-insensitive substring, a session id, or words
// from message bodies through the database's own full-text index (SQLite FTS5 / PostgreSQL tsvector + GIN).
// Whatever the user typed, only letters and digits reach the full-text syntax, each as a quoted prefix term,
// so quotes, operators (AND, NEAR, *, :, ^) and any Unicode are safe and never a syntax error.
import { Prisma } from "~/generated/prisma/client";
import { db, isPostgresUrl } from "~/db.server";
import { env } from "~/env.server";
import { fromStored, toStored } from "~/lib/stored-text";

/** At most this many words are searched (a pasted paragraph must not become a 500-term query). */
export const MAX_TERMS = 8;
/** Highlight markers in snippets: control characters that the index's text never holds. */
export const HIT_START = "\u0001";
export const HIT_END = "\u0002";

/** The words of a query: runs of letters and digits (any script), lower-cased, de-duplicated. */
export function searchTerms(q: string): string[] {
  const words = q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words)].slice(0, MAX_TERMS);
}

/** FTS5: every term as a quoted prefix, all required: `"refund"* "card"*`. Quotes inside cannot occur. */
export function fts5Query(terms: string[]): string {
  return terms.map((t) => `"${t.replaceAll('"', '""')}"*`).join(" ");
}

/** PostgreSQL: `refund:* & card:*` for to_tsquery('simple', …); terms hold letters and digits only. */
export function pgTsQuery(terms: string[]): string {
  return terms.map((t) => `${t}:*`).join(" & ");
}

const postgres = () => isPostgresUrl(env().DATABASE_URL);

/** LIKE pattern for a substring, with the pattern's own characters escaped. */
function likeSubstring(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The search as one WHERE condition on `s` (the SessionIndex alias): user id substring (case-insensitive),
 * session id exact, or any message whose text matches every word.
 */
export function searchSql(q: string, col: (name: string) => Prisma.Sql): Prisma.Sql {
  const parts: Prisma.Sql[] = [Prisma.sql`LOWER(${col("userId")}) LIKE ${likeSubstring(toStored(q))} ESCAPE '\\'`, Prisma.sql`${col("id")} = ${toStored(q)}`];
  const terms = searchTerms(q);
  if (terms.length > 0) {
    const matching = postgres()
      ? Prisma.sql`SELECT m."sessionId" FROM "IndexedMessage" m WHERE to_tsvector('simple', m."body") @@ to_tsquery('simple', ${pgTsQuery(terms)})`
      : Prisma.sql`SELECT m."sessionId" FROM "IndexedMessage" m WHERE m."id" IN (SELECT rowid FROM "MessageSearch" WHERE "MessageSearch" MATCH ${fts5Query(terms)})`;
    parts.push(Prisma.sql`${col("id")} IN (${matching})`);
  }
  return Prisma.sql`(${Prisma.join(parts, " OR ")})`;
}

export type MessageHit = { seq: number; snippet: string };

/** The newest matching message of each listed session, as a snippet with the hits between HIT_START/HIT_END. */
export async function messageHits(sessionIds: string[], q: string): Promise<Map<string, MessageHit>> {
  const terms = searchTerms(q);
  const hits = new Map<string, MessageHit>();
  if (terms.length === 0 || sessionIds.length === 0) return hits;
  const prisma = await db();
  const stored = sessionIds.map(toStored);
  const rows = postgres()
    ? await prisma.$queryRaw<{ sessionId: string; seq: number; snippet: string }[]>`
        SELECT m."sessionId", m."seq",
               ts_headline('simple', m."body", to_tsquery('simple', ${pgTsQuery(terms)}), ${`StartSel=${HIT_START}, StopSel=${HIT_END}, MaxWords=24, MinWords=8, MaxFragments=1`}) AS snippet
        FROM "IndexedMessage" m
        WHERE m."sessionId" IN (${Prisma.join(stored)}) AND to_tsvector('simple', m."body") @@ to_tsquery('simple', ${pgTsQuery(terms)})
        ORDER BY m."seq" DESC LIMIT 2000`
    : await prisma.$queryRaw<{ sessionId: string; seq: number | bigint; snippet: string }[]>`
        SELECT m."sessionId", m."seq", snippet("MessageSearch", 0, ${HIT_START}, ${HIT_END}, '…', 16) AS snippet
        FROM "MessageSearch" JOIN "IndexedMessage" m ON m."id" = "MessageSearch".rowid
        WHERE "MessageSearch" MATCH ${fts5Query(terms)} AND m."sessionId" IN (${Prisma.join(stored)})
        ORDER BY m."seq" DESC LIMIT 2000`;
  for (const row of rows) {
    const id = fromStored(row.sessionId);
    if (!hits.has(id)) hits.set(id, { seq: Number(row.seq), snippet: fromStored(row.snippet) });
  }
  return hits;
}
