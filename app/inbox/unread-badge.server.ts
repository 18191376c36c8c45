// Whether an operator sees the nav's unread badge. Auditors read sessions but do not work the queue, so an
// unread count would be noise for them: off by default for auditors, on for everyone else, and each can choose.
import type { CurrentOperator } from "~/auth/guards.server";
import { db } from "~/db.server";

export function badgeDefault(role: string): boolean {
  return role !== "auditor";
}

export async function wantsUnreadBadge(operator: Pick<CurrentOperator, "id" | "role">): Promise<boolean> {
  const prisma = await db();
  const row = await prisma.operator.findUnique({ where: { id: operator.id }, select: { unreadBadge: true } });
  return row?.unreadBadge ?? badgeDefault(operator.role);
}

export async function setUnreadBadge(operatorId: string, on: boolean): Promise<void> {
  const prisma = await db();
  await prisma.operator.update({ where: { id: operatorId }, data: { unreadBadge: on } });
}
