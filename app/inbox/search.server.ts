// The inbox's one search box (`q`, ADR 101): a user id by case-insensitive substring, a session id, or words
// from message bodies through the database's own full-text index (SQLite FTS5 / PostgreSQL tsvector + GIN).
// Whatever the user typed, only letters and digits reach the full-text syntax, each as a quoted prefix term,
// so quotes, operators (AND, NEAR, *, :, ^) and any Unicode are safe and never a syntax error.
// User ids: 3+ characters by substring through a trigram index, 1–2 by prefix (ADR 192).
// A search is resolved once per request (ADR 151): the sessions it matches become a list of ids the count and
// the page look up by key, unless it matches too many to list, when it stays one condition in the page's
// statement (the full-text query then runs once there, not in every statement).
import { Prisma } from "~/generated/prisma/client";
import { db, isPostgresUrl } from "~/db.server";
import { env } from "~/env.server";
import { HIT_END, HIT_START, matchesTerms, snippetOf } from "~/inbox/search-snippet";
import { fromStored, toStored } from "~/lib/stored-text";

export { HIT_END, HIT_START };
/** At most this many words are searched (a pasted paragraph must not become a 500-term query). */
export const MAX_TERMS = 8;

/** The words of a query: runs of letters and digits (any script), lower-cased, de-duplicated. */
export function searchTerms(q: string): string[] {
  const words = q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words)].slice(0, MAX_TERMS);
}

/** FTS5: every term as a quoted prefix, all required: `"refund"* "card"*`. Quotes inside cannot occur. */
export function fts5Query(terms: string[]): string {
  return terms.map((t) => `"${t.replaceAll('"', '""')}"*`).join(" ");
}

const postgres = () => isPostgresUrl(env().DATABASE_URL);

/** LIKE pattern for a substring (or a prefix), with the pattern's own characters escaped. */
function likePattern(q: string, substring: boolean): string {
  const escaped = q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
  return substring ? `%${escaped}%` : `${escaped}%`;
}

/** More sessions than this and a search is not listed by id (a list that long is no cheaper than the condition). */
export const RESOLVE_SESSIONS = 2_000;
/** Matching messages read while resolving; more means the search matches widely. */
export const RESOLVE_MESSAGES = 5_000;
/** A wide search looks for each shown session's hit among its newest messages first. */
const RECENT_FOR_HITS = 100;

/** A message that matched: its row id (for its text), session (as stored) and seq. */
type Match = { id: number; sessionId: string; seq: number };

export type ResolvedSearch = {
  q: string;
  terms: string[];
  /** Every session the search matches (as stored), or null when more than RESOLVE_SESSIONS may. */
  ids: string[] | null;
  /** Sessions known to match: all of them when `ids` is a list, a lower bound otherwise. */
  atLeast: number;
  /** The newest matching message of each listed session (text searches only). */
  newest: Map<string, Match>;
  /** The sessions whose user id or id matches (as stored), or null when more than RESOLVE_SESSIONS may. */
  identity: string[] | null;
};

/**
 * User ids shorter than this (in characters) cannot be looked up by trigram: a query of 1 or 2 characters matches
 * user ids that start with it (ADR 192) — the ids a person typing "jo" means, through an index, where a substring
 * that short would match nearly every user anyway.
 */
export const TRIGRAM_CHARS = 3;

/** The FTS5 query for a literal substring: one quoted string (quotes doubled), so no character is syntax. */
export function trigramPhrase(q: string): string {
  return `"${q.replaceAll('"', '""')}"`;
}

/** The smallest string above every string that starts with `prefix` (null: none is, only U+10FFFF runs). */
function afterPrefix(prefix: string): string | null {
  const chars = [...prefix];
  while (chars.length > 0) {
    const last = chars.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) return chars.join("") + String.fromCodePoint(last + 1 === 0xd800 ? 0xe000 : last + 1);
  }
  return null;
}

/** Each character in every case it has as one character: `ab` → ab, aB, Ab, AB. */
function caseVariants(text: string): string[] {
  return [...text].reduce<string[]>(
    (heads, c) => {
      const forms = [...new Set([c, c.toLowerCase(), c.toUpperCase()])].filter((f) => [...f].length === 1);
      return heads.flatMap((head) => forms.map((f) => head + f));
    },
    [""],
  );
}

