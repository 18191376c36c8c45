// The one writer of the audit log. Every state-changing action calls it (inside its transaction when it has one).
import type { Prisma } from "~/generated/prisma/client";
import { db } from "~/db.server";
import type { Actor } from "~/auth/actor";

export type AuditActor = Pick<Actor, "id" | "email"> | null;
export type AuditEntry = {
  actor: AuditActor;
  action: string; // dotted verb, e.g. "operator.create", "takeover.claim"
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
  ip?: string;
};

type Writer = Pick<Prisma.TransactionClient, "auditEvent">;

/** The AuditEvent row of an entry (its `at` is the database's default); also written by the SQLite index path (ADR 221). */
export function auditRow(entry: AuditEntry) {
  return {
    actorId: entry.actor?.id ?? null,
    actorEmail: entry.actor?.email ?? null,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    details: JSON.stringify(entry.details ?? {}),
    ip: entry.ip ?? null,
  };
}

export async function audit(entry: AuditEntry, tx?: Writer) {
  const client = tx ?? (await db());
  await client.auditEvent.create({ data: auditRow(entry) });
}
