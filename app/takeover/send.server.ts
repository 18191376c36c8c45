// Replying as the agent while holding a session. Each send is keyed by the browser's client message id
// (one per draft, reused on retry), so a double-click, a retry or a concurrent duplicate posts at most once:
// the SentMessage row is written (pending) in the same transaction that proves the sender holds the session,
// and only the request that created the row posts to FleetLM. A retry of a send whose outcome is unknown
// (failed, or pending after a crash) first looks for the message in FleetLM by its client message id.
import { FleetLMHttpError, FleetLMTimeoutError, errorText, type Message } from "@fleetlm/client";
import { fleetlmFailureSentence } from "~/fleetlm/problem";
import { operatorIdentityPolicy, operatorMessageMetadata } from "~/settings/operator-identity.server";
import { syncSessionNow } from "~/fleetlm-sync/sync-queue.server";
import { audit } from "~/audit/audit.server";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { fleetlm } from "~/fleetlm/fleetlm.server";
import { reportFleetlmFailure } from "~/fleetlm/health.server";
import { sessionAgent } from "./session-agent.server";
import { can } from "~/auth/permissions";
import { expireIdleTakeovers, idleMs, publish, refuseNotHolder, type Actor, type Refusal } from "./takeover.server";
import { singleton } from "~/lib/singleton.server";
import { isUniqueViolation } from "~/lib/db-errors.server";

export type SendResult =
  | { ok: true; status: "sent"; seq: number; clientMessageId: string }
  | { ok: false; status: "pending"; clientMessageId: string; reason: string }
  | { ok: false; status: "failed"; clientMessageId: string; reason: string }
  | Refusal;

export type SendInput = { sessionId: string; operator: Actor; clientMessageId: string; body: string; ip?: string };

/** How far back a retry looks in FleetLM for a message whose first attempt has an unknown outcome. */
const RECONCILE_WINDOW = 100;

function inflightSends() {
  return singleton("takeoverSends", () => new Map<string, Promise<SendResult>>());
}

class NotHolder extends Error {}
class Busy extends Error {}

/** A pending row older than this was abandoned (the process died mid-send): its outcome must be looked up. */
function stalePendingMs() {
  return env().FLEETLM_TIMEOUT_MS * 2 + 1_000;
}

export async function sendAsOperator(input: SendInput): Promise<SendResult> {
  const { sessionId, operator, clientMessageId } = input;
  if (!can(operator, "takeover:claim")) return { ok: false, status: 403, reason: "Auditors cannot reply as the agent." };
  const session = await sessionAgent(sessionId);
  if (!session.ok) return session;
  await expireIdleTakeovers(sessionId);

  for (let attempt = 0; attempt < 3; attempt++) {
    const running = inflightSends().get(clientMessageId);
    if (running) return running;

    const prisma = await db();
    const existing = await prisma.sentMessage.findUnique({ where: { clientMessageId } });
    if (existing && (existing.operatorId !== operator.id || existing.sessionId !== sessionId)) {
      return { ok: false, status: 409, reason: "This client message id already belongs to another message." };
    }
    if (existing?.status === "sent") return { ok: true, status: "sent", seq: existing.seq ?? 0, clientMessageId };
    if (existing?.status === "pending" && Date.now() - existing.updatedAt.getTime() < stalePendingMs()) {
      return { ok: false, status: "pending", clientMessageId, reason: "This message is still being sent." };
    }
    if (existing) {
      // failed, or pending but abandoned: FleetLM may have stored it anyway (a timeout after the commit).
      const found = await findInFleetlm(sessionId, session.agentId, clientMessageId);
      if (found === "unreachable")
        return { ok: false, status: 503, reason: "FleetLM could not be reached to check whether the message was stored; try again." };
      if (found) return markSent(input, found.seq);
    }

    let row: { takeoverId: string };
    try {
      row = await reserve(input, existing ? { status: existing.status, updatedAt: existing.updatedAt } : null);
    } catch (error) {
      if (error instanceof NotHolder) return refuseNotHolder(sessionId);
      // Someone else created or re-claimed the same row first: go round and report theirs.
      if (error instanceof Busy || isUniqueViolation(error)) continue;
      throw error;
    }

    const sending = post(input, session.agentId, row.takeoverId).finally(() => inflightSends().delete(clientMessageId));
    inflightSends().set(clientMessageId, sending);
    return sending;
  }
  return { ok: false, status: "pending", clientMessageId, reason: "This message is being sent by another request." };
}

/**
 * Proves that the operator holds the session right now and writes the pending row, in one transaction. The
 * holder check is a conditional UPDATE of the takeover row, which also locks it (PostgreSQL) or the database
 * (SQLite) until commit, so a concurrent release cannot slip in between the check and the insert.
 */
