// Operator-driven conversation state changes (resolve, reopen, pending, waiting, snooze), snooze expiry, and
// round-robin assignment. Each change is audited in the same transaction and announced as session.changed.
import type { Actor as FullActor } from "~/auth/actor";
import type { CurrentOperator } from "~/auth/guards.server";
import { audit } from "~/audit/audit.server";
import { db } from "~/db.server";
import { transition, type Conversation, type StateEvent } from "~/inbox/conversation-state";
import { inboxSettings } from "~/inbox/inbox-settings.server";
import { changedEvent, findIndexed } from "~/inbox/session-index.server";
import { lockSessionRow } from "~/inbox/session-lock.server";
import type { ConversationState } from "~/inbox/views";
import { fromStored, toStored } from "~/lib/stored-text";
import { liveBus } from "~/live/bus.server";

type Actor = Pick<FullActor, "id" | "email"> | null;

async function publish(ids: string[]) {
  for (const id of ids) {
    const row = await findIndexed(id);
    if (row) liveBus().publish(changedEvent(row));
  }
}

/** Applies one event to each session under its row lock; returns the ids whose state changed. */
async function applyEvent(ids: string[], event: (now: Date) => StateEvent, actor: Actor, ip: string | null): Promise<string[]> {
  const prisma = await db();
  const changed: string[] = [];
  for (const id of ids) {
    const stored = toStored(id);
    const moved = await prisma.$transaction(async (tx) => {
      await lockSessionRow(tx, stored);
      const row = await tx.sessionIndex.findUnique({
        where: { id: stored },
        select: { state: true, waitingSince: true, handoffReason: true, snoozedUntil: true },
      });
      if (!row) return false;
      const before: Conversation = { ...row, state: row.state as ConversationState };
      const now = new Date();
      const after = transition(before, event(now));
      if (after.state === before.state && after.snoozedUntil?.getTime() === before.snoozedUntil?.getTime()) return false;
      await tx.sessionIndex.update({
        where: { id: stored },
        data: {
          state: after.state,
          snoozedUntil: after.snoozedUntil,
          waitingSince: after.waitingSince,
          handoffReason: after.handoffReason,
          stateChangedAt: now,
        },
      });
      await audit(
        {
          actor,
          action: "inbox.state",
          targetType: "session",
          targetId: id,
          details: { from: before.state, to: after.state, snoozedUntil: after.snoozedUntil?.toISOString() ?? null, by: actor ? "operator" : "timer" },
          ip: ip ?? undefined,
        },
        tx,
      );
      return true;
    });
    if (moved) changed.push(id);
  }
  await publish(changed);
  return changed;
}

export async function setConversationState(operator: CurrentOperator, ids: string[], to: Exclude<ConversationState, "snoozed">, ip: string): Promise<number> {
  return (await applyEvent(ids, () => ({ type: "set", to, by: operator.id }), { id: operator.id, email: operator.email }, ip)).length;
}

export async function snoozeSessions(operator: CurrentOperator, ids: string[], minutes: number, ip: string): Promise<number> {
  return (
    await applyEvent(
      ids,
      (now) => ({ type: "snooze", until: new Date(now.getTime() + minutes * 60_000), now, by: operator.id }),
      { id: operator.id, email: operator.email },
      ip,
    )
  ).length;
}

/**
 * Snoozes whose time has come go back to the AI (pending). Cheap when there are none (the (state, …) index);
 * the inbox loader runs it before reading, and a timer may too (the lead can call it from the gateway's tick).
 */
export async function expireSnoozes(now = new Date()): Promise<string[]> {
  const prisma = await db();
  const due = await prisma.sessionIndex.findMany({ where: { state: "snoozed", snoozedUntil: { lte: now } }, select: { id: true }, take: 500 });
  if (due.length === 0) return [];
  return applyEvent(
    due.map((r) => fromStored(r.id)),
    () => ({ type: "snooze-expired", now: new Date(Math.max(now.getTime(), Date.now())) }),
    null,
    null,
  );
}

/**
 * Round-robin: each session goes to the signed-in operator (a live sign-in, role admin or operator) with the
 * fewest open assignments, among those under the admin's cap. Returns who got what, or null when nobody can take more.
 */
export async function roundRobinAssignees(count: number, now = new Date()): Promise<string[] | null> {
  const prisma = await db();
  const { assignCap } = await inboxSettings();
  const candidates = await prisma.operator.findMany({
    where: { active: true, role: { in: ["admin", "operator"] }, sessions: { some: { expiresAt: { gt: now } } } },
    select: { id: true },
    orderBy: { id: "asc" },
  });
  if (candidates.length === 0) return null;
  const loads = await prisma.sessionIndex.groupBy({
    by: ["assigneeId"],
    where: { assigneeId: { in: candidates.map((c) => c.id) }, state: { not: "resolved" } },
    _count: { _all: true },
  });
  const load = new Map(candidates.map((c) => [c.id, 0]));
  for (const row of loads) if (row.assigneeId) load.set(row.assigneeId, row._count._all);
  const picks: string[] = [];
  for (let i = 0; i < count; i++) {
    const [best] = [...load].filter(([, n]) => n < assignCap).sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
    if (!best) return picks.length > 0 ? picks : null;
    picks.push(best[0]);
    load.set(best[0], best[1] + 1);
  }
  return picks;
}
