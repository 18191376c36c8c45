// Review labels: the list admins manage, each with an optional one-key shortcut for the review queue.
import { type z } from "zod";
import { audit, type AuditActor } from "~/audit/audit.server";
import { db } from "~/db.server";
import { slot } from "~/lib/singleton.server";
import type { LabelSchema } from "./label-forms";

export { LabelSchema, RESERVED_KEYS } from "./label-forms";

export type ReviewLabel = { id: string; name: string; hotkey: string | null };

export const DEFAULT_LABELS: { name: string; hotkey: string }[] = [
  { name: "wrong answer", hotkey: "w" },
  { name: "hallucination", hotkey: "h" },
  { name: "policy", hotkey: "p" },
  { name: "tone", hotkey: "t" },
  { name: "tool misuse", hotkey: "u" },
  { name: "should have handed over", hotkey: "o" },
];

/** Include this where a review's labels are read (ReviewLabel rows, by name); `labelNames` turns them into names. */
export const REVIEW_LABELS = { labels: { select: { label: true }, orderBy: { label: "asc" } } } as const;
export const labelNames = (review: { labels: { label: string }[] }): string[] => review.labels.map((row) => row.label);

const seeded = slot<boolean>("labelsSeeded");

/** Seeds the defaults into an empty table, unless an admin ever changed the list (then empty means empty). */
async function ensureDefaults() {
  if (seeded.get()) return;
  const prisma = await db();
  const [count, touched] = await Promise.all([prisma.reviewLabelDef.count(), prisma.auditEvent.count({ where: { action: { startsWith: "review_label." } } })]);
  if (count === 0 && touched === 0) {
    for (const label of DEFAULT_LABELS) {
      await prisma.reviewLabelDef.upsert({ where: { name: label.name }, create: label, update: {} });
    }
  }
  seeded.set(true);
}

export async function listLabels(): Promise<ReviewLabel[]> {
  await ensureDefaults();
  const prisma = await db();
  return prisma.reviewLabelDef.findMany({ orderBy: { createdAt: "asc" }, select: { id: true, name: true, hotkey: true } });
}

export class LabelConflictError extends Error {
  constructor(
    readonly field: "name" | "hotkey",
    message: string,
  ) {
    super(message);
  }
}

async function assertFree(input: { name: string; hotkey: string | null }, exceptId?: string) {
  const prisma = await db();
  const byName = await prisma.reviewLabelDef.findUnique({ where: { name: input.name } });
  if (byName && byName.id !== exceptId) throw new LabelConflictError("name", "A label with that name exists.");
  if (input.hotkey) {
    const byKey = await prisma.reviewLabelDef.findFirst({ where: { hotkey: input.hotkey } });
    if (byKey && byKey.id !== exceptId) throw new LabelConflictError("hotkey", `"${byKey.name}" already uses that key.`);
  }
}

export async function createLabel(input: z.output<typeof LabelSchema>, actor: AuditActor, ip?: string) {
  await ensureDefaults();
  await assertFree(input);
  const prisma = await db();
  return prisma.$transaction(async (tx) => {
    const label = await tx.reviewLabelDef.create({ data: { name: input.name, hotkey: input.hotkey } });
    await audit(
      { actor, action: "review_label.create", targetType: "review_label", targetId: label.id, details: { name: label.name, hotkey: label.hotkey }, ip },
      tx,
    );
    return label;
  });
}

export async function updateLabel(id: string, input: z.output<typeof LabelSchema>, actor: AuditActor, ip?: string) {
  await assertFree(input, id);
  const prisma = await db();
  return prisma.$transaction(async (tx) => {
    const before = await tx.reviewLabelDef.findUnique({ where: { id } });
    if (!before) throw new Response("No such label.", { status: 404 });
    const label = await tx.reviewLabelDef.update({ where: { id }, data: { name: input.name, hotkey: input.hotkey } });
    await audit(
      {
        actor,
        action: "review_label.update",
        targetType: "review_label",
        targetId: id,
        details: { from: { name: before.name, hotkey: before.hotkey }, to: { name: label.name, hotkey: label.hotkey } },
        ip,
      },
      tx,
    );
    return label;
  });
}

/** Existing reviews keep the label name they were given (ReviewLabel rows hold the name, not this row's id). */
export async function deleteLabel(id: string, actor: AuditActor, ip?: string) {
  const prisma = await db();
  await prisma.$transaction(async (tx) => {
    const before = await tx.reviewLabelDef.findUnique({ where: { id } });
    if (!before) throw new Response("No such label.", { status: 404 });
    await tx.reviewLabelDef.delete({ where: { id } });
    await audit({ actor, action: "review_label.delete", targetType: "review_label", targetId: id, details: { name: before.name }, ip }, tx);
  });
}