/**
 * "The user id matches" as a condition on `col`. SQLite: 3+ characters through the trigram index over the
 * distinct user ids (`UserSearch`, case-insensitive), fewer as a prefix in any case, each case a range of the
 * userId index. PostgreSQL: `LOWER() LIKE`, which pg_trgm's GIN index serves either way.
 */
function userIdMatch(q: string, col: Prisma.Sql): Prisma.Sql {
  const stored = toStored(q);
  const substring = [...stored].length >= TRIGRAM_CHARS;
  if (postgres()) return Prisma.sql`LOWER(${col}) LIKE ${likePattern(stored, substring)} ESCAPE '\\'`;
  if (substring) {
    return Prisma.sql`${col} IN (SELECT u."userId" FROM "UserSearch" f JOIN "IndexedUser" u ON u."id" = f.rowid WHERE "UserSearch" MATCH ${trigramPhrase(stored)})`;
  }
  const ranges = caseVariants(stored).map((from) => {
    const to = afterPrefix(from);
    return to === null ? Prisma.sql`${col} >= ${from}` : Prisma.sql`(${col} >= ${from} AND ${col} < ${to})`;
  });
  return Prisma.sql`(${Prisma.join(ranges, " OR ")})`;
}

/**
 * The messages whose text matches every term (at most `limit`), summed up in the database: a first row with how
 * many matched and in how many sessions, then — only when that is at most `sessions` sessions — each session's
 * newest match (none when either count says the search is wide). Each row a query returns costs the Prisma client ~10–20 µs (ADR 193), so a wide search returns one.
 */
function textMatchesSql(terms: string[], limit: number, sessions: number): Prisma.Sql {
  if (postgres()) {
    return Prisma.sql`WITH hits AS MATERIALIZED (SELECT m."id", m."sessionId", m."seq" FROM "IndexedMessage" m
        WHERE ${pgMatch(Prisma.raw(`m."body"`), terms)} LIMIT ${limit}),
      summary AS (SELECT COUNT(*) AS messages, COUNT(DISTINCT "sessionId") AS sessions FROM hits)
      SELECT NULL AS "sessionId", NULL AS "seq", NULL AS "id", messages, sessions FROM summary
      UNION ALL SELECT * FROM (SELECT DISTINCT ON (h."sessionId") h."sessionId", h."seq", h."id", NULL::bigint, NULL::bigint
        FROM hits h, summary WHERE summary.messages < ${limit} AND summary.sessions <= ${sessions} ORDER BY h."sessionId", h."seq" DESC) newest`;
  }
  // The row ids alone first (FTS5's doclist, no table read): a wide search (`limit` of them) is known without
  // reading a single message, and only a narrow one reads its matches' sessions (ADR 200).
  return Prisma.sql`WITH ids AS MATERIALIZED (SELECT rowid AS "id" FROM "MessageSearch" WHERE "MessageSearch" MATCH ${fts5Query(terms)} LIMIT ${limit}),
    counted AS (SELECT COUNT(*) AS messages FROM ids),
    hits AS MATERIALIZED (SELECT m."id", m."sessionId", m."seq" FROM ids JOIN "IndexedMessage" m ON m."id" = ids."id" WHERE (SELECT messages FROM counted) < ${limit}),
    summary AS (SELECT (SELECT messages FROM counted) AS messages, COUNT(DISTINCT "sessionId") AS sessions FROM hits)
    SELECT NULL AS "sessionId", NULL AS "seq", NULL AS "id", messages, sessions FROM summary
    UNION ALL SELECT h."sessionId", MAX(h."seq"), h."id", NULL, NULL FROM hits h, summary WHERE summary.sessions <= ${sessions} GROUP BY h."sessionId"`;
}

/**
 * PostgreSQL: `body` matches every term as a prefix, diacritics folded (ADR 201): the expression its GIN index is
 * built on, and the terms folded and quoted by the same functions (migration `search_folds_diacritics`).
 */
