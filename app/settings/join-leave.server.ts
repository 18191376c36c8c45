// The optional "Dana from support joined" / "Dana left" message (issue 17, ADR 160): when an operator takes a
// session over or hands it back, the Console can append a message of a kind the admin picks, as the session's
// agent, so the user's app can show that a person joined. Off by default; stored in ConsoleSetting; audited.
import { z } from "zod";
import { audit } from "~/audit/audit.server";
import type { Actor } from "~/auth/actor";
import { db } from "~/db.server";
import { slot } from "~/lib/singleton.server";
import { DEFAULT_JOIN_LEAVE, type JoinLeave } from "./join-leave";
import { JoinLeaveKind, JoinLeaveTemplate } from "./forms";

export const JOIN_LEAVE_KEY = "join_leave";
/** What the Console's own notices carry in metadata, so the Console (and the user's app) can tell them apart. */
export const CONSOLE_NOTICE_SOURCE = "console";

export const JoinLeaveSchema = z.object({
  enabled: z.boolean(),
  kind: JoinLeaveKind,
  join: JoinLeaveTemplate,
  leave: JoinLeaveTemplate,
});
export type { JoinLeave };

export { DEFAULT_JOIN_LEAVE };

const CACHE_MS = 1_000;
const cache = slot<{ value: JoinLeave; at: number }>("joinLeave");

export async function joinLeaveSetting(): Promise<JoinLeave> {
  const cached = cache.get();
  if (cached && Date.now() - cached.at < CACHE_MS) return cached.value;
  const prisma = await db();
  const row = await prisma.consoleSetting.findUnique({ where: { key: JOIN_LEAVE_KEY } });
  let value = DEFAULT_JOIN_LEAVE;
  if (row) {
    try {
      const parsed = JoinLeaveSchema.safeParse(JSON.parse(row.value));
      if (parsed.success) value = parsed.data;
    } catch {
      // not JSON (edited by hand): the default, which sends nothing
    }
  }
  cache.set({ value, at: Date.now() });
  return value;
}

export async function setJoinLeave(value: JoinLeave, actor: Pick<Actor, "id" | "email">, ip?: string) {
  const prisma = await db();
  await prisma.$transaction(async (tx) => {
    const stored = JSON.stringify(value);
    await tx.consoleSetting.upsert({
      where: { key: JOIN_LEAVE_KEY },
      create: { key: JOIN_LEAVE_KEY, value: stored, updatedById: actor.id },
      update: { value: stored, updatedById: actor.id },
    });
    await audit({ actor, action: "settings.join_leave", targetType: "setting", targetId: JOIN_LEAVE_KEY, details: value, ip }, tx);
  });
  cache.set({ value, at: Date.now() });
}

/** The text of the notice: `{name}` is the operator's display name, or "A person" when names are not shown (ADR 120). */
export function noticeText(template: string, name: string | null): string {
  return template.replaceAll("{name}", name ?? "A person");
}

/** Whether a message is one of these notices (sent as the agent by the Console, not a reply to anyone). */
export function isConsoleNotice(message: { metadata?: Record<string, unknown> | null }): boolean {
  return message.metadata?.source === CONSOLE_NOTICE_SOURCE;
}
