// The inbox table's read side: URL → validated table params → one indexed query and a count, both in SQL
// because "my unread" is computed from my read cursor (a LEFT JOIN), which Prisma's query API cannot sort by.
// The SQL is portable (SQLite and PostgreSQL): quoted identifiers, CASE instead of MAX/GREATEST, NULLS LAST.
import { fromStored, visibleControls } from "~/lib/stored-text";
import { Prisma } from "~/generated/prisma/client";
import { z } from "zod";
import { db, isPostgresUrl } from "~/db.server";
import { env } from "~/env.server";
import { inboxSettings } from "~/inbox/inbox-settings.server";
import { matchPage } from "~/inbox/search-by-match.server";
import { messageHits, resolveSearch, searchCondition, searchTerms, type MessageHit, type ResolvedSearch } from "~/inbox/search.server";
import { VIEW_IDS, type ConversationState, type InboxViewId } from "~/inbox/views";
import { facetFilter, parseTableParamsLeniently, textFilter, type TableParams, type TableProblem } from "~/lib/table-params.server";
import { liveBus } from "~/live/bus.server";
import type { SenderRole } from "~/live/events";
import { SESSION_STATUSES, SessionStatusSchema, type SessionStatus } from "~/lib/vocabulary";

// Only orders an index can serve are offered: "my unread" is computed per operator, so sorting by it would be a
// full scan and sort at every load (the "Unread only" filter is the fast way to the same rows). "match" is a
// search's own order (ADR 200); without words to search it is the activity order.
export const SORTABLE = ["lastActivity", "user", "agent", "status", "waiting", "match"] as const;
export type InboxSort = (typeof SORTABLE)[number];

/** A yes/no switch in the URL: `?unread=1`. */
const flag = z
  .array(z.enum(["1", "0", ""], { message: "must be 1 or 0" }))
  .max(1, "give it once")
  .transform((list) => list[0] === "1");

const choice = <const V extends readonly [string, ...string[]]>(values: V) =>
  z
    .array(z.union([z.literal(""), z.enum(values, { message: `must be one of ${values.join(", ")}` })]))
    .max(1, "give it once")
    .transform((list) => (list[0] ? (list[0] as V[number]) : undefined));

const LabelSchema = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[\w .:-]+$/, "may use letters, digits, space and . : _ -");

export const INBOX_TABLE = {
  sortable: SORTABLE,
  defaultSort: { id: "lastActivity" as InboxSort, desc: true },
  filters: {
    view: choice(VIEW_IDS),
    status: facetFilter(SESSION_STATUSES),
    agent: textFilter(200),
    q: textFilter(200),
    unread: flag,
    needsHuman: flag,
    /** Sessions with seqs FleetLM lost (protocol §13.2): `?lost=1`. */
    lost: flag,
    takenOver: choice(["yes", "no"] as const),
    assigned: choice(["me", "none"] as const),
    label: z
      .array(LabelSchema)
      .max(10)
      .transform((list) => [...new Set(list)]),
  },
};

export type InboxParams = TableParams<InboxSort, typeof INBOX_TABLE.filters>;

/**
 * The inbox's URL, forgivingly (issue 16): unknown keys are ignored (`?utm_source=slack` still renders the inbox)
 * and every bad value falls back to its default with a problem the page shows beside the intact view.
 * The "Waiting on a human" view sorts by waiting time, and a search for words by its matches (ADR 200), unless the
 * URL says otherwise.
 */
export function readInboxParams(input: Request | URL | URLSearchParams): { params: InboxParams; problems: TableProblem[] } {
  const read = parseTableParamsLeniently(input, INBOX_TABLE);
  const search = input instanceof URLSearchParams ? input : new URL(input instanceof Request ? input.url : input).searchParams;
  const sortGiven = read.problems.every((p) => p.key !== "sort") && search.has("sort") && search.get("sort") !== "";
  if (read.params.filters.view === "waiting" && !sortGiven) read.params.sort = { id: "waiting", desc: false };
  else if (read.params.filters.q && searchTerms(read.params.filters.q).length > 0 && !sortGiven) read.params.sort = { id: "match", desc: true };
  return read;
}

