// FleetLM payload shapes, checked with zod where they enter the client (REST bodies, join replies, pushes).
// Timestamps keep FleetLM's raw naive string (`inserted_at`) and gain a parsed UTC Date (`insertedAt`).
import { z } from "zod";

const NAIVE_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses FleetLM's naive ISO-8601 timestamps (`2025-10-23T10:48:00` or `2025-10-23T10:48:00.123456`) as UTC.
 * `new Date(s)` would read them as local time. Fractions beyond milliseconds are truncated. A timestamp that
 * does carry `Z` or an offset is honoured. Throws a RangeError on anything else.
 */
export function parseNaiveUtc(value: string): Date {
  const match = NAIVE_TIMESTAMP.exec(value);
  if (!match) throw new RangeError(`not a FleetLM timestamp: ${JSON.stringify(value)}`);
  const [, y, mo, d, h, mi, s, fraction = "", zone] = match;
  const ms = Number(fraction.padEnd(3, "0").slice(0, 3));
  const fields = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  const local = new Date(Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], fields[5], ms));
  // Date.UTC rolls 2025-02-30 over to March; a real calendar value survives the round trip.
  if (local.getUTCMonth() !== fields[1] - 1 || local.getUTCDate() !== fields[2] || fields[3] > 23 || fields[4] > 59 || fields[5] > 59) {
    throw new RangeError(`not a valid FleetLM timestamp: ${JSON.stringify(value)}`);
  }
  const offsetMs = zone && zone !== "Z" ? zoneOffsetMs(zone) : 0;
  return new Date(local.getTime() - offsetMs);
}

function zoneOffsetMs(zone: string): number {
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
}

/** The fraction digits of a naive timestamp: 0 for stored values, 6 for live ones (quirk 3). */
export function timestampPrecision(value: string): number {
  const match = NAIVE_TIMESTAMP.exec(value);
  return match?.[7]?.length ?? 0;
}

const NaiveTimestampSchema = z.string().refine(
  (value) => {
    try {
      parseNaiveUtc(value);
      return true;
    } catch {
      return false;
    }
  },
  { message: "expected a naive ISO-8601 timestamp" },
);

const JsonObjectSchema = z.record(z.string(), z.unknown());

/** Every check of a persisted message, before the SDK adds `insertedAt` (see `MessageSchema`). */
export const MessageFieldsSchema = z.object({
  id: z.string(),
  session_id: z.string(),
  seq: z.number().int().positive(),
  sender_id: z.string(),
  kind: z.string(),
  content: JsonObjectSchema,
  metadata: JsonObjectSchema.default({}),
  inserted_at: NaiveTimestampSchema,
});
/** A persisted message as FleetLM sends it, checked: `inserted_at` is a valid naive timestamp. */
export type MessageFields = z.output<typeof MessageFieldsSchema>;

export const MessageSchema = MessageFieldsSchema.transform((message) => ({ ...message, insertedAt: parseNaiveUtc(message.inserted_at) }));
/** One persisted message. `inserted_at` is FleetLM's raw string; `insertedAt` the same instant as a Date. */
export type Message = z.output<typeof MessageSchema>;

/**
 * What a read makes of each checked message instead of the SDK's `Message` (`listMessages`/`readRange`'s `as`):
 * a caller that maps every message into its own shape gets it in the same pass as the check, without the SDK's
 * copy and Date in between. It is given fields that passed every check of `MessageFieldsSchema`.
 */
export type MessageMaker<M extends { seq: number }> = (fields: MessageFields) => M;

export const SessionStatusSchema = z.enum(["active", "inactive", "archived"]);
export type SessionStatus = z.output<typeof SessionStatusSchema>;

export const SessionSchema = z
  .object({
    id: z.string(),
    user_id: z.string(),
    agent_id: z.string(),
    status: SessionStatusSchema,
    metadata: JsonObjectSchema.default({}),
    inserted_at: NaiveTimestampSchema,
    updated_at: NaiveTimestampSchema,
  })
  .transform((session) => ({
    ...session,
    insertedAt: parseNaiveUtc(session.inserted_at),
    updatedAt: parseNaiveUtc(session.updated_at),
  }));
