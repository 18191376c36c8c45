// Takeovers: an operator claims a FleetLM session so that only they reply as the agent, until they hand it
// back, an admin force-releases it, they sign out, or it idles out. The database is the arbiter: the
// `activeSessionId @unique` column holds the session id while a claim is active and null afterwards, so two
// concurrent claims cannot both succeed (the loser gets a unique violation, P2002) on SQLite and PostgreSQL.
import { audit, type AuditActor } from "~/audit/audit.server";
import { can } from "~/auth/permissions";
import { db, isPostgresUrl } from "~/db.server";
import { env } from "~/env.server";
import type { Prisma } from "~/generated/prisma/client";
import { liveBus } from "~/live/bus.server";
import { REASON_MAX } from "./schemas";
import { sessionAgent } from "./session-agent.server";
import { slot } from "~/lib/singleton.server";
import { isUniqueViolation } from "~/lib/db-errors.server";
import type { Actor } from "~/auth/actor";

export type TakeoverView = { id: string; holder: { id: string; name: string }; startedAt: string; expiresAt: string; reason: string | null };

export type { Actor };
export type ReleaseReason = "handback" | "forced" | "expired" | "signout" | "deactivated" | "role_change";

/** A refusal the routes turn into an HTTP status with a human reason. */
export type Refusal = { ok: false; status: 403 | 404 | 409 | 502 | 503; reason: string; holder?: { id: string; name: string } | null };

export function idleMs() {
  return env().TAKEOVER_IDLE_MINUTES * 60_000;
}

type ActiveRow = { id: string; sessionId: string; reason: string | null; startedAt: Date; lastActivityAt: Date; operator: { id: string; name: string } };

function toView(row: ActiveRow): TakeoverView {
  return {
    id: row.id,
    holder: { id: row.operator.id, name: row.operator.name },
    startedAt: row.startedAt.toISOString(),
    expiresAt: new Date(row.lastActivityAt.getTime() + idleMs()).toISOString(),
    reason: row.reason,
  };
}

export function publish(sessionId: string, view: TakeoverView | null) {
  liveBus().publish({ type: "takeover", sessionId, holder: view?.holder ?? null, takeoverId: view?.id ?? null, expiresAt: view?.expiresAt ?? null });
}

const activeSelect = {
  id: true,
  sessionId: true,
  reason: true,
  startedAt: true,
  lastActivityAt: true,
  operator: { select: { id: true, name: true } },
} as const;

async function findActive(sessionId: string): Promise<ActiveRow | null> {
  const prisma = await db();
  return prisma.takeover.findUnique({ where: { activeSessionId: sessionId }, select: activeSelect });
}

/**
 * Ends claims idle for longer than TAKEOVER_IDLE_MINUTES (all of them, or one session's). The update repeats
 * the idle condition, so a send or heartbeat that lands in between keeps the claim alive.
 */
export async function expireIdleTakeovers(sessionId?: string): Promise<number> {
  const prisma = await db();
  const cutoff = new Date(Date.now() - idleMs());
  const stale = await prisma.takeover.findMany({
    where: sessionId ? { activeSessionId: sessionId, lastActivityAt: { lt: cutoff } } : { activeSessionId: { not: null }, lastActivityAt: { lt: cutoff } },
    select: { id: true, sessionId: true, operatorId: true, lastActivityAt: true },
  });
  let expired = 0;
  for (const row of stale) {
    const done = await prisma.$transaction(async (tx) => {
      const { count } = await tx.takeover.updateMany({
        where: { id: row.id, activeSessionId: { not: null }, lastActivityAt: { lt: cutoff } },
        data: { activeSessionId: null, releasedAt: new Date(), releaseReason: "expired" },
      });
      if (count === 1) {
        await audit(
          {
            actor: null,
            action: "takeover.expire",
            targetType: "session",
            targetId: row.sessionId,
            details: { takeoverId: row.id, operatorId: row.operatorId, lastActivityAt: row.lastActivityAt.toISOString() },
          },
          tx,
        );
      }
      return count === 1;
    });
    if (done) {
      expired += 1;
      publish(row.sessionId, null);
    }
  }
  return expired;
}