/** The params alone (tests, bench): bad values already fell back to their defaults. */
export function parseInboxParams(input: Request | URL | URLSearchParams): InboxParams {
  return readInboxParams(input).params;
}

export type InboxRow = {
  id: string;
  userId: string;
  agentId: string;
  status: SessionStatus;
  headSeq: number;
  opCount: number;
  userCount: number;
  unread: number;
  /** Messages past my cursor that are not unread (AI or teammates' replies): new activity. */
  activity: boolean;
  lastActivityAt: string | null;
  lastSenderRole: SenderRole | null;
  lastPreview: string | null;
  state: ConversationState;
  snoozedUntil: string | null;
  waitingSince: string | null;
  handoffReason: string | null;
  /** With a text search: the newest matching message (open the session at its seq). */
  hit: MessageHit | null;
  assignee: { id: string; name: string } | null;
  holder: { id: string; name: string } | null;
  labels: string[];
};

/**
 * ORDER BY is the one part of the statement that cannot be a bound parameter: it comes from this map only.
 * Each order follows one index all the way (secondary keys run in the same direction), so SQLite reads the
 * first page straight off the index instead of sorting the table. Empty activity sorts as the oldest: that is
 * SQLite's own NULL order; PostgreSQL is told so explicitly.
 */
function orderBy(sort: { id: InboxSort; desc: boolean }, postgres: boolean): string {
  const dir = sort.desc ? "DESC" : "ASC";
  const activity = `s."lastActivityAt" ${dir}${postgres ? (sort.desc ? " NULLS LAST" : " NULLS FIRST") : ""}`;
  switch (sort.id) {
    case "lastActivity":
    case "match": // without words to search (a search with words is read by matchPage)
      return `${activity}, s."id" ${dir}`;
    case "user":
      return `s."userId" ${dir}, s."id" ${dir}`;
    case "agent":
      return `s."agentId" ${dir}, ${activity}, s."id" ${dir}`;
    case "status":
      return `s."status" ${dir}, ${activity}, s."id" ${dir}`;
    case "waiting":
      // Ascending = the longest wait first; sessions nobody waits on go last either way.
      return `s."waitingSince" ${dir} NULLS LAST, s."id" ${dir}`;
  }
}

// My unread: the end user's messages past my cursor (ADR 100). AI and operator replies never count.
const UNREAD_SQL = Prisma.sql`CASE WHEN s."userCount" - COALESCE(c."userCountAtCursor", 0) > 0
  THEN s."userCount" - COALESCE(c."userCountAtCursor", 0) ELSE 0 END`;
// New activity: anything past my cursor, whoever wrote it (shown as a quiet marker, not as unread).
const ACTIVITY_SQL = Prisma.sql`CASE WHEN s."headSeq" > COALESCE(c."lastSeq", 0) THEN 1 ELSE 0 END`;

/** Counts stop here ("1,000+"): an exact count of a 100k index, filtered or not, would be a full scan. */
export const COUNT_CAP = 1_000;

/** The column each order's index leads with: a filter on it narrows that same index, so it never gets hidden. */
const SORT_LEAD: Record<InboxSort, string> = {
  lastActivity: "lastActivityAt",
  user: "userId",
  agent: "agentId",
  status: "status",
  waiting: "waitingSince",
  match: "lastActivityAt",
};

/**
 * How a filter names a column. On SQLite, `+s."col"` is the same value but hides the column's indexes from the
 * planner (ADR 024): used when the filter matches many rows and the order is not by activity, so SQLite walks the
 * order's index and stops after one page instead of collecting every match through the filter's index and
 * sorting them all (300 ms at 100k sessions). PostgreSQL has no unary plus on text, and plans from real
 * statistics anyway.
 */
