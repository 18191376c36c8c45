// Reading one session's new messages from FleetLM into the session index, and telling the browsers. Safe to
// repeat: messages are keyed by (session, seq), so a second read of the same range changes nothing. A sync is
// three steps: the read (`readAfterHead`: the index row on the driver, then FleetLM; or `readPushed`: the pushed
// messages when they leave no gap, ADR 224), the index write (alone, or in the sync queue's batch: `IndexWrites`,
// ADR 204), and the announcement (`announce`) after the commit.
import { MessageSchema, type FleetLMRest, type Message } from "@fleetlm/client";
import { readExact } from "~/fleetlm/losses.server";
import { applyIndexWrites, changedEvent, findIndexed, indexSession, type IndexedSession, type IndexWrite } from "~/inbox/session-index.server";
import { liveBus } from "~/live/bus.server";
import type { SessionChangedEvent } from "~/live/events";
import { repliesRecordedThrough } from "~/reviews/backfill.server";
import { recordReplies } from "~/reviews/reply-index.server";

const PAGE_SIZE = 200;

/**
 * What a sync read: the index row it read after, FleetLM's messages above its head, the newest seq FleetLM lost,
 * and `through`: every seq up to it was read (or found lost), none missed.
 */
export type SessionRead = IndexWrite & { row: IndexedSession; messages: Message[]; lostUpTo: number; through: number };

/** Everything after the index's head seq (a row is created for a session the index lacks). Throws FleetLM's errors. */
export async function readAfterHead(rest: FleetLMRest, sessionId: string): Promise<SessionRead> {
  let row: IndexedSession | null = await findIndexed(sessionId);
  if (!row) row = await indexSession(await rest.getSession(sessionId));
  const messages: Message[] = [];
  // Exact ranges, never "the last seq of a page" as read-through: a real FleetLM's page can skip stored seqs
  // behind unflushed ones (protocol §13.1). Seqs it lost are recorded by readExact. No head probe: a range
  // whose end FleetLM has (or passed) means read on; otherwise this was the end.
  let lostUpTo = 0;
  let through = row.headSeq;
  for (let from = row.headSeq + 1; ; from += PAGE_SIZE) {
    const to = from + PAGE_SIZE - 1;
    const read = await readExact(sessionId, { from, to }, { rest });
    messages.push(...read.messages);
    lostUpTo = Math.max(lostUpTo, read.lost.at(-1) ?? 0);
    through = Math.max(through, Math.min(to, read.highestSeen));
    if (read.highestSeen < to) break;
  }
  return { row, messages, lostUpTo, through };
}

/**
 * The read a session's pushed messages make (ADR 224), with no request to FleetLM: only when they run without a gap
 * from the row's head + 1 to `target` or past it, each one a valid message. Else null, and the sync reads FleetLM.
 * A push is what FleetLM stored, sent the moment it stored it; a REST read just after sees the same message
 * (then still in FleetLM's memory, §13.1). Its `inserted_at` has microseconds, the stored one whole seconds (§1.2):
 * it is cut to the second, so the index does not depend on where a message was first seen.
 */
export function readPushed(row: IndexedSession, pushed: ReadonlyMap<number, unknown> | undefined, target: number): SessionRead | null {
  if (!pushed || target <= row.headSeq) return null;
  const messages: Message[] = [];
  for (let seq = row.headSeq + 1; pushed.has(seq); seq++) {
    const parsed = MessageSchema.safeParse(pushed.get(seq));
    if (!parsed.success || parsed.data.seq !== seq || parsed.data.session_id !== row.id) return null;
    const message = parsed.data;
    messages.push({ ...message, insertedAt: new Date(Math.floor(message.insertedAt.getTime() / 1000) * 1000) });
  }
  const through = row.headSeq + messages.length;
  return through >= target ? { row, messages, lostUpTo: 0, through } : null;
}

/**
 * After the index write committed: publishes the updated row (or, with `announce`, the row as read when nothing
 * was new: an earlier pass may have indexed messages and failed before publishing them), then records the reply
 * index. Returns the event it published.
 */
export async function announce(read: SessionRead, updated: IndexedSession | null, options: { announce?: boolean } = {}): Promise<SessionChangedEvent | null> {
  const row = updated ?? (options.announce ? read.row : null);
  const event = row && changedEvent(row);
  if (event) liveBus().publish(event);
  // After the publish: browsers hear of the new head without waiting for the reply index (up to 0.8 s a pass
  // on a loaded machine), which no badge reads.
  if (read.messages.length > 0) await recordReplies({ id: read.row.id, agentId: read.row.agentId }, read.messages);
  // So the reply backfill does not read this range again (one GET per changed session and pass, before).
  repliesRecordedThrough(read.row.id, read.row.headSeq, read.through);
  return event;
}

/**
 * Reads everything after the index's head seq and writes it on its own; the event it published, or null when
 * nothing new was indexed. `announce`: see `announce()`. Throws FleetLM's errors.
 */
export async function readNewMessages(rest: FleetLMRest, sessionId: string, options: { announce?: boolean } = {}): Promise<SessionChangedEvent | null> {
  const read = await readAfterHead(rest, sessionId);
  const [updated] = await applyIndexWrites([read]);
  return announce(read, updated ?? null, options);
}
