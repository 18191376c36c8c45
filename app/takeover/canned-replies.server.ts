// Canned replies: a small admin-kept list of texts an operator can drop into the composer with "/".
import type { z } from "zod";
import { audit } from "~/audit/audit.server";
import { db } from "~/db.server";
import type { Actor } from "./takeover.server";
import type { CannedReplySchema } from "./canned-reply-forms";
import { isUniqueViolation } from "~/lib/db-errors.server";

export const CANNED_LIMIT = 200;

export type CannedReplyInput = z.infer<typeof CannedReplySchema>;
export type CannedReplyView = { id: string; title: string; body: string };

export class TitleTakenError extends Error {}

export async function listCannedReplies(): Promise<CannedReplyView[]> {
  const prisma = await db();
  return prisma.cannedReply.findMany({ orderBy: { title: "asc" }, take: CANNED_LIMIT, select: { id: true, title: true, body: true } });
}

export async function createCannedReply(input: CannedReplyInput, actor: Actor, ip?: string) {
  const prisma = await db();
  try {
    return await prisma.$transaction(async (tx) => {
      const row = await tx.cannedReply.create({ data: input });
      await audit({ actor, action: "canned_reply.create", targetType: "canned_reply", targetId: row.id, details: { title: row.title }, ip }, tx);
      return row;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new TitleTakenError();
    throw error;
  }
}

/** null when the reply does not exist. */
export async function updateCannedReply(id: string, input: CannedReplyInput, actor: Actor, ip?: string) {
  const prisma = await db();
  try {
    return await prisma.$transaction(async (tx) => {
      const { count } = await tx.cannedReply.updateMany({ where: { id }, data: input });
      if (count === 0) return null;
      await audit({ actor, action: "canned_reply.update", targetType: "canned_reply", targetId: id, details: { title: input.title }, ip }, tx);
      return id;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new TitleTakenError();
    throw error;
  }
}

export async function deleteCannedReply(id: string, actor: Actor, ip?: string): Promise<boolean> {
  const prisma = await db();
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.cannedReply.deleteMany({ where: { id } });
    if (count === 0) return false;
    await audit({ actor, action: "canned_reply.delete", targetType: "canned_reply", targetId: id, ip }, tx);
    return true;
  });
}