type Column = (name: string) => Prisma.Sql;
const plainColumn: Column = (name) => Prisma.raw(`s."${name}"`);
const walkSortIndex =
  (sort: InboxSort): Column =>
  (name) =>
    Prisma.raw(name === SORT_LEAD[sort] ? `s."${name}"` : `+s."${name}"`);

/** What each view means in SQL (the page states the same in words: app/inbox/views.ts). */
function viewSql(view: InboxViewId, operatorId: string, unansweredBefore: Date, col: Column, active: Prisma.Sql): Prisma.Sql | null {
  switch (view) {
    case "all":
      return null;
    case "waiting":
      // A signal set the state, or the user's message has waited past the admin's time with no answer at all.
      return Prisma.sql`(${col("state")} = 'waiting' OR (${col("state")} IN ('pending', 'open') AND ${col("lastSenderRole")} = 'user' AND ${col("lastActivityAt")} < ${unansweredBefore}))`;
    case "mine":
      return Prisma.sql`${col("assigneeId")} = ${operatorId} AND ${col("state")} <> 'resolved'`;
    case "unassigned":
      return Prisma.sql`${col("assigneeId")} IS NULL AND ${col("status")} = 'active' AND ${col("state")} NOT IN ('resolved', 'snoozed')`;
    case "takenOver":
      return Prisma.sql`${col("id")} IN (${active})`;
    case "snoozed":
      return Prisma.sql`${col("state")} = 'snoozed'`;
    case "resolved":
      return Prisma.sql`${col("state")} = 'resolved'`;
  }
}

function filterSql(
  params: InboxParams,
  operatorId: string,
  now: Date,
  unansweredMinutes: number,
  col: Column = plainColumn,
  search: ResolvedSearch | null = null,
): { where: Prisma.Sql; conditions: Prisma.Sql | null; needsCursor: boolean; others: number } {
  const f = params.filters;
  const parts: Prisma.Sql[] = [];
  const unansweredBefore = new Date(now.getTime() - unansweredMinutes * 60_000);
  const active = Prisma.sql`SELECT "activeSessionId" FROM "Takeover" WHERE "activeSessionId" IS NOT NULL`;
  const view = f.view ? viewSql(f.view, operatorId, unansweredBefore, col, active) : null;
  if (view) parts.push(view);
  if (f.status.length > 0) parts.push(Prisma.sql`${col("status")} IN (${Prisma.join(f.status)})`);
  if (f.agent) parts.push(Prisma.sql`${col("agentId")} = ${f.agent}`);
  if (search) parts.push(searchCondition(search));
  if (f.unread) parts.push(Prisma.sql`${UNREAD_SQL} > 0`);
  if (f.lost) parts.push(Prisma.sql`${col("lostCount")} > 0`);
  // The older switches (bookmarks from before the views) still work; the page offers the views instead.
  if (f.needsHuman) parts.push(Prisma.sql`${col("lastSenderRole")} = 'user' AND ${col("lastActivityAt")} < ${unansweredBefore}`);
  // Active takeovers and labels are small sets: test membership instead of joining every scanned row.
  if (f.takenOver === "yes") parts.push(Prisma.sql`${col("id")} IN (${active})`);
  if (f.takenOver === "no") parts.push(Prisma.sql`${col("id")} NOT IN (${active})`);
  if (f.assigned === "me") parts.push(Prisma.sql`${col("assigneeId")} = ${operatorId}`);
  if (f.assigned === "none") parts.push(Prisma.sql`${col("assigneeId")} IS NULL`);
  if (f.label.length > 0) parts.push(Prisma.sql`${col("id")} IN (SELECT l."sessionId" FROM "SessionLabel" l WHERE l."label" IN (${Prisma.join(f.label)}))`);
  return {
    where: parts.length > 0 ? Prisma.sql`WHERE ${Prisma.join(parts, " AND ")}` : Prisma.empty,
    conditions: parts.length > 0 ? Prisma.join(parts, " AND ") : null,
    needsCursor: f.unread,
    others: parts.length - (search ? 1 : 0),
  };
}