export type Session = z.output<typeof SessionSchema>;

export const HistoryModeSchema = z.enum(["tail", "entire", "last"]);
export type HistoryMode = z.output<typeof HistoryModeSchema>;
export const AgentStatusSchema = z.enum(["enabled", "disabled"]);
export type AgentStatus = z.output<typeof AgentStatusSchema>;

export const AgentSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    origin_url: z.string(),
    webhook_path: z.string(),
    message_history_mode: HistoryModeSchema,
    // Nullable columns in FleetLM (create_agents.exs): a null is a real value, not a malformed agent.
    message_history_limit: z.number().int().nullable(),
    timeout_ms: z.number().int(),
    headers: z.record(z.string(), z.unknown()).nullable().default({}),
    status: AgentStatusSchema,
    inserted_at: NaiveTimestampSchema,
    updated_at: NaiveTimestampSchema,
  })
  .transform((agent) => ({
    ...agent,
    insertedAt: parseNaiveUtc(agent.inserted_at),
    updatedAt: parseNaiveUtc(agent.updated_at),
  }));
export type Agent = z.output<typeof AgentSchema>;

export const InboxEntrySchema = z
  .object({
    session_id: z.string(),
    agent_id: z.string().nullable(),
    unread_count: z.number().int(),
    last_activity_at: NaiveTimestampSchema.nullable(),
    last_sender_id: z.string().nullable(),
  })
  .transform((entry) => ({
    ...entry,
    lastActivityAt: entry.last_activity_at === null ? null : parseNaiveUtc(entry.last_activity_at),
  }));
/** One inbox row. `unread_count` counts notifications since FleetLM's inbox server started (quirk 5). */
export type InboxEntry = z.output<typeof InboxEntrySchema>;

// REST envelopes.
export const SessionListResponseSchema = z.object({ sessions: z.array(SessionSchema) });
export const SessionResponseSchema = z.object({ session: SessionSchema });
export const MessageListResponseSchema = z.object({ messages: z.array(MessageSchema) });
export const MessageResponseSchema = z.object({ message: MessageSchema });
export const AgentListResponseSchema = z.object({ agents: z.array(AgentSchema) });
export const AgentResponseSchema = z.object({ agent: AgentSchema });
export const AgentDisableResponseSchema = z.object({ agent: AgentSchema, message: z.string().optional() });

// Channel payloads.
export const SessionJoinReplySchema = z.object({ session_id: z.string(), messages: z.array(MessageSchema) });
export type SessionJoinReply = z.output<typeof SessionJoinReplySchema>;
export const InboxPayloadSchema = z.object({ inbox: z.array(InboxEntrySchema) });
/** Both the inbox join reply and every `inbox_delta` push: the full list of entries. */
export type InboxPayload = z.output<typeof InboxPayloadSchema>;
export const SendReplySchema = z.object({ seq: z.number().int().positive() });
export type SendReply = z.output<typeof SendReplySchema>;
export const StreamChunkPayloadSchema = z.object({ agent_id: z.string(), chunk: z.unknown() });
/** A `stream_chunk` push: one AI SDK UI-message chunk forwarded as the agent sent it (any JSON). */
export interface StreamChunkEvent {
  agentId: string;
  chunk: Record<string, unknown>;
}

/**
 * Who stopped an assistant reply. FleetLM does not merge an `abort` chunk's messageMetadata into the stored
 * metadata (assembler.ex), so the Console's `stopped_by` survives only in `metadata._finish_chunk`; older
 * dev servers merged it, so the top level is read too.
 */
export function stoppedBy(metadata: Record<string, unknown> | null | undefined): Record<string, unknown> | null {
  if (!metadata) return null;
  const finish = metadata._finish_chunk;
  const fromChunk =
    finish && typeof finish === "object" && !Array.isArray(finish)
      ? ((finish as Record<string, unknown>).messageMetadata as Record<string, unknown> | undefined)?.stopped_by
      : undefined;
  const value = fromChunk ?? metadata.stopped_by;
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}