async function reserve(input: SendInput, previous: { status: string; updatedAt: Date } | null): Promise<{ takeoverId: string }> {
  const prisma = await db();
  const now = new Date();
  return prisma.$transaction(async (tx) => {
    const held = await tx.takeover.updateMany({
      where: { activeSessionId: input.sessionId, operatorId: input.operator.id, lastActivityAt: { gte: new Date(now.getTime() - idleMs()) } },
      data: { lastActivityAt: now },
    });
    if (held.count !== 1) throw new NotHolder();
    const takeover = await tx.takeover.findUniqueOrThrow({ where: { activeSessionId: input.sessionId }, select: { id: true } });
    if (previous) {
      const claimed = await tx.sentMessage.updateMany({
        where: { clientMessageId: input.clientMessageId, status: previous.status, updatedAt: previous.updatedAt },
        data: { status: "pending", body: input.body, error: null, takeoverId: takeover.id },
      });
      if (claimed.count !== 1) throw new Busy();
    } else {
      await tx.sentMessage.create({
        data: {
          clientMessageId: input.clientMessageId,
          sessionId: input.sessionId,
          takeoverId: takeover.id,
          operatorId: input.operator.id,
          body: input.body,
          status: "pending",
        },
      });
    }
    return { takeoverId: takeover.id };
  });
}

async function post(input: SendInput, agentId: string, takeoverId: string): Promise<SendResult> {
  const { sessionId, operator, clientMessageId } = input;
  const identity = await operatorIdentityPolicy();
  let message: Message;
  try {
    message = await fleetlm().appendMessage(sessionId, {
      agentId,
      kind: "text",
      content: { text: input.body },
      // What the end user sees of the operator is an admin's choice (ADR 120).
      metadata: operatorMessageMetadata(identity, { operator, takeoverId, clientMessageId }),
    });
  } catch (error) {
    const reason = describeSendFailure(error);
    const prisma = await db();
    await prisma.sentMessage.update({ where: { clientMessageId }, data: { status: "failed", error: reason } });
    await audit({
      actor: operator,
      action: "takeover.send",
      targetType: "session",
      targetId: sessionId,
      details: { takeoverId, clientMessageId, status: "failed", error: reason },
      ip: input.ip,
    });
    if (!(error instanceof FleetLMHttpError && error.status < 500)) reportFleetlmFailure(error);
    return { ok: false, status: "failed", clientMessageId, reason };
  }
  return markSent({ ...input }, message.seq, takeoverId);
}

async function markSent(input: SendInput, seq: number, takeoverId?: string): Promise<SendResult> {
  const { sessionId, operator, clientMessageId } = input;
  const prisma = await db();
  const { count } = await prisma.sentMessage.updateMany({ where: { clientMessageId, NOT: { status: "sent" } }, data: { status: "sent", seq, error: null } });
  if (count === 1) {
    await audit({
      actor: operator,
      action: "takeover.send",
      targetType: "session",
      targetId: sessionId,
      details: { takeoverId: takeoverId ?? null, clientMessageId, status: "sent", seq, length: input.body.length },
      ip: input.ip,
    });
    syncIndex(sessionId);
    const takeover = await prisma.takeover.findUnique({
      where: { activeSessionId: sessionId },
      select: { id: true, reason: true, startedAt: true, lastActivityAt: true, operator: { select: { id: true, name: true } } },
    });
    if (takeover) {
      publish(sessionId, {
        id: takeover.id,
        holder: takeover.operator,
        startedAt: takeover.startedAt.toISOString(),
        expiresAt: new Date(takeover.lastActivityAt.getTime() + idleMs()).toISOString(),
        reason: takeover.reason,
      });
    }
  }
  return { ok: true, status: "sent", seq, clientMessageId };
}

/** The stored message carrying this client message id, null when FleetLM does not have it. */
async function findInFleetlm(sessionId: string, agentId: string, clientMessageId: string): Promise<Message | null | "unreachable"> {
  try {
    const recent = await fleetlm().latest(sessionId, RECONCILE_WINDOW);
    return recent.find((m) => m.sender_id === agentId && m.metadata?.client_message_id === clientMessageId) ?? null;
  } catch (error) {
    reportFleetlmFailure(error);
    return "unreachable";
  }
}

function describeSendFailure(error: unknown): string {
  // The technical text (with FleetLM's private address) is for the log; the operator gets one sentence.
  console.warn(`[takeover] send failed: ${errorText(error)}`);
  if (error instanceof FleetLMTimeoutError) return "FleetLM did not answer in time. Retry: the Console checks first whether it was stored.";
  if (error instanceof FleetLMHttpError && error.status < 500)
    return fleetlmFailureSentence(error, "the message was not sent").replace(" Try again in a moment.", "");
  return fleetlmFailureSentence(error, "the message was not sent");
}

/** The inbox row shows the reply at once instead of at the next poll. */
function syncIndex(sessionId: string) {
  syncSessionNow(sessionId).catch((error: unknown) =>
    console.warn(`[takeover] index sync of ${sessionId} failed: ${error instanceof Error ? error.message : String(error)}`),
  );
}