export function pgMatch(body: Prisma.Sql, terms: string[]): Prisma.Sql {
  return Prisma.sql`console_search_vector(${body}) @@ console_search_query(${terms.join(" ")})`;
}

type TextMatchRow = {
  sessionId: string | null;
  seq: number | bigint | null;
  id: number | bigint | null;
  messages: number | bigint | null;
  sessions: number | bigint | null;
};

/** The statements `resolveSearch` runs (tests EXPLAIN them): the user-id matches, and the text matches when `q` has words. */
export function resolveStatements(q: string): { users: Prisma.Sql; texts: Prisma.Sql | null } {
  const terms = searchTerms(q);
  return {
    users: Prisma.sql`SELECT s."id" FROM "SessionIndex" s WHERE ${userIdMatch(q, Prisma.raw(`s."userId"`))} LIMIT ${RESOLVE_SESSIONS + 1}`,
    texts: terms.length > 0 ? textMatchesSql(terms, RESOLVE_MESSAGES + 1, RESOLVE_SESSIONS) : null,
  };
}

/**
 * Which sessions the search matches, each part read once: user ids (the trigram index, or userId ranges),
 * the session id itself, and the messages whose text matches (the full-text index, stopping after
 * RESOLVE_MESSAGES rows).
 */
export async function resolveSearch(q: string): Promise<ResolvedSearch> {
  const prisma = await db();
  const terms = searchTerms(q);
  const statements = resolveStatements(q);
  const [users, texts] = await Promise.all([
    prisma.$queryRaw<{ id: string }[]>(statements.users),
    statements.texts ? prisma.$queryRaw<TextMatchRow[]>(statements.texts) : Promise.resolve([]),
  ]);
  const [summary, ...perSession] = texts;
  const matchedMessages = Number(summary?.messages ?? 0);
  const matchedSessions = Number(summary?.sessions ?? 0);
  const newest = new Map<string, Match>();
  for (const row of perSession) newest.set(row.sessionId!, { id: Number(row.id), sessionId: row.sessionId!, seq: Number(row.seq) });
  const ids = new Set<string>([...users.map((u) => u.id), ...newest.keys()]);
  const wide = users.length > RESOLVE_SESSIONS || matchedMessages > RESOLVE_MESSAGES || matchedSessions > RESOLVE_SESSIONS || ids.size > RESOLVE_SESSIONS;
  // Sessions known to match: the larger part is a lower bound of the union (the count statement is skipped above COUNT_CAP).
  // A session id typed whole (harmless when no session has it).
  const identity = users.length > RESOLVE_SESSIONS ? null : [...new Set([...users.map((u) => u.id), toStored(q)])];
  if (wide) return { q, terms, ids: null, atLeast: Math.max(users.length, matchedSessions), newest: new Map(), identity };
  ids.add(toStored(q));
  return { q, terms, ids: [...ids], atLeast: ids.size - 1, newest, identity };
}

/**
 * The search as one WHERE condition on `s` (the SessionIndex alias). A listed search is a key lookup; a wide one
 * is the user-id substring, the session id, or any message of the session among the text's matches (on SQLite
 * the full-text matches are gathered once per statement and each session's messages checked against them, so
 * walking the order's index stops as soon as the page is full).
 */
export function searchCondition(search: ResolvedSearch): Prisma.Sql {
  if (search.ids) return search.ids.length > 0 ? Prisma.sql`s."id" IN (${Prisma.join(search.ids)})` : Prisma.sql`1 = 0`;
  const parts: Prisma.Sql[] = [identityCondition(search)];
  if (search.terms.length > 0) {
    parts.push(
      postgres()
        ? Prisma.sql`s."id" IN (SELECT m."sessionId" FROM "IndexedMessage" m WHERE ${pgMatch(Prisma.raw(`m."body"`), search.terms)})`
        : Prisma.sql`EXISTS (SELECT 1 FROM "IndexedMessage" m WHERE m."sessionId" = s."id" AND m."id" IN (SELECT rowid FROM "MessageSearch" WHERE "MessageSearch" MATCH ${fts5Query(search.terms)}))`,
    );
  }
  return Prisma.sql`(${Prisma.join(parts, " OR ")})`;
}

