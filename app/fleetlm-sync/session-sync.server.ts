// Reading one session's new messages from FleetLM into the session index, and telling the browsers. Safe to
// repeat: messages are keyed by (session, seq), so a second read of the same range changes nothing.
import type { FleetLMRest, Message } from "@fleetlm/client";
import { db } from "~/db.server";
import { readExact } from "~/fleetlm/losses.server";
import { applyMessages, changedEvent, findIndexed, indexSession, type IndexedSession } from "~/inbox/session-index.server";
import { toStored } from "~/lib/stored-text";
import { liveBus } from "~/live/bus.server";
import type { SessionChangedEvent } from "~/live/events";
import { recordReplies } from "~/reviews/reply-index.server";

const PAGE_SIZE = 200;

/**
 * Reads everything after the index's head seq; the event it published, or null when nothing new was indexed.
 * `announce`: an earlier pass may have indexed messages and failed before publishing them, so publish the row as
 * it stands even when nothing is new (otherwise browsers would not hear of that head until the next message).
 * Throws FleetLM's errors.
 */
export async function readNewMessages(rest: FleetLMRest, sessionId: string, options: { announce?: boolean } = {}): Promise<SessionChangedEvent | null> {
  let row: IndexedSession | null = await findIndexed(sessionId);
  if (!row) row = await indexSession(await rest.getSession(sessionId));
  const messages: Message[] = [];
  // Exact ranges, never "the last seq of a page" as read-through: a real FleetLM's page can skip stored seqs
  // behind unflushed ones (protocol §13.1). Seqs it lost are recorded by readExact. No head probe: a range
  // whose end FleetLM has (or passed) means read on; otherwise this was the end.
  let lastLost = 0;
  for (let from = row.headSeq + 1; ; from += PAGE_SIZE) {
    const to = from + PAGE_SIZE - 1;
    const read = await readExact(sessionId, { from, to }, { rest });
    messages.push(...read.messages);
    lastLost = Math.max(lastLost, read.lost.at(-1) ?? 0);
    if (read.highestSeen < to) break;
  }
  let updated = await applyMessages(row, messages);
  const applied = updated?.headSeq ?? row.headSeq;
  const reached = Math.max(applied, lastLost);
  // The newest seqs are lost: the head still moves past them (they existed), so the next sync starts above.
  if (reached > applied) await (await db()).sessionIndex.updateMany({ where: { id: toStored(row.id), headSeq: { lt: reached } }, data: { headSeq: reached } });
  if (reached > applied) updated = await findIndexed(row.id);
  if (!updated && options.announce) updated = row;
  const event = updated && changedEvent(updated);
  if (event) liveBus().publish(event);
  // After the publish: browsers hear of the new head without waiting for the reply index (up to 0.8 s a pass
  // on a loaded machine), which no badge reads.
  if (messages.length > 0) await recordReplies({ id: row.id, agentId: row.agentId }, messages);
  return event;
}