/** The session's active takeover, after ending it if it idled out. */
export async function activeTakeover(sessionId: string): Promise<TakeoverView | null> {
  await expireIdleTakeovers(sessionId);
  const row = await findActive(sessionId);
  return row ? toView(row) : null;
}

class NoLongerATaker extends Error {}

/**
 * Whether the operator may still hold a takeover, read from the database inside the claim's transaction (the
 * role the guard saw may be up to a second old, ADR 035). On PostgreSQL the operator row is locked, so a claim
 * and a role change or deactivation of the same operator run one after the other: either the change comes
 * first and the claim is refused, or the claim comes first and the change releases it (releaseHeldInTx).
 * On SQLite the claim's insert already holds the single write lock, which gives the same order.
 */
async function stillMayTakeOver(tx: Prisma.TransactionClient, operatorId: string): Promise<boolean> {
  if (isPostgresUrl(env().DATABASE_URL)) await tx.$queryRaw`SELECT "id" FROM "Operator" WHERE "id" = ${operatorId} FOR UPDATE`;
  const me = await tx.operator.findUnique({ where: { id: operatorId }, select: { role: true, active: true } });
  return !!me && me.active && can(me, "takeover:claim");
}

export type ClaimResult = { ok: true; takeover: TakeoverView; already: boolean } | Refusal;

/** Claims the session for `actor`. Exactly one of several concurrent claims wins; the others learn who holds it. */
export async function claimTakeover(input: { sessionId: string; actor: Actor; reason?: string | null; ip?: string }): Promise<ClaimResult> {
  const { sessionId, actor } = input;
  if (!can(actor, "takeover:claim")) return { ok: false, status: 403, reason: "Auditors cannot take sessions over." };
  const reason = input.reason?.trim() ? input.reason.trim().slice(0, REASON_MAX) : null;
  const session = await sessionAgent(sessionId);
  if (!session.ok) return session;
  await expireIdleTakeovers(sessionId);
  const prisma = await db();
  // A claim can lose to a holder who releases before we read them; a few attempts settle that.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const row = await prisma.$transaction(async (tx) => {
        const created = await tx.takeover.create({ data: { sessionId, activeSessionId: sessionId, operatorId: actor.id, reason }, select: activeSelect });
        if (!(await stillMayTakeOver(tx, actor.id))) throw new NoLongerATaker();
        await audit(
          { actor, action: "takeover.claim", targetType: "session", targetId: sessionId, details: { takeoverId: created.id, reason }, ip: input.ip },
          tx,
        );
        return created;
      });
      const view = toView(row);
      publish(sessionId, view);
      return { ok: true, takeover: view, already: false };
    } catch (error) {
      if (error instanceof NoLongerATaker) return { ok: false, status: 403, reason: "Your role no longer lets you take sessions over." };
      if (!isUniqueViolation(error)) throw error;
    }
    const holder = await findActive(sessionId);
    if (!holder) continue;
    if (holder.operator.id === actor.id) return { ok: true, takeover: toView(holder), already: true };
    return { ok: false, status: 409, reason: `Taken over by ${holder.operator.name}.`, holder: holder.operator };
  }
  return { ok: false, status: 409, reason: "The session changed hands while claiming it; try again.", holder: null };
}

export type ReleaseResult = { ok: true; takeoverId: string } | Refusal;

