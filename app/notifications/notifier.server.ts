// Turns the inbox's `session.changed` events into per-operator `notify` events (issue 17): a new user message in
// a session I hold or am assigned, and a session entering "waiting on a human" for everyone who can pick it up.
// Runs once per cluster (the leader, beside the gateway), so each change is announced once; each tab decides
// whether to show it (not while it is focused on that session) — see components/notifier.tsx.
import type { Bus } from "~/live/bus.server";
import { can } from "~/auth/permissions";
import { db, driverDate, driverRows } from "~/db.server";
import { fromStored, toStored } from "~/lib/stored-text";
import type { NotifyEvent, SessionChangedEvent } from "~/live/events";
import { idleMs } from "~/takeover/takeover.server";
import { notificationPrefsOf } from "./preferences.server";

/** What the notifier remembers of a session, to tell a new message or a new wait from a repeat of the same one. */
type Seen = { userCount: number; waiting: boolean };
export type NotifierMemory = Map<string, Seen>;

const MEMORY_LIMIT = 10_000;
/** A session seen for the first time counts as new only if its message or its wait is this recent. */
const FRESH_MS = 60_000;

function fresh(at: Date | null, now: number) {
  return at !== null && now - at.getTime() <= FRESH_MS;
}

function remember(memory: NotifierMemory, sessionId: string, seen: Seen) {
  memory.delete(sessionId);
  memory.set(sessionId, seen);
  if (memory.size > MEMORY_LIMIT) memory.delete(memory.keys().next().value!);
}

const BODY_CHARS = 140;
const clip = (text: string | null | undefined) => (text && text.length > BODY_CHARS ? `${text.slice(0, BODY_CHARS - 1)}…` : (text ?? ""));

/** The session's index row and its active takeover's holder, in one query. */
const NOTICE_SQL = `SELECT s."userId", s."userCount", s."state", s."stateChangedAt", s."assigneeId", s."handoffReason", s."lastPreview",
  s."lastSenderRole", s."lastActivityAt", t."operatorId" AS "holderId", t."lastActivityAt" AS "holderActiveAt"
  FROM "SessionIndex" s LEFT JOIN "Takeover" t ON t."activeSessionId" = ? WHERE s."id" = ?`;

type NoticeRow = {
  userId: string;
  userCount: number;
  state: string;
  stateChangedAt: Date | null;
  assigneeId: string | null;
  handoffReason: string | null;
  lastPreview: string | null;
  lastSenderRole: string | null;
  lastActivityAt: Date | null;
  /** Who holds the session, unless the claim has idled out (the takeover sweep ends it). */
  holderId: string | null;
};

const textOrNull = (value: unknown) => (value === null || value === undefined ? null : String(value));

/**
 * On the driver (ADR 181): the notifier reads this for every change the gateway announces, and Prisma's client
 * engine cost more CPU than the read (four queries a user message through Prisma, one here; issue 19).
 */
async function noticeRowOf(sessionId: string, now: number): Promise<NoticeRow | null> {
  const [row] = await driverRows(await db(), NOTICE_SQL, [sessionId, toStored(sessionId)]);
  if (!row) return null;
  const holderActiveAt = driverDate(row.holderActiveAt);
  return {
    userId: String(row.userId),
    userCount: Number(row.userCount),
    state: String(row.state),
    stateChangedAt: driverDate(row.stateChangedAt),
    assigneeId: textOrNull(row.assigneeId),
    handoffReason: textOrNull(row.handoffReason),
    lastPreview: textOrNull(row.lastPreview),
    lastSenderRole: textOrNull(row.lastSenderRole),
    lastActivityAt: driverDate(row.lastActivityAt),
    holderId: row.holderId && holderActiveAt && now - holderActiveAt.getTime() <= idleMs() ? String(row.holderId) : null,
  };
}

/** The notifications one change raises, one per operator at most (a message beats a wait). */
export async function notificationsFor(
  event: SessionChangedEvent,
  memory: NotifierMemory,
  now = Date.now(),
): Promise<{ audience: string; event: NotifyEvent }[]> {
  const prisma = await db();
  const row = await noticeRowOf(event.sessionId, now);
  if (!row) return [];
  const known = memory.get(event.sessionId);
  const waiting = row.state === "waiting";
  remember(memory, event.sessionId, { userCount: row.userCount, waiting });
  const newMessage = row.lastSenderRole === "user" && (known ? row.userCount > known.userCount : fresh(row.lastActivityAt, now));
  const newWait = waiting && (known ? !known.waiting : fresh(row.stateChangedAt, now));
  if (!newMessage && !newWait) return [];

  const user = fromStored(row.userId);
  const mine = new Set<string>();
  if (newMessage) {
    if (row.holderId) mine.add(row.holderId);
    if (row.assigneeId) mine.add(row.assigneeId);
  }
  const handlers = newWait ? await prisma.operator.findMany({ where: { active: true }, select: { id: true, role: true } }) : [];
  const mineActive = mine.size ? await prisma.operator.findMany({ where: { id: { in: [...mine] }, active: true }, select: { id: true } }) : [];
  const waitingFor = handlers.filter((op) => can(op, "takeover:claim")).map((op) => op.id);
  const prefs = await notificationPrefsOf([...new Set([...mineActive.map((op) => op.id), ...waitingFor])]);

  const out: { audience: string; event: NotifyEvent }[] = [];
  const seq = event.headSeq;
  for (const op of mineActive) {
    const pref = prefs.get(op.id);
    if (!pref?.mine) continue;
    out.push({
      audience: op.id,
      event: {
        type: "notify",
        sessionId: event.sessionId,
        reason: "message",
        seq,
        title: `New message from ${user}`,
        body: clip(row.lastPreview),
        sound: pref.sound,
      },
    });
  }
  const told = new Set(out.map((item) => item.audience));
  for (const id of waitingFor) {
    const pref = prefs.get(id);
    if (told.has(id) || !pref?.waiting) continue;
    out.push({
      audience: id,
      event: {
        type: "notify",
        sessionId: event.sessionId,
        reason: "waiting",
        seq,
        title: `Waiting on a human: ${user}`,
        body: clip(row.handoffReason ?? row.lastPreview),
        sound: pref.sound,
      },
    });
  }
  return out;
}

/** Subscribes to the bus; changes are handled one at a time so two events of one session never race. */
export function startNotifier(bus: Bus): () => void {
  const memory: NotifierMemory = new Map();
  let queue = Promise.resolve();
  return bus.subscribe(({ event }) => {
    if (event.type !== "session.changed") return;
    queue = queue
      .then(async () => {
        for (const item of await notificationsFor(event, memory)) bus.publish(item.event, item.audience);
      })
      .catch((error) => console.error("[notifier] could not work out a notification:", error));
  });
}