/** "The session's user id or its id matches" on `s`: a key lookup when listed, the user-id index otherwise. */
export function identityCondition(search: ResolvedSearch): Prisma.Sql {
  if (search.identity) return Prisma.sql`s."id" IN (${Prisma.join(search.identity)})`; // never empty: it holds q
  return Prisma.sql`(${userIdMatch(search.q, Prisma.raw(`s."userId"`))} OR s."id" = ${toStored(search.q)})`;
}

export type MessageHit = { seq: number; snippet: string };

/**
 * The newest matching message of each listed session, as a snippet with the hits between HIT_START/HIT_END.
 * A listed search already knows them. A wide one reads the shown sessions' newest messages and applies the
 * full-text rule to them here (the page's few sessions, instead of the whole index's matches once more); only a
 * session whose match is older than those asks the full-text index.
 */
export async function messageHits(search: ResolvedSearch, storedIds: string[]): Promise<Map<string, MessageHit>> {
  const hits = new Map<string, MessageHit>();
  if (search.terms.length === 0 || storedIds.length === 0) return hits;
  const prisma = await db();
  if (search.ids) {
    const matches = storedIds.flatMap((id) => search.newest.get(id) ?? []);
    if (matches.length === 0) return hits;
    const bodies = await prisma.indexedMessage.findMany({ where: { id: { in: matches.map((m) => m.id) } }, select: { id: true, body: true } });
    const bodyById = new Map(bodies.map((b) => [b.id, b.body]));
    for (const match of matches) {
      const body = bodyById.get(match.id);
      if (body !== undefined) hits.set(fromStored(match.sessionId), { seq: match.seq, snippet: snippetOf(fromStored(body), search.terms) });
    }
    return hits;
  }
  const recent = await prisma.$queryRaw<{ sessionId: string; seq: number | bigint; body: string; full: number | bigint }[]>`
    SELECT r."sessionId", r."seq", r."body", r."full" FROM (
      SELECT m."sessionId", m."seq", m."body", ROW_NUMBER() OVER (PARTITION BY m."sessionId" ORDER BY m."seq" DESC) AS rn,
             CASE WHEN COUNT(*) OVER (PARTITION BY m."sessionId") <= ${RECENT_FOR_HITS} THEN 1 ELSE 0 END AS "full"
      FROM "IndexedMessage" m WHERE m."sessionId" IN (${Prisma.join(storedIds)})) r
    WHERE r.rn <= ${RECENT_FOR_HITS} ORDER BY r."sessionId", r."seq" DESC`;
  const complete = new Set<string>();
  for (const row of recent) {
    if (Number(row.full) === 1) complete.add(row.sessionId);
    const id = fromStored(row.sessionId);
    if (hits.has(id)) continue;
    const body = fromStored(row.body);
    if (matchesTerms(body, search.terms)) hits.set(id, { seq: Number(row.seq), snippet: snippetOf(body, search.terms) });
  }
  const older = storedIds.filter((id) => !hits.has(fromStored(id)) && !complete.has(id));
  if (older.length > 0) {
    const rows = postgres()
      ? await prisma.$queryRaw<{ sessionId: string; seq: number | bigint; body: string }[]>`
          SELECT DISTINCT ON (m."sessionId") m."sessionId", m."seq", m."body" FROM "IndexedMessage" m
          WHERE m."sessionId" IN (${Prisma.join(older)}) AND ${pgMatch(Prisma.raw(`m."body"`), search.terms)}
          ORDER BY m."sessionId", m."seq" DESC`
      : await prisma.$queryRaw<{ sessionId: string; seq: number | bigint; body: string }[]>`
          SELECT m."sessionId", MAX(m."seq") AS seq, m."body" FROM "IndexedMessage" m
          WHERE m."sessionId" IN (${Prisma.join(older)}) AND m."id" IN (SELECT rowid FROM "MessageSearch" WHERE "MessageSearch" MATCH ${fts5Query(search.terms)})
          GROUP BY m."sessionId"`;
    for (const row of rows) hits.set(fromStored(row.sessionId), { seq: Number(row.seq), snippet: snippetOf(fromStored(row.body), search.terms) });
  }
  return hits;
}