/** Hands back my own claim. */
export async function releaseTakeover(input: { sessionId: string; actor: Actor; ip?: string }): Promise<ReleaseResult> {
  const { sessionId, actor } = input;
  if (!can(actor, "takeover:claim")) return { ok: false, status: 403, reason: "Auditors cannot take sessions over." };
  const prisma = await db();
  const released = await prisma.$transaction(async (tx) => {
    const row = await tx.takeover.findUnique({ where: { activeSessionId: sessionId }, select: { id: true, operatorId: true } });
    if (!row || row.operatorId !== actor.id) return null;
    const { count } = await tx.takeover.updateMany({
      where: { id: row.id, activeSessionId: sessionId, operatorId: actor.id },
      data: { activeSessionId: null, releasedAt: new Date(), releaseReason: "handback", releasedById: actor.id },
    });
    if (count !== 1) return null;
    await audit(
      { actor, action: "takeover.release", targetType: "session", targetId: sessionId, details: { takeoverId: row.id, reason: "handback" }, ip: input.ip },
      tx,
    );
    return row.id;
  });
  if (!released) return refuseNotHolder(sessionId);
  publish(sessionId, null);
  return { ok: true, takeoverId: released };
}

/** An admin ends whoever's claim is active. */
export async function forceReleaseTakeover(input: { sessionId: string; actor: Actor; ip?: string }): Promise<ReleaseResult> {
  const { sessionId, actor } = input;
  if (!can(actor, "takeover:force-release")) return { ok: false, status: 403, reason: "Only admins can force a release." };
  const prisma = await db();
  const released = await prisma.$transaction(async (tx) => {
    const row = await tx.takeover.findUnique({ where: { activeSessionId: sessionId }, select: { id: true, operatorId: true } });
    if (!row) return null;
    const { count } = await tx.takeover.updateMany({
      where: { id: row.id, activeSessionId: sessionId },
      data: { activeSessionId: null, releasedAt: new Date(), releaseReason: "forced", releasedById: actor.id },
    });
    if (count !== 1) return null;
    await audit(
      {
        actor,
        action: "takeover.force_release",
        targetType: "session",
        targetId: sessionId,
        details: { takeoverId: row.id, holderId: row.operatorId },
        ip: input.ip,
      },
      tx,
    );
    return row.id;
  });
  if (!released) return { ok: false, status: 409, reason: "Nobody holds this session." };
  publish(sessionId, null);
  return { ok: true, takeoverId: released };
}

/** Holder activity without a send (typing in the composer): pushes the expiry back. */
export async function heartbeatTakeover(input: { sessionId: string; actor: Actor }): Promise<{ ok: true; takeover: TakeoverView } | Refusal> {
  const { sessionId, actor } = input;
  if (!can(actor, "takeover:claim")) return { ok: false, status: 403, reason: "Auditors cannot take sessions over." };
  await expireIdleTakeovers(sessionId);
  const prisma = await db();
  const { count } = await prisma.takeover.updateMany({ where: { activeSessionId: sessionId, operatorId: actor.id }, data: { lastActivityAt: new Date() } });
  if (count !== 1) return refuseNotHolder(sessionId);
  const row = await findActive(sessionId);
  if (!row) return refuseNotHolder(sessionId);
  const view = toView(row);
  publish(sessionId, view);
  return { ok: true, takeover: view };
}

/** The 409 a non-holder gets, saying who holds the session if anyone does. */
export async function refuseNotHolder(sessionId: string): Promise<Refusal> {
  const holder = await findActive(sessionId);
  if (!holder) return { ok: false, status: 409, reason: "You do not hold this session (nobody does: take it over first).", holder: null };
  return { ok: false, status: 409, reason: `You do not hold this session: ${holder.operator.name} does.`, holder: holder.operator };
}

/**
 * Inside an account change's transaction (role change, deactivation): ends every claim the operator holds,
 * audited as done by `by` (the admin), and returns the sessions to announce once the transaction commits.
 */
export async function releaseHeldInTx(
  tx: Prisma.TransactionClient,
  operatorId: string,
  reason: "role_change" | "deactivated",
  by: { id: string; email: string },
  details: Record<string, unknown> = {},
): Promise<string[]> {
  const held = await tx.takeover.findMany({ where: { operatorId, activeSessionId: { not: null } }, select: { id: true, sessionId: true } });
  const released: string[] = [];
  for (const row of held) {
    const { count } = await tx.takeover.updateMany({
      where: { id: row.id, activeSessionId: { not: null } },
      data: { activeSessionId: null, releasedAt: new Date(), releaseReason: reason, releasedById: by.id },
    });
    if (count !== 1) continue;
    await audit(
      {
        actor: by,
        action: "takeover.release",
        targetType: "session",
        targetId: row.sessionId,
        details: { takeoverId: row.id, reason, holderId: operatorId, ...details },
      },
      tx,
    );
    released.push(row.sessionId);
  }
  return released;
}

