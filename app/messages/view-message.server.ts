// A FleetLM message as the Console's pages and live events carry it: content and metadata within MESSAGE_BOUNDS
// (ADR 085), and who wrote it from the sender id and the send ledger, never from metadata (ADR 087). Shared by the
// session page's history, the session watch's live messages and the reviews' reply context.
import { parseNaiveUtc, type MessageFields } from "@fleetlm/client";
import type { ViewMessage } from "~/sessions/types";
import { authorshipOf } from "./authorship.server";
import { isoInstant } from "~/lib/format-date";
import { boundMessageBody } from "./bounds";

/**
 * A FleetLM message as the page gets it: content and metadata within MESSAGE_BOUNDS (ADR 085). Takes checked
 * fields (the SDK's `Message` is one): history reads pass it to the SDK as `as`, so it runs in the check's pass.
 */
export function toViewMessage(message: MessageFields): ViewMessage {
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
    insertedAt: naiveIsoInstant(message.inserted_at),
    insertedAtRaw: message.inserted_at,
  };
}

// A naive timestamp without a zone, years 1000–9999 (Date.UTC reads years below 100 as 19xx).
const PLAIN_NAIVE = /^[1-9]\d{3}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.(\d{1,9}))?$/;

/**
 * `isoInstant(parseNaiveUtc(value))` for a timestamp that passed the SDK's check (a real calendar value): a naive
 * one is already the instant in UTC, so only its form changes (milliseconds, truncated, and "Z"), with no Date.
 * Anything else (a zone, an odd year) goes through the Date.
 */
export function naiveIsoInstant(value: string): string {
  const match = PLAIN_NAIVE.exec(value);
  if (!match) return isoInstant(parseNaiveUtc(value));
  const fraction = match[1];
  const ms = fraction === undefined ? "000" : fraction.length >= 3 ? fraction.slice(0, 3) : fraction.padEnd(3, "0");
  return `${value.slice(0, 10)}T${value.slice(11, 19)}.${ms}Z`;
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
