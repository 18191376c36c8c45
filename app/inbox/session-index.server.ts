// The write path of the session index: the Console's own list of FleetLM sessions (FleetLM lists only
// its newest 50). Rows are created from FleetLM's session list (or a lookup), and advanced from messages
// read over REST. Everything is keyed by (session, seq), so applying the same messages twice changes nothing.
import type { Message, Session } from "@fleetlm/client";
import { db, driverRows } from "~/db.server";
import { audit } from "~/audit/audit.server";
import { messageEvent, transition, type Conversation } from "~/inbox/conversation-state";
import { inboxSettings } from "~/inbox/inbox-settings.server";
import { lockSessionRow } from "~/inbox/session-lock.server";
import type { ConversationState } from "~/inbox/views";
import type { SenderRole, SessionChangedEvent } from "~/live/events";
import { fromStored, toStored, visibleControls } from "~/lib/stored-text";
import { SessionStatusSchema, type SessionStatus } from "~/lib/vocabulary";
import type { Authorship } from "~/messages/authorship";
import { authorshipOf } from "~/messages/authorship.server";
import { messageText } from "~/messages/message-text";
import { isUniqueViolation } from "~/lib/db-errors.server";

export const PREVIEW_CHARS = 140;

export type IndexedSession = {
  id: string;
  userId: string;
  agentId: string;
  status: SessionStatus;
  headSeq: number;
  opCount: number;
  userCount: number;
  lastActivityAt: Date | null;
  lastSenderRole: string | null;
  lastPreview: string | null;
};

type MessageLike = Pick<Message, "seq" | "sender_id" | "kind" | "content" | "metadata" | "insertedAt">;

/** The inbox's sender role from a message's authorship (sender id and send ledger, never metadata; ADR 087). */
export function senderRole(author: Authorship | undefined): SenderRole {
  if (author?.role === "operator") return "operator";
  if (author?.role === "agent") return "agent";
  return "user";
}

/** A one-line plain-text preview: text parts, else what kind of message it is. */
export function previewOf(message: Pick<Message, "kind" | "content">): string {
  const text = visibleControls(messageText(message.content)).replace(/\s+/g, " ").trim();
  const shown = text || (message.kind === "assistant" ? "[reply without text]" : `[${message.kind || "message"}]`);
  return shown.length > PREVIEW_CHARS ? `${shown.slice(0, PREVIEW_CHARS - 1)}…` : shown;
}

// FleetLM's ids go in escaped (NUL and all, see stored-text) and come out as FleetLM has them.
function rowFromSession(session: Session) {
  return {
    id: toStored(session.id),
    userId: toStored(session.user_id),
    agentId: toStored(session.agent_id),
    status: toStored(session.status),
    createdAt: session.insertedAt,
  };
}

const INDEXED_SELECT = {
  id: true,
  userId: true,
  agentId: true,
  status: true,
  headSeq: true,
  opCount: true,
  userCount: true,
  lastActivityAt: true,
  lastSenderRole: true,
  lastPreview: true,
} as const;

function fromRow(row: Omit<IndexedSession, "status"> & { status: string }): IndexedSession {
  return {
    ...row,
    id: fromStored(row.id),
    userId: fromStored(row.userId),
    agentId: fromStored(row.agentId),
    status: SessionStatusSchema.parse(fromStored(row.status)),
  };
}

/**
 * Adds the sessions the index does not know and refreshes the status of those it does (archiving only shows
 * in FleetLM's list). Returns the ids that were new, the users not seen before, and the sessions that could not
 * be written: one bad record never fails the others.
 */
export async function upsertSessions(sessions: Session[]): Promise<{ added: string[]; newUsers: string[]; failed: [string, unknown][] }> {
  if (sessions.length === 0) return { added: [], newUsers: [], failed: [] };
  const prisma = await db();
  const ids = sessions.map((s) => toStored(s.id));
  const users = [...new Set(sessions.map((s) => s.user_id))];
  const [known, knownUsers] = await Promise.all([
    prisma.sessionIndex.findMany({ where: { id: { in: ids } }, select: { id: true, status: true } }),
    prisma.sessionIndex.findMany({ where: { userId: { in: users.map(toStored) } }, select: { userId: true }, distinct: ["userId"] }),
  ]);
  const statusById = new Map(known.map((row) => [fromStored(row.id), fromStored(row.status)]));
  const added: string[] = [];
  const failed: [string, unknown][] = [];
  for (const session of sessions) {
    const status = statusById.get(session.id);
    try {
      if (status === undefined) {
        if (await createRow(session)) added.push(session.id);
      } else if (status !== session.status) {
        await prisma.sessionIndex.update({ where: { id: toStored(session.id) }, data: { status: toStored(session.status) } });
      }
    } catch (error) {
      failed.push([session.id, error]);
    }
  }
  const seen = new Set(knownUsers.map((row) => fromStored(row.userId)));
  return { added, newUsers: users.filter((user) => !seen.has(user)), failed };
}