/** Tells the watching browsers that these sessions are free (after releaseHeldInTx's transaction commits). */
export function publishReleased(sessionIds: string[]) {
  for (const sessionId of sessionIds) publish(sessionId, null);
}

/** Releases everything the operator holds (sign-out, deactivation). */
export async function releaseAllHeldBy(operatorId: string, reason: "signout" | "deactivated"): Promise<number> {
  const prisma = await db();
  const held = await prisma.takeover.findMany({ where: { operatorId, activeSessionId: { not: null } }, select: { id: true, sessionId: true } });
  const operator = await prisma.operator.findUnique({ where: { id: operatorId }, select: { id: true, email: true } });
  const actor: AuditActor = operator ? { id: operator.id, email: operator.email } : null;
  let released = 0;
  for (const row of held) {
    const done = await prisma.$transaction(async (tx) => {
      const { count } = await tx.takeover.updateMany({
        where: { id: row.id, activeSessionId: { not: null } },
        data: { activeSessionId: null, releasedAt: new Date(), releaseReason: reason, releasedById: operatorId },
      });
      if (count === 1)
        await audit({ actor, action: "takeover.release", targetType: "session", targetId: row.sessionId, details: { takeoverId: row.id, reason } }, tx);
      return count === 1;
    });
    if (done) {
      released += 1;
      publish(row.sessionId, null);
    }
  }
  return released;
}

export type TimelineEntry = {
  id: string;
  operator: { id: string; name: string };
  reason: string | null;
  startedAt: string;
  releasedAt: string | null;
  releaseReason: ReleaseReason | null;
  releasedBy: { id: string; name: string } | null;
  active: boolean;
};

/** The session's takeovers, newest first (who, when, why, and how each ended). */
export async function takeoverTimeline(sessionId: string, limit = 50): Promise<TimelineEntry[]> {
  const prisma = await db();
  const rows = await prisma.takeover.findMany({
    where: { sessionId },
    orderBy: { startedAt: "desc" },
    take: limit,
    select: {
      id: true,
      reason: true,
      startedAt: true,
      releasedAt: true,
      releaseReason: true,
      releasedById: true,
      activeSessionId: true,
      operator: { select: { id: true, name: true } },
    },
  });
  const releaserIds = [...new Set(rows.map((r) => r.releasedById).filter((id): id is string => !!id))];
  const releasers = releaserIds.length ? await prisma.operator.findMany({ where: { id: { in: releaserIds } }, select: { id: true, name: true } }) : [];
  const names = new Map(releasers.map((r) => [r.id, r]));
  return rows.map((row) => ({
    id: row.id,
    operator: row.operator,
    reason: row.reason,
    startedAt: row.startedAt.toISOString(),
    releasedAt: row.releasedAt?.toISOString() ?? null,
    releaseReason: (row.releaseReason as ReleaseReason | null) ?? null,
    releasedBy: row.releasedById ? (names.get(row.releasedById) ?? null) : null,
    active: row.activeSessionId !== null,
  }));
}

const SWEEP_MS = 30_000;
const sweepTimer = slot<NodeJS.Timeout>("takeoverSweep");

/** Expires idle claims in the background too, so the inbox shows them released even when nobody opens the session. */
export function startTakeoverSweep(everyMs = Math.min(SWEEP_MS, idleMs() / 4)) {
  if (sweepTimer.get()) return;
  const timer = setInterval(
    () => {
      expireIdleTakeovers().catch((error: unknown) => console.warn(`[takeover] sweep failed: ${error instanceof Error ? error.message : String(error)}`));
    },
    Math.max(1_000, everyMs),
  );
  timer.unref?.();
  sweepTimer.set(timer);
}
