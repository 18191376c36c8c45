// A FleetLM message as the Console's pages and live events carry it: content and metadata within MESSAGE_BOUNDS
// (ADR 085), and who wrote it from the sender id and the send ledger, never from metadata (ADR 087). Shared by the
// session page's history, the session watch's live messages and the reviews' reply context.
import type { Message } from "@fleetlm/client";
import type { ViewMessage } from "~/sessions/types";
import { authorshipOf } from "./authorship.server";
import { isoInstant } from "~/lib/format-date";
import { boundMessageBody } from "./bounds";

/** A FleetLM message as the page gets it: content and metadata within MESSAGE_BOUNDS (ADR 085). */
export function toViewMessage(message: Message): ViewMessage {
  const bounded = boundMessageBody(message.content, message.metadata);
  return {
    id: message.id,
    sessionId: message.session_id,
    seq: message.seq,
    senderId: message.sender_id,
    kind: message.kind,
    content: bounded.content,
    metadata: bounded.metadata,
    omitted: bounded.omitted,
    insertedAt: isoInstant(message.insertedAt),
    insertedAtRaw: message.inserted_at,
  };
}

/**
 * Each message of a page gets its authorship (sender id and send ledger, never metadata; ADR 087), set on the
 * page's own objects (fresh from `toViewMessage`; a copy of each would cost more than the rest of the mapping).
 */
export async function withAuthorship<T extends ViewMessage>(session: { id: string; userId: string; agentId: string }, messages: T[]): Promise<T[]> {
  const authors = await authorshipOf(
    session,
    messages.map((m) => ({ seq: m.seq, sender_id: m.senderId, kind: m.kind, metadata: m.metadata })),
  );
  for (const message of messages) message.author = authors.get(message.seq);
  return messages;
}