type RawRow = {
  id: string;
  userId: string;
  agentId: string;
  status: string;
  headSeq: number | bigint;
  opCount: number | bigint;
  userCount: number | bigint;
  unread: number | bigint;
  activity: number | bigint | boolean;
  lastActivityAt: Date | string | null;
  lastSenderRole: string | null;
  lastPreview: string | null;
  state: string;
  snoozedUntil: Date | string | null;
  waitingSince: Date | string | null;
  handoffReason: string | null;
  assigneeId: string | null;
  assigneeName: string | null;
  holderId: string | null;
  holderName: string | null;
};

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

/**
 * One page of my inbox plus the (capped) total. Three short statements: the count, the page's ids (straight off
 * an index, joining my cursor only when the unread filter needs it), then the page's details. The count goes
 * first because it tells how the page is best read: a filter matching at most COUNT_CAP rows is read through
 * its own index and the few matches sorted; a filter matching more is checked row by row along the order's index.
 */
export async function queryInbox(params: InboxParams, operatorId: string, now = new Date()): Promise<{ rows: InboxRow[]; total: number; capped: boolean }> {
  const prisma = await db();
  const postgres = isPostgresUrl(env().DATABASE_URL);
  const { unansweredMinutes } = await inboxSettings();
  // The search is resolved once (ADR 151): the count and the page below reuse it.
  const search = params.filters.q ? await resolveSearch(params.filters.q) : null;
  if (search && search.terms.length > 0 && params.sort.id === "match") {
    // The search's own order (ADR 200): its page is read in the full-text index's order, the other filters applied on the way.
    const others = filterSql(params, operatorId, now, unansweredMinutes);
    const { ids, total } = await matchPage({
      search,
      filters: others.conditions,
      cursorJoin: others.needsCursor ? Prisma.sql`LEFT JOIN "ReadCursor" c ON c."sessionId" = s."id" AND c."operatorId" = ${operatorId}` : Prisma.empty,
      skip: params.skip,
      take: params.take,
      desc: params.sort.desc,
      cap: COUNT_CAP,
    });
    const capped = total > COUNT_CAP;
    return { rows: await pageRows(ids, operatorId, search), total: capped ? COUNT_CAP : total, capped };
  }
  const { where, needsCursor, others } = filterSql(params, operatorId, now, unansweredMinutes, plainColumn, search);
  const cursorJoin = needsCursor ? Prisma.sql`LEFT JOIN "ReadCursor" c ON c."sessionId" = s."id" AND c."operatorId" = ${operatorId}` : Prisma.empty;
  // A search alone that already matched more sessions than the cap needs no count statement.
  const countedBySearch = search !== null && others === 0 && search.atLeast > COUNT_CAP;
  // Unfiltered too: an exact COUNT(*) walks a whole index (130 ms at 1,000,000 sessions), so "All" says "1,000+"
  // as every other view does.
  const counted = countedBySearch
    ? [{ n: COUNT_CAP + 1 }]
    : await prisma.$queryRaw<{ n: number | bigint }[]>`
        SELECT COUNT(*) AS n FROM (SELECT 1 FROM "SessionIndex" s ${cursorJoin} ${where} LIMIT ${COUNT_CAP + 1}) capped`;
  const total = Number(counted[0]?.n ?? 0);
  const capped = total > COUNT_CAP;
  // No index leads with waitingSince: that order sorts its (few, capped) matches instead of walking. A search
  // listed by id is read by key, whatever the order.
  const walk = capped && !postgres && params.sort.id !== "lastActivity" && params.sort.id !== "waiting" && !search?.ids;
  const pageWhere = walk ? filterSql(params, operatorId, now, unansweredMinutes, walkSortIndex(params.sort.id), search).where : where;
  const order = Prisma.raw(orderBy(params.sort, postgres));
  const page = await prisma.$queryRaw<{ id: string }[]>`
    SELECT s."id" FROM "SessionIndex" s ${cursorJoin} ${pageWhere}
    ORDER BY ${order} LIMIT ${params.take} OFFSET ${params.skip}`;
  const ids = page.map((row) => row.id);
  return { rows: await pageRows(ids, operatorId, search), total: capped ? COUNT_CAP : total, capped };
}

