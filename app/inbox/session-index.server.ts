// The write path of the session index: the Console's own list of FleetLM sessions (FleetLM lists only
// its newest 50). Rows are created from FleetLM's session list (or a lookup), and advanced from messages
// read over REST. Everything is keyed by (session, seq), so applying the same messages twice changes nothing.
import type { Message, Session } from "@fleetlm/client";
import { db, driverDate, driverRows, sqliteDriver, sqliteValue, type SqliteDriver } from "~/db.server";
import { audit, auditRow, type AuditEntry } from "~/audit/audit.server";
import { messageEvent, transition, type Conversation } from "~/inbox/conversation-state";
import { inboxSettings } from "~/inbox/inbox-settings.server";
import { lockSessionRows } from "~/inbox/session-lock.server";
import type { Prisma } from "~/generated/prisma/client";
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
 * in FleetLM's list). Returns the ids that were new, the users not seen before, the users a session of whom was
 * archived now, and the sessions that could not be written: one bad record never fails the others.
 */
export async function upsertSessions(
  sessions: Session[],
): Promise<{ added: string[]; newUsers: string[]; archivedUsers: string[]; failed: [string, unknown][] }> {
  if (sessions.length === 0) return { added: [], newUsers: [], archivedUsers: [], failed: [] };
  const prisma = await db();
  const ids = sessions.map((s) => toStored(s.id));
  const users = [...new Set(sessions.map((s) => s.user_id))];
  const [known, knownUsers] = await Promise.all([
    prisma.sessionIndex.findMany({ where: { id: { in: ids } }, select: { id: true, status: true } }),
    prisma.sessionIndex.findMany({ where: { userId: { in: users.map(toStored) } }, select: { userId: true }, distinct: ["userId"] }),
  ]);
  const statusById = new Map(known.map((row) => [fromStored(row.id), fromStored(row.status)]));
  const added: string[] = [];
  const archived = new Set<string>();
  const failed: [string, unknown][] = [];
  for (const session of sessions) {
    const status = statusById.get(session.id);
    try {
      if (status === undefined) {
        if (await createRow(session)) added.push(session.id);
      } else if (status !== session.status) {
        await prisma.sessionIndex.update({ where: { id: toStored(session.id) }, data: { status: toStored(session.status) } });
        if (session.status === "archived") archived.add(session.user_id);
      }
    } catch (error) {
      failed.push([session.id, error]);
    }
  }
  const seen = new Set(knownUsers.map((row) => fromStored(row.userId)));
  return { added, newUsers: users.filter((user) => !seen.has(user)), archivedUsers: [...archived], failed };
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

const INDEXED_COLUMNS = Object.keys(INDEXED_SELECT)
  .map((column) => `"${column}"`)
  .join(", ");
const INDEXED_SQL = `SELECT ${INDEXED_COLUMNS} FROM "SessionIndex" WHERE "id" = ?`;

/**
 * The index row of a session, or null. On the driver (ADR 181, ADR 204): the live sync reads it before every
 * FleetLM read, where Prisma's client engine cost more CPU than the read it decides on.
 */
export async function findIndexed(sessionId: string): Promise<IndexedSession | null> {
  const prisma = await db();
  const [row] = await driverRows(prisma, INDEXED_SQL, [toStored(sessionId)]);
  return row ? indexedFromDriver(row) : null;
}

/** An index row of INDEXED_SELECT's columns as either driver returns it. */
function indexedFromDriver(row: Record<string, unknown>): IndexedSession {
  return fromRow({
    id: String(row.id),
    userId: String(row.userId),
    agentId: String(row.agentId),
    status: String(row.status),
    headSeq: Number(row.headSeq),
    opCount: Number(row.opCount),
    userCount: Number(row.userCount),
    lastActivityAt: driverDate(row.lastActivityAt),
    lastSenderRole: row.lastSenderRole === null ? null : String(row.lastSenderRole),
    lastPreview: row.lastPreview === null ? null : String(row.lastPreview),
  });
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

/**
 * Those of these users with at least one indexed session that is not archived (whose inbox the gateway follows;
 * ADR 205), one read-only query per HEAD_LOOKUP_BATCH users on the driver.
 */
export async function usersWithLiveSessions(userIds: readonly string[]): Promise<Set<string>> {
  const prisma = await db();
  const live = new Set<string>();
  for (let i = 0; i < userIds.length; i += HEAD_LOOKUP_BATCH) {
    const slice = userIds.slice(i, i + HEAD_LOOKUP_BATCH).map(toStored);
    const marks = slice.map(() => "?").join(", ");
    const rows = await driverRows(prisma, `SELECT DISTINCT "userId" FROM "SessionIndex" WHERE "userId" IN (${marks}) AND "status" <> 'archived'`, slice);
    for (const row of rows) live.add(fromStored(String(row.userId)));
  }
  return live;
}

/**
 * Every indexed user with a session that is not archived (whose inbox the gateway joins), with the newest activity
 * of their sessions (null when none had any), for the gateway's re-join policy.
 */
export async function indexedUserActivity(): Promise<{ userId: string; activeAt: Date | null }[]> {
  const prisma = await db();
  const groups = await prisma.sessionIndex.groupBy({ by: ["userId"], where: { status: { not: "archived" } }, _max: { lastActivityAt: true } });
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

/** One session's part of an index write: messages read after `row`'s head, and the highest seq FleetLM lost. */
export type IndexWrite = { row: IndexedSession; messages: MessageLike[]; lostUpTo?: number };

/**
 * Applies messages read after the row's head seq: head seq, last activity/sender/preview, the seqs operators
 * wrote (each recorded once), one IndexedMessage per message (role and text: the user-message count below any
 * seq, and full-text search), and the user-message count (unread, ADR 100). Runs in one transaction holding the
 * session-index row's lock — the lock a read cursor takes while it counts — and re-reads the head seq under it,
 * so concurrent or repeated calls apply each seq once. Returns the updated row, or null when nothing was new.
 */
export async function applyMessages(row: IndexedSession, messages: MessageLike[]): Promise<IndexedSession | null> {
  return (await applyIndexWrites([{ row, messages }]))[0]!;
}

/** Duplicates dropped, ascending, and above the head the caller read. */
function candidatesOf(write: IndexWrite): MessageLike[] {
  return [...new Map(write.messages.filter((m) => m.seq > write.row.headSeq).map((m) => [m.seq, m])).values()].sort((a, b) => a.seq - b.seq);
}

/** Writes of one session merged into one (the sync queue never sends two, other callers may). */
function mergeBySession(writes: readonly IndexWrite[]): IndexWrite[] {
  const byId = new Map<string, IndexWrite>();
  for (const write of writes) {
    const seen = byId.get(write.row.id);
    if (!seen) byId.set(write.row.id, { row: write.row, messages: [...write.messages], lostUpTo: write.lostUpTo });
    else {
      seen.messages.push(...write.messages);
      seen.lostUpTo = Math.max(seen.lostUpTo ?? 0, write.lostUpTo ?? 0);
      if (write.row.headSeq < seen.row.headSeq) seen.row = write.row;
    }
  }
  return [...byId.values()];
}

type Current = { headSeq: number; state: string; waitingSince: Date | null; handoffReason: string | null; snoozedUntil: Date | null };

type Planned = {
  write: IndexWrite;
  stored: string;
  current: Current;
  fresh: MessageLike[];
  roles: { seq: number; role: SenderRole }[];
  authors: Map<number, Authorship>;
};

/** What a batch brings into its transaction: the sessions with something new, their stored ids and authorship. */
type Batch = {
  todo: { write: IndexWrite; candidates: MessageLike[] }[];
  ids: string[];
  authors: Map<number, Authorship>[];
  handoffPhrases: readonly string[];
};

/**
 * `applyMessages` for several sessions in ONE transaction (the sync queue's batch, ADR 204): every session's row
 * lock is taken at the start (in id order, so two batches never deadlock), each head is re-read under it, and the
 * reads and writes the sessions share are one statement each (the head re-read, the replaced messages, the new
 * messages, the cursors ahead of the index). A session whose newest seqs FleetLM lost (`lostUpTo`) has its head
 * moved past them in the same transaction. The result is per write, in order: the updated row, or null when
 * nothing was new for it. One failure rolls the whole batch back (the caller retries the sessions alone).
 * On SQLite the transaction is one synchronous run of statements prepared once per connection (ADR 221): the
 * same reads and writes, bound as Prisma binds them, without Prisma's client engine.
 */
export async function applyIndexWrites(writes: readonly IndexWrite[]): Promise<(IndexedSession | null)[]> {
  return applyWrites(writes, true);
}

/** `applyIndexWrites` through Prisma's client on either database: PostgreSQL's path, and SQLite's baseline (bench, tests). */
export async function applyIndexWritesThroughPrisma(writes: readonly IndexWrite[]): Promise<(IndexedSession | null)[]> {
  return applyWrites(writes, false);
}

async function applyWrites(writes: readonly IndexWrite[], onDriver: boolean): Promise<(IndexedSession | null)[]> {
  const merged = mergeBySession(writes).map((write) => ({ write, candidates: candidatesOf(write) }));
  const todo = merged.filter(({ write, candidates }) => candidates.length > 0 || (write.lostUpTo ?? 0) > write.row.headSeq);
  const results = new Map<string, IndexedSession | null>();
  if (todo.length > 0) {
    // Only what the Console's operators really sent is left out of unread: an end user's message claiming to be
    // an operator's is the end user's, and unread.
    const authors = await Promise.all(todo.map(({ write, candidates }) => authorshipOf(write.row, candidates)));
    const { handoffPhrases } = await inboxSettings();
    const prisma = await db();
    const batch: Batch = { todo, ids: todo.map(({ write }) => toStored(write.row.id)), authors, handoffPhrases };
    const sqlite = onDriver ? sqliteDriver(prisma) : null;
    const updated = sqlite ? await sqlite.transaction(() => writeOnSqlite(sqlite, batch)) : await prisma.$transaction((tx) => writeThroughPrisma(tx, batch));
    for (const row of updated) results.set(row.id, row);
  }
  return writes.map((write) => results.get(write.row.id) ?? null);
}

/** The sessions with something new above the head re-read under the lock (`currentOf`, by stored id). */
function planOf(batch: Batch, currentOf: (stored: string) => Current | undefined): Planned[] {
  const planned: Planned[] = [];
  batch.todo.forEach(({ write, candidates }, i) => {
    const stored = batch.ids[i]!;
    const current = currentOf(stored);
    if (!current) return;
    const fresh = candidates.filter((m) => m.seq > current.headSeq);
    if (fresh.length === 0 && (write.lostUpTo ?? 0) <= current.headSeq) return;
    const roles = fresh.map((m) => ({ seq: m.seq, role: senderRole(batch.authors[i]!.get(m.seq)) }));
    planned.push({ write, stored, current, fresh, roles, authors: batch.authors[i]! });
  });
  return planned;
}

const seqsOf = (p: Planned, role: SenderRole) => p.roles.filter((m) => m.role === role).map((m) => m.seq);

/** The IndexedMessage rows of the fresh messages (role and text: unread below any seq, and full-text search). */
function messageRows(planned: readonly Planned[]) {
  return planned.flatMap((p) =>
    p.fresh.map((m, i) => ({
      sessionId: p.stored,
      seq: m.seq,
      role: p.roles[i]!.role,
      body: toStored(messageText(m.content).slice(0, SEARCH_BODY_CHARS)),
      at: m.insertedAt,
    })),
  );
}

/** User seqs at or below a cursor that ran ahead of the index: what it has "seen" of them. */
const seenBy = (userSeqs: readonly number[], lastSeq: number) => userSeqs.filter((seq) => seq <= lastSeq).length;

/**
 * The row's change after one session's fresh messages (conversation state message by message, ADR 102), or past
 * its lost seqs (`messages` null), and the audit entry of a state change.
 */
function rowChange(p: Planned, recorded: number, handoffPhrases: readonly string[], now: Date) {
  const last = p.fresh[p.fresh.length - 1];
  // The newest seqs are lost: the head still moves past them (they existed), so the next sync starts above.
  const headSeq = Math.max(last?.seq ?? 0, p.write.lostUpTo ?? 0, p.current.headSeq);
  if (!last) return { headSeq, messages: null, audit: null };
  const before: Conversation = {
    state: p.current.state as ConversationState,
    waitingSince: p.current.waitingSince,
    handoffReason: p.current.handoffReason,
    snoozedUntil: p.current.snoozedUntil,
  };
  let conversation = before;
  p.fresh.forEach((m, i) => {
    const event = messageEvent(p.roles[i]!.role, m, messageText(m.content), handoffPhrases);
    if (event) conversation = transition(conversation, event);
  });
  const changed = conversation.state !== before.state;
  const audit: AuditEntry | null = changed
    ? {
        actor: null,
        action: "inbox.state",
        targetType: "session",
        targetId: p.write.row.id,
        details: { from: before.state, to: conversation.state, reason: conversation.handoffReason, by: "signal" },
      }
    : null;
  const messages = {
    state: conversation.state,
    waitingSince: conversation.waitingSince,
    handoffReason: conversation.handoffReason,
    snoozedUntil: conversation.snoozedUntil,
    stateChangedAt: changed ? now : null,
    opIncrement: recorded,
    userIncrement: seqsOf(p, "user").length,
    lastActivityAt: last.insertedAt,
    lastSenderId: toStored(last.sender_id),
    lastSenderRole: senderRole(p.authors.get(last.seq)),
    lastPreview: previewOf(last),
  };
  return { headSeq, messages, audit };
}

// ——— Through Prisma (PostgreSQL, and SQLite's baseline) ———

async function writeThroughPrisma(tx: Prisma.TransactionClient, batch: Batch): Promise<IndexedSession[]> {
  await lockSessionRows(tx, batch.ids);
  const currents = await tx.sessionIndex.findMany({
    where: { id: { in: batch.ids } },
    select: { id: true, headSeq: true, state: true, waitingSince: true, handoffReason: true, snoozedUntil: true },
  });
  const currentById = new Map(currents.map((c) => [c.id, c]));
  const planned = planOf(batch, (stored) => currentById.get(stored));
  if (planned.length === 0) return [];
  const recorded = await recordOperatorSeqs(tx, planned);
  const withMessages = planned.filter((p) => p.fresh.length > 0);
  if (withMessages.length > 0) {
    // Anything above the head is from an earlier index that was rolled back or reset: replace it.
    await tx.indexedMessage.deleteMany({ where: { OR: withMessages.map((p) => ({ sessionId: p.stored, seq: { gt: p.current.headSeq } })) } });
    await tx.indexedMessage.createMany({ data: messageRows(withMessages) });
  }
  await countUserSeqsOnCursorsAhead(tx, planned);
  const rows: IndexedSession[] = [];
  for (const p of planned) rows.push(await updateIndexRow(tx, p, recorded.get(p.stored) ?? 0, batch.handoffPhrases));
  return rows;
}

/** Records the seqs operators wrote (each once); how many were new, per stored session id. */
async function recordOperatorSeqs(tx: Prisma.TransactionClient, planned: Planned[]): Promise<Map<string, number>> {
  const recorded = new Map<string, number>();
  const withOperators = planned.map((p) => ({ p, seqs: seqsOf(p, "operator") })).filter(({ seqs }) => seqs.length > 0);
  if (withOperators.length === 0) return recorded;
  const existing = await tx.operatorMessage.findMany({
    where: { OR: withOperators.map(({ p, seqs }) => ({ sessionId: p.stored, seq: { in: seqs } })) },
    select: { sessionId: true, seq: true },
  });
  const known = new Set(existing.map((e) => `${e.seq} ${e.sessionId}`));
  for (const { p, seqs } of withOperators) {
    for (const seq of seqs) {
      if (known.has(`${seq} ${p.stored}`)) continue;
      await tx.operatorMessage.create({ data: { sessionId: p.stored, seq } });
      // A cursor already at or past this seq has "seen" it: keep its unread arithmetic exact.
      await tx.readCursor.updateMany({ where: { sessionId: p.stored, lastSeq: { gte: seq } }, data: { opCountAtCursor: { increment: 1 } } });
      recorded.set(p.stored, (recorded.get(p.stored) ?? 0) + 1);
    }
  }
  return recorded;
}

/**
 * A cursor that ran ahead of the index (a tab read seq N before the index had it) has now "seen" the user
 * messages at or below it: count them on the cursor's side too, so its unread stays exact.
 */
async function countUserSeqsOnCursorsAhead(tx: Prisma.TransactionClient, planned: Planned[]): Promise<void> {
  const withUsers = planned.map((p) => ({ p, userSeqs: seqsOf(p, "user") })).filter(({ userSeqs }) => userSeqs.length > 0);
  if (withUsers.length === 0) return;
  const ahead = await tx.readCursor.findMany({
    where: { OR: withUsers.map(({ p }) => ({ sessionId: p.stored, lastSeq: { gt: p.current.headSeq } })) },
    select: { operatorId: true, sessionId: true, lastSeq: true },
  });
  const userSeqsOf = new Map(withUsers.map(({ p, userSeqs }) => [p.stored, userSeqs]));
  for (const cursor of ahead) {
    const seen = seenBy(userSeqsOf.get(cursor.sessionId) ?? [], cursor.lastSeq);
    if (seen > 0) {
      await tx.readCursor.update({
        where: { operatorId_sessionId: { operatorId: cursor.operatorId, sessionId: cursor.sessionId } },
        data: { userCountAtCursor: { increment: seen } },
      });
    }
  }
}

async function updateIndexRow(tx: Prisma.TransactionClient, p: Planned, recorded: number, handoffPhrases: readonly string[]): Promise<IndexedSession> {
  const { headSeq, messages, audit: entry } = rowChange(p, recorded, handoffPhrases, new Date());
  if (!messages) return fromRow(await tx.sessionIndex.update({ where: { id: p.stored }, data: { headSeq }, select: INDEXED_SELECT }));
  if (entry) await audit(entry, tx);
  const { stateChangedAt, opIncrement, userIncrement, ...fields } = messages;
  const updated = await tx.sessionIndex.update({
    where: { id: p.stored },
    data: {
      ...fields,
      ...(stateChangedAt ? { stateChangedAt } : {}),
      headSeq,
      opCount: { increment: opIncrement },
      userCount: { increment: userIncrement },
    },
    select: INDEXED_SELECT,
  });
  return fromRow(updated);
}

// ——— On SQLite's connection (ADR 221) ———

/**
 * The same reads and writes as `writeThroughPrisma`, in the same order (so autoincrement ids come out the same),
 * as prepared statements inside one synchronous transaction. SQLite needs no row locks: the transaction's
 * BEGIN IMMEDIATE holds the database's one write lock. Values are bound as Prisma's adapter binds them
 * (`sqliteValue`), and what Prisma's client adds itself is added here: `updatedAt` (@updatedAt) and the audit
 * row's `at` (@default(now())).
 */
function writeOnSqlite(sqlite: SqliteDriver, batch: Batch): IndexedSession[] {
  const now = new Date();
  const at = sqliteValue(now);
  const head = sqlite.statement(SQLITE.head);
  const planned = planOf(batch, (stored) => {
    const row = head.get(stored);
    return row && currentFromDriver(row);
  });
  if (planned.length === 0) return [];
  const recorded = new Map<string, number>();
  for (const p of planned) {
    for (const seq of seqsOf(p, "operator")) {
      if (sqlite.statement(SQLITE.operatorSeqKnown).get(p.stored, seq)) continue;
      sqlite.statement(SQLITE.operatorSeqInsert).run(p.stored, seq);
      sqlite.statement(SQLITE.cursorsSeeOperatorSeq).run(at, p.stored, seq);
      recorded.set(p.stored, (recorded.get(p.stored) ?? 0) + 1);
    }
  }
  const withMessages = planned.filter((p) => p.fresh.length > 0);
  for (const p of withMessages) sqlite.statement(SQLITE.messagesAbove).run(p.stored, p.current.headSeq);
  const insert = sqlite.statement(SQLITE.messageInsert);
  for (const m of messageRows(withMessages)) insert.run(m.sessionId, m.seq, m.role, sqliteValue(m.body), sqliteValue(m.at));
  for (const p of planned) {
    const userSeqs = seqsOf(p, "user");
    if (userSeqs.length === 0) continue;
    for (const cursor of sqlite.statement(SQLITE.cursorsAhead).all(p.stored, p.current.headSeq)) {
      const seen = seenBy(userSeqs, Number(cursor.lastSeq));
      if (seen > 0) sqlite.statement(SQLITE.cursorSeesUserSeqs).run(seen, at, cursor.operatorId, p.stored);
    }
  }
  return planned.map((p) => {
    const { headSeq, messages, audit: entry } = rowChange(p, recorded.get(p.stored) ?? 0, batch.handoffPhrases, now);
    if (!messages) return indexedFromDriver(sqlite.statement(SQLITE.rowPastLost).get(headSeq, at, p.stored)!);
    if (entry) {
      const row = auditRow(entry);
      sqlite.statement(SQLITE.audit).run(at, row.actorId, row.actorEmail, row.action, row.targetType, row.targetId, sqliteValue(row.details), row.ip);
    }
    const m = messages;
    const bound = [m.state, m.waitingSince, m.handoffReason, m.snoozedUntil, m.stateChangedAt, headSeq, m.opIncrement, m.userIncrement]
      .concat([m.lastActivityAt, m.lastSenderId, m.lastSenderRole, m.lastPreview, now, p.stored])
      .map(sqliteValue);
    return indexedFromDriver(sqlite.statement(SQLITE.row).get(...bound)!);
  });
}

/** The SQLite statements of `writeOnSqlite`, one per step of `writeThroughPrisma`. */
const SQLITE = {
  head: `SELECT "headSeq", "state", "waitingSince", "handoffReason", "snoozedUntil" FROM "SessionIndex" WHERE "id" = ?`,
  operatorSeqKnown: `SELECT 1 FROM "OperatorMessage" WHERE "sessionId" = ? AND "seq" = ?`,
  operatorSeqInsert: `INSERT INTO "OperatorMessage" ("sessionId", "seq") VALUES (?, ?)`,
  cursorsSeeOperatorSeq: `UPDATE "ReadCursor" SET "opCountAtCursor" = "opCountAtCursor" + 1, "updatedAt" = ? WHERE "sessionId" = ? AND "lastSeq" >= ?`,
  messagesAbove: `DELETE FROM "IndexedMessage" WHERE "sessionId" = ? AND "seq" > ?`,
  messageInsert: `INSERT INTO "IndexedMessage" ("sessionId", "seq", "role", "body", "at") VALUES (?, ?, ?, ?, ?)`,
  cursorsAhead: `SELECT "operatorId", "lastSeq" FROM "ReadCursor" WHERE "sessionId" = ? AND "lastSeq" > ?`,
  cursorSeesUserSeqs: `UPDATE "ReadCursor" SET "userCountAtCursor" = "userCountAtCursor" + ?, "updatedAt" = ? WHERE "operatorId" = ? AND "sessionId" = ?`,
  audit: `INSERT INTO "AuditEvent" ("at", "actorId", "actorEmail", "action", "targetType", "targetId", "details", "ip") VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  rowPastLost: `UPDATE "SessionIndex" SET "headSeq" = ?, "updatedAt" = ? WHERE "id" = ? RETURNING ${INDEXED_COLUMNS}`,
  row: `UPDATE "SessionIndex" SET "state" = ?, "waitingSince" = ?, "handoffReason" = ?, "snoozedUntil" = ?,
    "stateChangedAt" = coalesce(?, "stateChangedAt"), "headSeq" = ?, "opCount" = "opCount" + ?, "userCount" = "userCount" + ?,
    "lastActivityAt" = ?, "lastSenderId" = ?, "lastSenderRole" = ?, "lastPreview" = ?, "updatedAt" = ? WHERE "id" = ? RETURNING ${INDEXED_COLUMNS}`,
};

function currentFromDriver(row: Record<string, unknown>): Current {
  return {
    headSeq: Number(row.headSeq),
    state: String(row.state),
    waitingSince: driverDate(row.waitingSince),
    handoffReason: row.handoffReason === null ? null : String(row.handoffReason),
    snoozedUntil: driverDate(row.snoozedUntil),
  };
}

/** Creates the row for a session found by id (an inbox entry the list poll has not shown yet). */
export async function indexSession(session: Session): Promise<IndexedSession> {
  await createRow(session);
  return (await findIndexed(session.id))!;
}
