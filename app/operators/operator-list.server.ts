// The admin operators table: one filtered, sorted, paged query plus a count, state parsed from the URL.
import { db } from "~/db.server";
import type { Prisma } from "~/generated/prisma/client";
import { ROLES } from "~/auth/lucia.server";
import { facetFilter, parseTableParams, tableState, textFilter } from "~/lib/table-params.server";
import { RoleSchema } from "~/lib/vocabulary";

export const OperatorTableSpec = {
  sortable: ["email", "name", "role", "active", "createdAt"] as const,
  defaultSort: { id: "createdAt" as const, desc: false },
  filters: {
    q: textFilter(100),
    role: facetFilter(ROLES),
    status: facetFilter(["active", "deactivated"] as const),
  },
};

export async function listOperators(request: Request) {
  const params = parseTableParams(request, OperatorTableSpec);
  const { q, role, status } = params.filters;
  const where: Prisma.OperatorWhereInput = {
    ...(q ? { OR: [{ email: { contains: q.toLowerCase() } }, { name: { contains: q } }] } : {}),
    ...(role.length ? { role: { in: role } } : {}),
    ...(status.length === 1 ? { active: status[0] === "active" } : {}),
  };
  const now = new Date();
  const prisma = await db();
  const [rows, total] = await Promise.all([
    prisma.operator.findMany({
      where,
      orderBy: [{ [params.sort.id]: params.sort.desc ? "desc" : "asc" }, { id: "asc" }],
      skip: params.skip,
      take: params.take,
      select: {
        id: true,
        email: true,
        name: true,
        role: true,
        active: true,
        createdAt: true,
        // What deactivating ends: live sign-ins, and the sessions they hold (handed back at once).
        _count: { select: { sessions: { where: { expiresAt: { gt: now } } }, takeovers: { where: { activeSessionId: { not: null } } } } },
      },
    }),
    prisma.operator.count({ where }),
  ]);
  return {
    operators: rows.map(({ _count, ...row }) => ({ ...row, role: RoleSchema.parse(row.role), sessions: _count.sessions, held: _count.takeovers })),
    table: tableState(params, total),
  };
}