/** Creates the row; false when a concurrent lookup created it first. */
async function createRow(session: Session): Promise<boolean> {
  const prisma = await db();
  const id = toStored(session.id);
  try {
    await prisma.sessionIndex.create({ data: rowFromSession(session) });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return false;
  }
  // Losses a reader recorded before the session had a row (a session page opened by link) count from now on:
  // counted after the create, so a loss recorded meanwhile is seen either here or by recordLosses (ADR 071).
  const lostCount = await prisma.lostSeq.count({ where: { sessionId: id } });
  if (lostCount > 0) await prisma.sessionIndex.update({ where: { id }, data: { lostCount } });
  return true;
}

export async function findIndexed(sessionId: string): Promise<IndexedSession | null> {
  const prisma = await db();
  const row = await prisma.sessionIndex.findUnique({ where: { id: toStored(sessionId) }, select: INDEXED_SELECT });
  return row && fromRow(row);
}

/** Ids per head lookup: well under both databases' bind limits, and one statement per batch size. */
export const HEAD_LOOKUP_BATCH = 250;

/**
 * The index head of each of these sessions that the index holds (absent: not indexed), one read-only query per
 * HEAD_LOOKUP_BATCH ids on the driver (ADR 181, ADR 198): the gateway's reconciliation asks this for thousands of
 * sessions at boot, where a Prisma query each cost more than the FleetLM read it decides on.
 */
export async function indexedHeads(sessionIds: readonly string[]): Promise<Map<string, number>> {
  const prisma = await db();
  const heads = new Map<string, number>();
  for (let i = 0; i < sessionIds.length; i += HEAD_LOOKUP_BATCH) {
    const slice = sessionIds.slice(i, i + HEAD_LOOKUP_BATCH).map(toStored);
    const marks = slice.map(() => "?").join(", ");
    const rows = await driverRows(prisma, `SELECT "id", "headSeq" FROM "SessionIndex" WHERE "id" IN (${marks})`, slice);
    for (const row of rows) heads.set(fromStored(String(row.id)), Number(row.headSeq));
  }
  return heads;
}

/** Every FleetLM user with at least one indexed session (whose inbox the gateway joins). */
/** Every indexed user with the newest activity of their sessions (null when none had any), for the gateway's re-join policy. */
export async function indexedUserActivity(): Promise<{ userId: string; activeAt: Date | null }[]> {
  const prisma = await db();
  const groups = await prisma.sessionIndex.groupBy({ by: ["userId"], _max: { lastActivityAt: true } });
  return groups.map((group) => ({ userId: fromStored(group.userId), activeAt: group._max.lastActivityAt }));
}

export function changedEvent(row: IndexedSession): SessionChangedEvent {
  return {
    type: "session.changed",
    sessionId: row.id,
    userId: row.userId,
    agentId: row.agentId,
    headSeq: row.headSeq,
    opCount: row.opCount,
    userCount: row.userCount,
    lastActivityAt: row.lastActivityAt?.toISOString() ?? null,
    lastSenderRole: (row.lastSenderRole as SenderRole | null) ?? null,
    lastPreview: row.lastPreview,
  };
}

/** Longest body kept per message for full-text search; FleetLM keeps the whole text. */
export const SEARCH_BODY_CHARS = 8_000;

/**
 * Applies messages read after the row's head seq: head seq, last activity/sender/preview, the seqs operators
 * wrote (each recorded once), one IndexedMessage per message (role and text: the user-message count below any
 * seq, and full-text search), and the user-message count (unread, ADR 100). Runs in one transaction holding the
 * session-index row's lock — the lock a read cursor takes while it counts — and re-reads the head seq under it,
 * so concurrent or repeated calls apply each seq once. Returns the updated row, or null when nothing was new.
 */
