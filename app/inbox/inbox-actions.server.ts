// Bulk actions on inbox rows. Read state is personal and open to every role; assigning, labelling and
// archiving change shared state and are refused to auditors. Every action writes the audit log, one event
// per session, in the same transaction as the change.
import { errorText } from "@fleetlm/client";
import type { CurrentOperator } from "~/auth/guards.server";
import { can } from "~/auth/permissions";
import { audit } from "~/audit/audit.server";
import { db } from "~/db.server";
import { fleetlm } from "~/fleetlm/fleetlm.server";
import { reportFleetlmFailure } from "~/fleetlm/health.server";
import { fleetlmProblem } from "~/fleetlm/problem";
import type { BulkAction } from "~/inbox/inbox-forms";
import { advanceReadCursor, setReadCursor } from "~/inbox/read-cursor.server";
import { changedEvent, findIndexed } from "~/inbox/session-index.server";
import { liveBus } from "~/live/bus.server";
import { roundRobinAssignees, setConversationState, snoozeSessions } from "~/inbox/state-actions.server";

export type BulkResult = { ok: true; message: string } | { ok: false; status: 400 | 403 | 404 | 503; message: string };

export function mayChangeSharedState(operator: CurrentOperator) {
  return can(operator, "inbox:triage");
}

export async function runBulkAction(operator: CurrentOperator, action: BulkAction, ip: string): Promise<BulkResult> {
  if (action.intent !== "mark-read" && action.intent !== "mark-unread" && !mayChangeSharedState(operator)) {
    return { ok: false, status: 403, message: "Auditors cannot assign, label, change the state of or archive sessions." };
  }
  const prisma = await db();
  const found = await prisma.sessionIndex.findMany({ where: { id: { in: action.ids } }, select: { id: true, headSeq: true } });
  if (found.length === 0) return { ok: false, status: 404, message: "No such session." };
  const ids = found.map((row) => row.id);
  const actor = { id: operator.id, email: operator.email };
  const n = ids.length;

  switch (action.intent) {
    case "set-state": {
      const changed = await setConversationState(operator, ids, action.state, ip);
      const label = { open: "open", pending: "with the AI", resolved: "resolved", waiting: "waiting on a human" }[action.state];
      return { ok: true, message: `Marked ${changed} session${changed === 1 ? "" : "s"} ${label}${changed < n ? ` (${n - changed} already were)` : ""}.` };
    }
    case "snooze": {
      const changed = await snoozeSessions(operator, ids, action.minutes, ip);
      return { ok: true, message: `Snoozed ${changed} session${changed === 1 ? "" : "s"}.` };
    }
    case "assign": {
      if (action.assignee === "round-robin") {
        const picks = await roundRobinAssignees(ids.length);
        if (!picks) return { ok: false, status: 400, message: "Nobody can take more: no signed-in operator is under the assignment cap." };
        const given = ids.slice(0, picks.length);
        await prisma.$transaction(async (tx) => {
          for (const [i, id] of given.entries()) {
            await tx.sessionIndex.update({ where: { id }, data: { assigneeId: picks[i]! } });
            await audit({ actor, action: "inbox.assign", targetType: "session", targetId: id, details: { assigneeId: picks[i], by: "round-robin" }, ip }, tx);
          }
        });
        await publishChanged(given);
        const left = ids.length - given.length;
        return left > 0
          ? { ok: false, status: 400, message: `Assigned ${given.length} by round-robin; ${left} left unassigned: every signed-in operator is at the cap.` }
          : { ok: true, message: `Assigned ${given.length} session${given.length === 1 ? "" : "s"} by round-robin.` };
      }
      let assigneeId: string | null;
      if (action.assignee === "none") assigneeId = null;
      else if (action.assignee === "me") assigneeId = operator.id;
      else {
        const target = await prisma.operator.findFirst({ where: { id: action.assignee, active: true }, select: { id: true } });
        if (!target) return { ok: false, status: 400, message: "That operator does not exist or is deactivated." };
        assigneeId = target.id;
      }
      await prisma.$transaction(async (tx) => {
        await tx.sessionIndex.updateMany({ where: { id: { in: ids } }, data: { assigneeId } });
        for (const id of ids) await audit({ actor, action: "inbox.assign", targetType: "session", targetId: id, details: { assigneeId }, ip }, tx);
      });
      await publishChanged(ids);
      return { ok: true, message: assigneeId ? `Assigned ${n} session${n === 1 ? "" : "s"}.` : `Unassigned ${n} session${n === 1 ? "" : "s"}.` };
    }
    case "label-add":
    case "label-remove": {
      const adding = action.intent === "label-add";
      await prisma.$transaction(async (tx) => {
        if (adding) {
          const existing = await tx.sessionLabel.findMany({ where: { sessionId: { in: ids }, label: action.label }, select: { sessionId: true } });
          const have = new Set(existing.map((row) => row.sessionId));
          for (const id of ids) if (!have.has(id)) await tx.sessionLabel.create({ data: { sessionId: id, label: action.label } });
        } else {
          await tx.sessionLabel.deleteMany({ where: { sessionId: { in: ids }, label: action.label } });
        }
        for (const id of ids) {
          await audit(
            { actor, action: adding ? "inbox.label_add" : "inbox.label_remove", targetType: "session", targetId: id, details: { label: action.label }, ip },
            tx,
          );
        }
      });
      await publishChanged(ids);
      return { ok: true, message: `${adding ? "Labelled" : "Removed the label from"} ${n} session${n === 1 ? "" : "s"}.` };
    }
    case "mark-read": {
      for (const row of found) await advanceReadCursor(operator.id, row.id, row.headSeq);
      await prisma.$transaction(async (tx) => {
        for (const row of found)
          await audit({ actor, action: "inbox.mark_read", targetType: "session", targetId: row.id, details: { seq: row.headSeq }, ip }, tx);
      });
      return { ok: true, message: `Marked ${n} session${n === 1 ? "" : "s"} read.` };
    }
    case "mark-unread": {
      const row = found[0]!;
      const seq = await lastReadableSeq(row.id, row.headSeq);
      await setReadCursor(operator.id, row.id, Math.max(0, seq - 1));
      await audit({ actor, action: "inbox.mark_unread", targetType: "session", targetId: row.id, details: { seq: Math.max(0, seq - 1) }, ip });
      return { ok: true, message: "Marked unread." };
    }
    case "archive": {
      const failed: string[] = [];
      for (const id of ids) {
        try {
          await fleetlm().archiveSession(id);
        } catch (error) {
          reportFleetlmFailure(error);
          console.warn(`[inbox] archive of ${id} failed: ${errorText(error)}`);
          failed.push(`${id} (${fleetlmProblem(error).replace(/\.$/, "")})`);
          continue;
        }
        await prisma.$transaction(async (tx) => {
          await tx.sessionIndex.update({ where: { id }, data: { status: "archived" } });
          await audit({ actor, action: "inbox.archive", targetType: "session", targetId: id, ip }, tx);
        });
      }
      await publishChanged(ids);
      const done = n - failed.length;
      if (failed.length > 0)
        return { ok: false, status: 503, message: `Archived ${done} of ${n}; FleetLM refused or was unreachable for ${failed.join("; ")}` };
      return { ok: true, message: `Archived ${n} session${n === 1 ? "" : "s"}.` };
    }
  }
}

/** The newest seq not written by an operator (what "unread" can point at), or 0. */
/** The seq of the session's last user message (mark unread puts the cursor just below it; ADR 100). */
async function lastReadableSeq(sessionId: string, headSeq: number): Promise<number> {
  const prisma = await db();
  const lastUser = await prisma.indexedMessage.findFirst({
    where: { sessionId, role: "user", seq: { lte: headSeq } },
    orderBy: { seq: "desc" },
    select: { seq: true },
  });
  if (lastUser) return lastUser.seq;
  // Indexed before messages were recorded one by one: the newest message no operator wrote.
  const operatorSeqs = await prisma.operatorMessage.findMany({
    where: { sessionId, seq: { lte: headSeq } },
    select: { seq: true },
    orderBy: { seq: "desc" },
    take: 500,
  });
  const taken = new Set(operatorSeqs.map((row) => row.seq));
  let seq = headSeq;
  while (seq > 0 && taken.has(seq)) seq -= 1;
  return seq;
}

async function publishChanged(ids: string[]) {
  for (const id of ids) {
    const row = await findIndexed(id);
    if (row) liveBus().publish(changedEvent(row));
  }
}