/** The page's rows in the order of `ids`: details, labels and (with a text search) each row's newest hit. */
async function pageRows(ids: string[], operatorId: string, search: ResolvedSearch | null): Promise<InboxRow[]> {
  if (ids.length === 0) return [];
  const prisma = await db();
  const [raw, labels, hits] = await Promise.all([
    prisma.$queryRaw<RawRow[]>`
      SELECT s."id", s."userId", s."agentId", s."status", s."headSeq", s."opCount", s."userCount", ${UNREAD_SQL} AS unread, ${ACTIVITY_SQL} AS activity,
             s."lastActivityAt", s."lastSenderRole", s."lastPreview",
             s."state", s."snoozedUntil", s."waitingSince", s."handoffReason",
             s."assigneeId", a."name" AS "assigneeName", t."operatorId" AS "holderId", h."name" AS "holderName"
      FROM "SessionIndex" s
      LEFT JOIN "ReadCursor" c ON c."sessionId" = s."id" AND c."operatorId" = ${operatorId}
      LEFT JOIN "Takeover" t ON t."activeSessionId" = s."id"
      LEFT JOIN "Operator" a ON a."id" = s."assigneeId"
      LEFT JOIN "Operator" h ON h."id" = t."operatorId"
      WHERE s."id" IN (${Prisma.join(ids)})`,
    prisma.sessionLabel.findMany({ where: { sessionId: { in: ids } }, orderBy: { label: "asc" } }),
    search ? messageHits(search, ids) : Promise.resolve(new Map<string, MessageHit>()),
  ]);
  const labelsBySession = new Map<string, string[]>();
  for (const label of labels) (labelsBySession.get(label.sessionId) ?? labelsBySession.set(label.sessionId, []).get(label.sessionId)!).push(label.label);
  const byId = new Map(raw.map((row) => [row.id, row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    if (!row) return []; // deleted between the two statements
    return [
      {
        id: row.id,
        userId: visibleControls(fromStored(row.userId)),
        agentId: visibleControls(fromStored(row.agentId)),
        status: SessionStatusSchema.parse(row.status),
        headSeq: Number(row.headSeq),
        opCount: Number(row.opCount),
        userCount: Number(row.userCount),
        unread: Number(row.unread),
        activity: Number(row.activity) > 0 && Number(row.unread) === 0,
        lastActivityAt: iso(row.lastActivityAt),
        lastSenderRole: (row.lastSenderRole as SenderRole | null) ?? null,
        lastPreview: row.lastPreview,
        state: row.state as ConversationState,
        snoozedUntil: iso(row.snoozedUntil),
        waitingSince: iso(row.waitingSince),
        handoffReason: row.handoffReason,
        hit: hits.get(fromStored(row.id)) ?? null,
        assignee: row.assigneeId ? { id: row.assigneeId, name: row.assigneeName ?? "(deleted operator)" } : null,
        holder: row.holderId ? { id: row.holderId, name: row.holderName ?? "(deleted operator)" } : null,
        labels: labelsBySession.get(id) ?? [],
      },
    ];
  });
}

// How many sessions have any user message at all is the same for every operator and costs a scan of the table:
// it is kept until a session changes, and recomputed at most once a second however many tabs ask.
const withUser = { value: 0, at: 0, stale: true, pending: null as Promise<number> | null, subscribed: false };
const WITH_USER_MAX_AGE_MS = 1_000;

async function sessionsWithUserMessages(): Promise<number> {
  if (!withUser.subscribed) {
    withUser.subscribed = true;
    liveBus().subscribe(({ event }) => {
      if (event.type === "session.changed") withUser.stale = true;
    });
  }
  if (!withUser.stale && withUser.at > 0) return withUser.value;
  // Changed since the last count: wait for the once-a-second slot rather than answer with the stale value (the
  // badge must agree with "My unread" even when the change that made it stale was the last one for a while).
  const wait = withUser.at + WITH_USER_MAX_AGE_MS - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  if (!withUser.stale && withUser.at > 0) return withUser.value;
  // A count already running may have started before the latest change: wait for it, and count again if so.
  if (withUser.pending) await withUser.pending.catch(() => {});
  if (!withUser.stale && withUser.at > 0) return withUser.value;
  withUser.pending ??= (async () => {
    withUser.stale = false;
    const prisma = await db();
    const [row] = await prisma.$queryRaw<{ n: number | bigint | null }[]>`SELECT COUNT(*) AS n FROM "SessionIndex" WHERE "userCount" > 0`;
    withUser.value = Number(row?.n ?? 0);
    withUser.at = Date.now();
    return withUser.value;
  })().finally(() => (withUser.pending = null));
  return withUser.pending;
}

/** For tests that write the index directly (not through the gateway, which publishes session.changed). */
export function resetUnreadTotalCache() {
  withUser.at = 0;
  withUser.stale = true;
}

/**
 * How many sessions are unread for me — sessions, not messages, so it is the row count of "My unread" (ADR 100):
 * sessions with any user message, minus those my cursors have read to their last user message. Only my
 * cursors are joined (a handful) instead of computing a per-row unread over the whole index.
 */
export async function unreadTotal(operatorId: string): Promise<number> {
  const prisma = await db();
  const [all, read] = await Promise.all([
    sessionsWithUserMessages(),
    prisma.$queryRaw<{ n: number | bigint | null }[]>`
      SELECT COUNT(*) AS n FROM "ReadCursor" c JOIN "SessionIndex" s ON s."id" = c."sessionId"
      WHERE c."operatorId" = ${operatorId} AND s."userCount" > 0 AND c."userCountAtCursor" >= s."userCount"`,
  ]);
  return Math.max(0, all - Number(read[0]?.n ?? 0));
}

/** How many sessions wait on a human (the "Waiting on a human" view's rows, capped at COUNT_CAP): the nav's second number. */
export async function waitingTotal(operatorId: string, now = new Date()): Promise<{ total: number; capped: boolean }> {
  const prisma = await db();
  const { unansweredMinutes } = await inboxSettings();
  const params = parseInboxParams(new URLSearchParams("view=waiting"));
  const { where } = filterSql(params, operatorId, now, unansweredMinutes);
  const [row] = await prisma.$queryRaw<
    { n: number | bigint }[]
  >`SELECT COUNT(*) AS n FROM (SELECT 1 FROM "SessionIndex" s ${where} LIMIT ${COUNT_CAP + 1}) capped`;
  const n = Number(row?.n ?? 0);
  return { total: Math.min(n, COUNT_CAP), capped: n > COUNT_CAP };
}

/** Agents and labels in use, for the filter menus. Cached briefly: both are a scan of small indexes. */
let facetsCache: { at: number; value: { agents: string[]; labels: string[] } } | null = null;
export async function inboxFacets(): Promise<{ agents: string[]; labels: string[] }> {
  if (facetsCache && Date.now() - facetsCache.at < 30_000) return facetsCache.value;
  const prisma = await db();
  // SQL DISTINCT walks the indexes; Prisma's `distinct` would fetch every row and de-duplicate in memory.
  const [agents, labels] = await Promise.all([
    prisma.$queryRaw<{ agentId: string }[]>`SELECT DISTINCT "agentId" FROM "SessionIndex" ORDER BY "agentId" LIMIT 200`,
    prisma.$queryRaw<{ label: string }[]>`SELECT DISTINCT "label" FROM "SessionLabel" ORDER BY "label" LIMIT 200`,
  ]);
  facetsCache = { at: Date.now(), value: { agents: agents.map((a) => a.agentId), labels: labels.map((l) => l.label) } };
  return facetsCache.value;
}

export function resetFacetsCache() {
  facetsCache = null;
}
