// The inbox page's small reads besides the query itself, so the route does not touch the database.
import { rolesWith } from "~/auth/permissions";
import { db } from "~/db.server";

/** Active operators who can be assigned a session (the ones allowed to triage), by name. */
export async function assignableOperators(): Promise<{ id: string; name: string }[]> {
  const prisma = await db();
  return prisma.operator.findMany({
    where: { active: true, role: { in: rolesWith("inbox:triage") } },
    select: { id: true, name: true },
    orderBy: { name: "asc" },
  });
}

/** True until the gateway has indexed a first session (the page then says so instead of "no results"). */
export async function isIndexEmpty(): Promise<boolean> {
  const prisma = await db();
  return (await prisma.sessionIndex.findFirst({ select: { id: true } })) === null;
}
