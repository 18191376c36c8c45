// The inbox table's read side: URL → validated table params → one indexed query and a count, both in SQL
// because "my unread" is computed from my read cursor (a LEFT JOIN), which Prisma's query API cannot sort by.
// The SQL is portable (SQLite and PostgreSQL): quoted identifiers, CASE instead of MAX/GREATEST, NULLS LAST.
import { Prisma } from "~/generated/prisma/client";
import { z } from "zod";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { facetFilter, parseTableParams, textFilter, type TableParams } from "~/lib/table-params.server";
import type { SenderRole } from "~/live/events";

export const STATUSES = ["active", "inactive", "archived"] as const;
export const SORTABLE = ["lastActivity", "unread", "user", "agent", "status", "created"] as const;
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

const LabelSchema = z.string().trim().min(1).max(40).regex(/^[\w .:-]+$/, "may use letters, digits, space and . : _ -");

export const INBOX_TABLE = {
  sortable: SORTABLE,
  defaultSort: { id: "lastActivity" as InboxSort, desc: true },
  filters: {
    status: facetFilter(STATUSES),
    agent: textFilter(200),
    q: textFilter(200),
    unread: flag,
    needsHuman: flag,
    takenOver: choice(["yes", "no"] as const),
    assigned: choice(["me", "none"] as const),
    label: z.array(LabelSchema).max(10).transform((list) => [...new Set(list)]),
  },
};

export type InboxParams = TableParams<InboxSort, typeof INBOX_TABLE.filters>;

export function parseInboxParams(input: Request | URL | URLSearchParams): InboxParams {
  return parseTableParams(input, INBOX_TABLE);
}

export type InboxRow = {
  id: string;
  userId: string;
  agentId: string;
  status: string;
  headSeq: number;
  unread: number;
  lastActivityAt: string | null;
  lastSenderRole: SenderRole | null;
  lastPreview: string | null;
  assignee: { id: string; name: string } | null;
  holder: { id: string; name: string } | null;
  labels: string[];
};

// ORDER BY is the one part of the statement that cannot be a bound parameter: it comes from this map only.
const ORDER_BY: Record<InboxSort, (desc: boolean) => string> = {
  lastActivity: (desc) => (desc ? `s."lastActivityAt" DESC NULLS LAST, s."id" DESC` : `s."lastActivityAt" ASC NULLS FIRST, s."id" ASC`),
  unread: (desc) => `unread ${desc ? "DESC" : "ASC"}, s."lastActivityAt" DESC NULLS LAST, s."id" DESC`,
  user: (desc) => `s."userId" ${desc ? "DESC" : "ASC"}, s."id" ASC`,
  agent: (desc) => `s."agentId" ${desc ? "DESC" : "ASC"}, s."lastActivityAt" DESC NULLS LAST, s."id" DESC`,
  status: (desc) => `s."status" ${desc ? "DESC" : "ASC"}, s."lastActivityAt" DESC NULLS LAST, s."id" DESC`,
  created: (desc) => `s."createdAt" ${desc ? "DESC" : "ASC"}, s."id" ${desc ? "DESC" : "ASC"}`,
};

const UNREAD_SQL = Prisma.sql`CASE WHEN (s."headSeq" - s."opCount") - COALESCE(c."lastSeq" - c."opCountAtCursor", 0) > 0
  THEN (s."headSeq" - s."opCount") - COALESCE(c."lastSeq" - c."opCountAtCursor", 0) ELSE 0 END`;

/** Every row past this is counted as "more than"; an exact count of a filtered 100k table is a full scan. */
export const COUNT_CAP = 10_000;

function whereClause(params: InboxParams, operatorId: string, now: Date): Prisma.Sql {
  const f = params.filters;
  const parts: Prisma.Sql[] = [];
  if (f.status.length > 0) parts.push(Prisma.sql`s."status" IN (${Prisma.join(f.status)})`);
  if (f.agent) parts.push(Prisma.sql`s."agentId" = ${f.agent}`);
  if (f.q) {
    // A prefix range uses the userId index on both databases (LIKE would not on SQLite); a full id matches too.
    parts.push(Prisma.sql`((s."userId" >= ${f.q} AND s."userId" < ${`${f.q}\u{10FFFF}`}) OR s."id" = ${f.q})`);
  }
  if (f.unread) parts.push(Prisma.sql`${UNREAD_SQL} > 0`);
  if (f.needsHuman) {
    const before = new Date(now.getTime() - env().NEEDS_HUMAN_MINUTES * 60_000);
    parts.push(Prisma.sql`s."lastSenderRole" = 'user' AND s."lastActivityAt" < ${before}`);
  }
  if (f.takenOver === "yes") parts.push(Prisma.sql`t."id" IS NOT NULL`);
  if (f.takenOver === "no") parts.push(Prisma.sql`t."id" IS NULL`);
  if (f.assigned === "me") parts.push(Prisma.sql`s."assigneeId" = ${operatorId}`);
  if (f.assigned === "none") parts.push(Prisma.sql`s."assigneeId" IS NULL`);
  if (f.label.length > 0) {
    parts.push(Prisma.sql`EXISTS (SELECT 1 FROM "SessionLabel" l WHERE l."sessionId" = s."id" AND l."label" IN (${Prisma.join(f.label)}))`);
  }
  return parts.length > 0 ? Prisma.sql`WHERE ${Prisma.join(parts, " AND ")}` : Prisma.empty;
}

