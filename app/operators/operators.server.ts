// Operator accounts: creation, role changes, deactivation, password changes. Every change is audited.
import type { z } from "zod";
import { audit, type AuditActor } from "~/audit/audit.server";
import { db, isPostgresUrl } from "~/db.server";
import { env } from "~/env.server";
import type { Prisma } from "~/generated/prisma/client";
import type { Role } from "~/lib/vocabulary";
import { can } from "~/auth/permissions";
import { hashPassword } from "~/auth/password.server";
import { type NewOperatorSchema } from "./forms";
import { onSignOut } from "./sign-out.server";
import { publishReleased, releaseHeldInTx } from "~/takeover/takeover.server";
import { isUniqueViolation } from "~/lib/db-errors.server";
import type { Actor as FullActor } from "~/auth/actor";

export type NewOperator = z.infer<typeof NewOperatorSchema>;

export class EmailTakenError extends Error {
  constructor(email: string) {
    super(`An operator with the e-mail ${email} already exists.`);
  }
}

/** A change refused by the account rules; `status` is what the route answers (403, 404 or 409). */
export class OperatorChangeError extends Error {
  constructor(
    readonly status: 403 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

export async function createOperator(input: NewOperator, actor: AuditActor, ip?: string) {
  const prisma = await db();
  const passwordHash = await hashPassword(input.password);
  try {
    return await prisma.$transaction(async (tx) => {
      const operator = await tx.operator.create({ data: { email: input.email, name: input.name, role: input.role, passwordHash } });
      await audit(
        { actor, action: "operator.create", targetType: "operator", targetId: operator.id, details: { email: input.email, role: input.role }, ip },
        tx,
      );
      return operator;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new EmailTakenError(input.email);
    throw error;
  }
}

/**
 * Ends every session of the operator (but `exceptSessionHash`, the caller's own when changing their password)
 * and, when none is left, whatever they were holding. Returns how many sessions ended.
 */
export async function endOperatorSessions(operatorId: string, reason: "signout" | "deactivated", exceptSessionHash?: string): Promise<number> {
  const prisma = await db();
  const { count } = await prisma.authSession.deleteMany({ where: { operatorId, ...(exceptSessionHash ? { NOT: { id: exceptSessionHash } } : {}) } });
  if (!exceptSessionHash) await onSignOut(operatorId, reason);
  return count;
}

export async function setPassword(operatorId: string, password: string) {
  const prisma = await db();
  await prisma.operator.update({ where: { id: operatorId }, data: { passwordHash: await hashPassword(password) } });
}

// ---- changes to who is an admin -------------------------------------------------------------------------
// Role changes and (de)activation run one at a time: in this process through a promise chain, and across
// processes on PostgreSQL by locking the admin rows. Inside, the actor is checked again, so two admins
// demoting each other at once end with one admin, never none (docs/decisions/010-last-admin.md).

let adminChanges: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  const run = adminChanges.then(work, work);
  adminChanges = run.catch(() => undefined);
  return run;
}

async function lockAdmins(tx: Prisma.TransactionClient) {
  if (isPostgresUrl(env().DATABASE_URL)) {
    await tx.$queryRaw`SELECT "id" FROM "Operator" WHERE "role" = 'admin' AND "active" = true FOR UPDATE`;
  }
}

type Actor = Pick<FullActor, "id" | "email">;

async function loadForChange(tx: Prisma.TransactionClient, actor: Actor, targetId: string) {
  await lockAdmins(tx);
  const me = await tx.operator.findUnique({ where: { id: actor.id } });
  if (!me || !me.active || !can(me, "operators:manage")) throw new OperatorChangeError(403, "Forbidden: only an active admin can change accounts.");
  const target = await tx.operator.findUnique({ where: { id: targetId } });
  if (!target) throw new OperatorChangeError(404, "No such operator.");
  return target;
}

async function assertAnAdminRemains(tx: Prisma.TransactionClient) {
  const admins = await tx.operator.count({ where: { role: "admin", active: true } });
  if (admins < 1) throw new OperatorChangeError(409, "The Console must keep at least one active admin.");
}

/** Changes the role; a role that cannot hold takeovers (auditor) releases the ones held, in the same transaction. */
export async function changeRole(actor: Actor, targetId: string, role: Role, ip?: string) {
  const prisma = await db();
  const { updated, released } = await oneAtATime(() =>
    prisma.$transaction(async (tx) => {
      const target = await loadForChange(tx, actor, targetId);
      if (target.id === actor.id) throw new OperatorChangeError(409, "You cannot change your own role; another admin can.");
      if (target.role === role) return { updated: target, released: [] };
      const updated = await tx.operator.update({ where: { id: target.id }, data: { role } });
      await assertAnAdminRemains(tx);
      await audit(
        {
          actor,
          action: "operator.role_change",
          targetType: "operator",
          targetId: target.id,
          details: { email: target.email, from: target.role, to: role },
          ip,
        },
        tx,
      );
      // An auditor holding a takeover could neither send nor hand it back, and the gate would keep the AI paused.
      const released = can({ role }, "takeover:claim") ? [] : await releaseHeldInTx(tx, target.id, "role_change", actor, { from: target.role, to: role });
      return { updated, released };
    }),
  );
  publishReleased(released);
  return updated;
}

/** Deactivating ends every session of the operator (and releases what they held); reactivating does not sign in. */
export async function setActive(actor: Actor, targetId: string, active: boolean, ip?: string) {
  const prisma = await db();
  const { updated, released } = await oneAtATime(() =>
    prisma.$transaction(async (tx) => {
      const target = await loadForChange(tx, actor, targetId);
      if (!active && target.id === actor.id) throw new OperatorChangeError(409, "You cannot deactivate yourself; another admin can.");
      if (target.active === active) return { updated: null, released: [] };
      const updated = await tx.operator.update({ where: { id: target.id }, data: { active } });
      await assertAnAdminRemains(tx);
      await audit(
        {
          actor,
          action: active ? "operator.reactivate" : "operator.deactivate",
          targetType: "operator",
          targetId: target.id,
          details: { email: target.email },
          ip,
        },
        tx,
      );
      // Released here, by the admin, so no claim of the operator outlives the deactivation (see stillMayTakeOver).
      const released = active ? [] : await releaseHeldInTx(tx, target.id, "deactivated", actor);
      return { updated, released };
    }),
  );
  publishReleased(released);
  if (updated && !active) await endOperatorSessions(updated.id, "deactivated");
  return updated;
}

/** An admin sets another operator's password; every session of that operator ends. */
export async function resetPassword(actor: Actor, targetId: string, password: string, ip?: string) {
  const prisma = await db();
  const passwordHash = await hashPassword(password);
  const target = await oneAtATime(() =>
    prisma.$transaction(async (tx) => {
      const target = await loadForChange(tx, actor, targetId);
      if (target.id === actor.id) throw new OperatorChangeError(409, "Change your own password on the Account page (it asks for the current one).");
      await tx.operator.update({ where: { id: target.id }, data: { passwordHash } });
      await audit({ actor, action: "operator.password_reset", targetType: "operator", targetId: target.id, details: { email: target.email }, ip }, tx);
      return target;
    }),
  );
  await endOperatorSessions(target.id, "signout");
}

/** An admin signs another operator out everywhere. */
export async function endSessionsOf(actor: Actor, targetId: string, ip?: string) {
  const prisma = await db();
  const target = await prisma.operator.findUnique({ where: { id: targetId } });
  if (!target) throw new OperatorChangeError(404, "No such operator.");
  if (target.id === actor.id) throw new OperatorChangeError(409, "Revoke your own sessions on the Account page.");
  const ended = await endOperatorSessions(target.id, "signout");
  await audit({
    actor,
    action: "operator.sessions_end",
    targetType: "operator",
    targetId: target.id,
    details: { email: target.email, sessionsEnded: ended },
    ip,
  });
  return ended;
}

/** Active operators by name, for pickers (who reviews in a queue, who is assigned). */
export async function activeOperators() {
  return (await db()).operator.findMany({ where: { active: true }, select: { id: true, name: true, role: true }, orderBy: { name: "asc" } });
}