export async function applyMessages(row: IndexedSession, messages: MessageLike[]): Promise<IndexedSession | null> {
  const candidates = [...new Map(messages.filter((m) => m.seq > row.headSeq).map((m) => [m.seq, m])).values()].sort((a, b) => a.seq - b.seq);
  if (candidates.length === 0) return null;
  // Only what the Console's operators really sent is left out of unread: an end user's message claiming to be
  // an operator's is the end user's, and unread.
  const authors = await authorshipOf(row, candidates);
  const { handoffPhrases } = await inboxSettings();
  const prisma = await db();
  const stored = toStored(row.id);
  return prisma.$transaction(async (tx) => {
    await lockSessionRow(tx, stored);
    const current = await tx.sessionIndex.findUnique({
      where: { id: stored },
      select: { headSeq: true, state: true, waitingSince: true, handoffReason: true, snoozedUntil: true },
    });
    if (!current) return null;
    const head = current.headSeq;
    const fresh = candidates.filter((m) => m.seq > head);
    const last = fresh[fresh.length - 1];
    if (!last) return null;
    const roles = fresh.map((m) => ({ seq: m.seq, role: senderRole(authors.get(m.seq)) }));
    const operatorSeqs = roles.filter((m) => m.role === "operator").map((m) => m.seq);
    const userSeqs = roles.filter((m) => m.role === "user").map((m) => m.seq);

    let recorded = 0;
    if (operatorSeqs.length > 0) {
      const existing = await tx.operatorMessage.findMany({ where: { sessionId: stored, seq: { in: operatorSeqs } }, select: { seq: true } });
      const known = new Set(existing.map((e) => e.seq));
      for (const seq of operatorSeqs) {
        if (known.has(seq)) continue;
        await tx.operatorMessage.create({ data: { sessionId: stored, seq } });
        // A cursor already at or past this seq has "seen" it: keep its unread arithmetic exact.
        await tx.readCursor.updateMany({ where: { sessionId: stored, lastSeq: { gte: seq } }, data: { opCountAtCursor: { increment: 1 } } });
        recorded += 1;
      }
    }
    // Anything above the head is from an earlier index that was rolled back or reset: replace it.
    await tx.indexedMessage.deleteMany({ where: { sessionId: stored, seq: { gt: head } } });
    await tx.indexedMessage.createMany({
      data: fresh.map((m, i) => ({
        sessionId: stored,
        seq: m.seq,
        role: roles[i]!.role,
        body: toStored(messageText(m.content).slice(0, SEARCH_BODY_CHARS)),
        at: m.insertedAt,
      })),
    });
    if (userSeqs.length > 0) {
      // A cursor that ran ahead of the index (a tab read seq N before the index had it) has now "seen" the
      // user messages at or below it: count them on the cursor's side too, so its unread stays exact.
      const ahead = await tx.readCursor.findMany({ where: { sessionId: stored, lastSeq: { gt: head } }, select: { operatorId: true, lastSeq: true } });
      for (const cursor of ahead) {
        const seen = userSeqs.filter((seq) => seq <= cursor.lastSeq).length;
        if (seen > 0) {
          await tx.readCursor.update({
            where: { operatorId_sessionId: { operatorId: cursor.operatorId, sessionId: stored } },
            data: { userCountAtCursor: { increment: seen } },
          });
        }
      }
    }
    // Conversation state and handoff signals (ADR 102), message by message in seq order.
    const before: Conversation = {
      state: current.state as ConversationState,
      waitingSince: current.waitingSince,
      handoffReason: current.handoffReason,
      snoozedUntil: current.snoozedUntil,
    };
    let conversation = before;
    fresh.forEach((m, i) => {
      const event = messageEvent(roles[i]!.role, m, messageText(m.content), handoffPhrases);
      if (event) conversation = transition(conversation, event);
    });
    if (conversation.state !== before.state) {
      await audit(
        {
          actor: null,
          action: "inbox.state",
          targetType: "session",
          targetId: row.id,
          details: { from: before.state, to: conversation.state, reason: conversation.handoffReason, by: "signal" },
        },
        tx,
      );
    }
    const updated = await tx.sessionIndex.update({
      where: { id: stored },
      data: {
        state: conversation.state,
        waitingSince: conversation.waitingSince,
        handoffReason: conversation.handoffReason,
        snoozedUntil: conversation.snoozedUntil,
        ...(conversation.state !== before.state ? { stateChangedAt: new Date() } : {}),
        headSeq: last.seq,
        opCount: { increment: recorded },
        userCount: { increment: userSeqs.length },
        lastActivityAt: last.insertedAt,
        lastSenderId: toStored(last.sender_id),
        lastSenderRole: senderRole(authors.get(last.seq)),
        lastPreview: previewOf(last),
      },
      select: INDEXED_SELECT,
    });
    return fromRow(updated);
  });
}

/** Creates the row for a session found by id (an inbox entry the list poll has not shown yet). */
export async function indexSession(session: Session): Promise<IndexedSession> {
  await createRow(session);
  return (await findIndexed(session.id))!;
}
