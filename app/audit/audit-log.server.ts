// Reading the audit log: the admin page's filters (action, actor, target, date range) as one allow-listed
// spec, and the Prisma `where` they become. The CSV export reuses both so it exports what the page shows.
import { z } from "zod";
import { db } from "~/db.server";
import type { Prisma } from "~/generated/prisma/client";
import { dayFilter, parseTableParams, tableState, textFilter, type TableParams } from "~/lib/table-params.server";

// The query keys and their meaning match the CSV export (/admin/audit/export), so "Export CSV" with the page's
// query exports exactly the rows the page shows (all pages of them).
const ActionPrefix = z
  .array(
    z
      .string()
      .trim()
      .regex(/^[a-z0-9_.-]{0,100}$/i, "must be an action name or its beginning, such as operator."),
  )
  .max(1, "give it once")
  .transform((list) => (list[0] ? list[0] : undefined));

export const AuditTableSpec = {
  sortable: ["at", "action", "actorEmail"] as const,
  defaultSort: { id: "at" as const, desc: true },
  filters: {
    action: ActionPrefix,
    actor: textFilter(254),
    targetType: textFilter(100),
    targetId: textFilter(200),
    from: dayFilter(),
    to: dayFilter({ end: true }),
  },
};

export type AuditFilters = TableParams<(typeof AuditTableSpec.sortable)[number], typeof AuditTableSpec.filters>["filters"];

/** `action` is a prefix ("takeover." matches every takeover action); `actor` an e-mail fragment or an operator id. */
export function auditWhere(filters: AuditFilters): Prisma.AuditEventWhereInput {
  const and: Prisma.AuditEventWhereInput[] = [];
  if (filters.action) and.push({ action: { startsWith: filters.action } });
  if (filters.actor) and.push({ OR: [{ actorEmail: { contains: filters.actor.toLowerCase() } }, { actorId: filters.actor }] });
  if (filters.targetType) and.push({ targetType: filters.targetType });
  if (filters.targetId) and.push({ targetId: filters.targetId });
  if (filters.from || filters.to) and.push({ at: { ...(filters.from ? { gte: filters.from } : {}), ...(filters.to ? { lt: filters.to } : {}) } });
  return and.length ? { AND: and } : {};
}

export function parseAuditParams(request: Request) {
  return parseTableParams(request, AuditTableSpec);
}

export async function listAuditEvents(request: Request) {
  const params = parseAuditParams(request);
  const where = auditWhere(params.filters);
  const prisma = await db();
  const [rows, total, actions] = await Promise.all([
    prisma.auditEvent.findMany({
      where,
      orderBy: [{ [params.sort.id]: params.sort.desc ? "desc" : "asc" }, { id: params.sort.desc ? "desc" : "asc" }],
      skip: params.skip,
      take: params.take,
    }),
    prisma.auditEvent.count({ where }),
    prisma.auditEvent.groupBy({ by: ["action"], _count: { _all: true }, orderBy: { action: "asc" } }),
  ]);
  return {
    events: rows.map((row) => ({ ...row, details: readDetails(row.details) })),
    actions: actions.map((a) => ({ value: a.action, label: a.action, count: a._count._all })),
    table: tableState(params, total),
  };
}

/** The stored details as pretty JSON text for display (never HTML); unparsable text is shown as it is. */
export function readDetails(text: string): string {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === "object" && Object.keys(value).length === 0) return "";
    return JSON.stringify(value, null, 2);
  } catch {
    return text;
  }
}