type RawRow = {
  id: string;
  userId: string;
  agentId: string;
  status: string;
  headSeq: number | bigint;
  unread: number | bigint;
  lastActivityAt: Date | string | null;
  lastSenderRole: string | null;
  lastPreview: string | null;
  assigneeId: string | null;
  assigneeName: string | null;
  holderId: string | null;
  holderName: string | null;
};

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

/** One page of my inbox plus the (capped) total. */
export async function queryInbox(params: InboxParams, operatorId: string, now = new Date()): Promise<{ rows: InboxRow[]; total: number; capped: boolean }> {
  const prisma = await db();
  const where = whereClause(params, operatorId, now);
  const joins = Prisma.sql`
    LEFT JOIN "ReadCursor" c ON c."sessionId" = s."id" AND c."operatorId" = ${operatorId}
    LEFT JOIN "Takeover" t ON t."activeSessionId" = s."id"`;
  const orderBy = Prisma.raw(ORDER_BY[params.sort.id](params.sort.desc));
  const [raw, counted] = await Promise.all([
    prisma.$queryRaw<RawRow[]>`
      SELECT s."id", s."userId", s."agentId", s."status", s."headSeq", ${UNREAD_SQL} AS unread,
             s."lastActivityAt", s."lastSenderRole", s."lastPreview",
             s."assigneeId", a."name" AS "assigneeName", t."operatorId" AS "holderId", h."name" AS "holderName"
      FROM "SessionIndex" s ${joins}
      LEFT JOIN "Operator" a ON a."id" = s."assigneeId"
      LEFT JOIN "Operator" h ON h."id" = t."operatorId"
      ${where}
      ORDER BY ${orderBy}
      LIMIT ${params.take} OFFSET ${params.skip}`,
    prisma.$queryRaw<{ n: number | bigint }[]>`
      SELECT COUNT(*) AS n FROM (SELECT 1 FROM "SessionIndex" s ${joins} ${where} LIMIT ${COUNT_CAP + 1}) AS capped`,
  ]);
  const ids = raw.map((row) => row.id);
  const labels = ids.length === 0 ? [] : await prisma.sessionLabel.findMany({ where: { sessionId: { in: ids } }, orderBy: { label: "asc" } });
  const labelsBySession = new Map<string, string[]>();
  for (const label of labels) (labelsBySession.get(label.sessionId) ?? labelsBySession.set(label.sessionId, []).get(label.sessionId)!).push(label.label);
  const total = Number(counted[0]?.n ?? 0);
  return {
    total: Math.min(total, COUNT_CAP),
    capped: total > COUNT_CAP,
    rows: raw.map((row) => ({
      id: row.id,
      userId: row.userId,
      agentId: row.agentId,
      status: row.status,
      headSeq: Number(row.headSeq),
      unread: Number(row.unread),
      lastActivityAt: iso(row.lastActivityAt),
      lastSenderRole: (row.lastSenderRole as SenderRole | null) ?? null,
      lastPreview: row.lastPreview,
      assignee: row.assigneeId ? { id: row.assigneeId, name: row.assigneeName ?? "(deleted operator)" } : null,
      holder: row.holderId ? { id: row.holderId, name: row.holderName ?? "(deleted operator)" } : null,
      labels: labelsBySession.get(row.id) ?? [],
    })),
  };
}

/**
 * My total unread across every session: Σ readable − Σ over my cursors of what they have seen, so only my
 * cursors are joined (a handful) instead of computing a per-row unread over the whole index.
 */
export async function unreadTotal(operatorId: string): Promise<number> {
  const prisma = await db();
  const [all, seen] = await Promise.all([
    prisma.$queryRaw<{ n: number | bigint | null }[]>`SELECT SUM("headSeq" - "opCount") AS n FROM "SessionIndex"`,
    prisma.$queryRaw<{ n: number | bigint | null }[]>`
      SELECT SUM(CASE WHEN c."lastSeq" - c."opCountAtCursor" < s."headSeq" - s."opCount" THEN c."lastSeq" - c."opCountAtCursor"
                      ELSE s."headSeq" - s."opCount" END) AS n
      FROM "ReadCursor" c JOIN "SessionIndex" s ON s."id" = c."sessionId"
      WHERE c."operatorId" = ${operatorId} AND c."lastSeq" - c."opCountAtCursor" > 0`,
  ]);
  return Math.max(0, Number(all[0]?.n ?? 0) - Number(seen[0]?.n ?? 0));
}

/** Agents and labels in use, for the filter menus. Cached briefly: both are a scan of small indexes. */
let facetsCache: { at: number; value: { agents: string[]; labels: string[] } } | null = null;
export async function inboxFacets(): Promise<{ agents: string[]; labels: string[] }> {
  if (facetsCache && Date.now() - facetsCache.at < 30_000) return facetsCache.value;
  const prisma = await db();
  const [agents, labels] = await Promise.all([
    prisma.sessionIndex.findMany({ select: { agentId: true }, distinct: ["agentId"], orderBy: { agentId: "asc" }, take: 200 }),
    prisma.sessionLabel.findMany({ select: { label: true }, distinct: ["label"], orderBy: { label: "asc" }, take: 200 }),
  ]);
  facetsCache = { at: Date.now(), value: { agents: agents.map((a) => a.agentId), labels: labels.map((l) => l.label) } };
  return facetsCache.value;
}

export function resetFacetsCache() {
  facetsCache = null;
}
