// Events the Console pushes to browsers over server-sent events (/live). Shared by server and client code.
import type { Authorship } from "~/messages/authorship";
import type { MessageOmissions } from "~/messages/bounds";

export type SenderRole = "user" | "agent" | "operator";

/** One inbox row changed (new message, read state, assignment, labels, takeover...). Browsers re-read what they show. */
export type SessionChangedEvent = {
  type: "session.changed";
  sessionId: string;
  userId: string;
  agentId: string;
  headSeq: number;
  /** Operator-written messages so far: with headSeq, lets a page update an unread badge before it reloads. */
  opCount?: number;
  /** The end user's messages so far: with a row's own count, lets a page move its unread badge before it reloads. */
  userCount?: number;
  lastActivityAt: string | null;
  lastSenderRole: SenderRole | null;
  lastPreview: string | null;
};

/** A persisted message of a watched session, delivered once and in seq order. */
export type LiveMessageEvent = { type: "message"; sessionId: string; message: LiveMessage };
/** A live stream chunk of the agent's reply in a watched session (never replayed). */
export type ChunkEvent = { type: "chunk"; sessionId: string; agentId: string; chunk: Record<string, unknown> };
/** Per-operator read state changed (only sent to that operator). */
export type ReadEvent = { type: "read"; sessionId: string; operatorId: string; lastSeq: number };
export type TakeoverEvent = {
  type: "takeover";
  sessionId: string;
  holder: { id: string; name: string } | null;
  takeoverId: string | null;
  expiresAt: string | null;
};
/** Who views a session; `watching` is true once the Console has joined its channel (new messages will arrive live). */
export type PresenceEvent = { type: "presence"; sessionId: string; viewers: { id: string; name: string }[]; watching?: boolean };
/** Who views a session, for the inbox rows (every tab gets it; the session page keeps using `presence`). */
export type ViewersEvent = { type: "viewers"; sessionId: string; viewers: { id: string; name: string }[] };
export type GatewayStatusEvent = { type: "gateway"; connected: boolean; fleetlmReachable: boolean };

/** Seqs of a watched session that FleetLM lost (protocol §13.2): the view shows a marker in their place. */
export type LostEvent = { type: "lost"; sessionId: string; seqs: number[] };
/** The gate kept the AI from answering a user message because the session is held (ADR 040). */
export type GatePausedEvent = { type: "gate.paused"; sessionId: string; seq: number };
/** A teammate is drafting a reply in this session's composer (throttled; never the text). */
export type TypingEvent = { type: "typing"; sessionId: string; operator: { id: string; name: string } };
/** The session's notes changed: viewers re-read them. */
export type NotesChangedEvent = { type: "notes"; sessionId: string };
/**
 * Something one operator asked to be told about (always published with that operator as the audience): a new
 * user message in a session they hold or are assigned, or a session entering "waiting on a human".
 */
export type NotifyEvent = {
  type: "notify";
  sessionId: string;
  reason: "message" | "waiting";
  seq: number;
  title: string;
  body: string;
  sound: boolean;
};

export type LiveEvent =
  | SessionChangedEvent
  | LiveMessageEvent
  | ChunkEvent
  | ReadEvent
  | TakeoverEvent
  | PresenceEvent
  | ViewersEvent
  | GatewayStatusEvent
  | LostEvent
  | GatePausedEvent
  | TypingEvent
  | NotesChangedEvent
  | NotifyEvent;

/**
 * Stream control frames of /live, next to the LiveEvents: `hello` opens every connection (its id is the
 * resume point), `reset` says events were missed (the buffer moved on, or the server restarted), so the
 * page must reload its data instead of trusting the feed.
 */
export type LiveControlEvent = { type: "hello" } | { type: "reset" };
export type LiveStreamEvent = LiveEvent | LiveControlEvent;

export type LiveMessage = {
  id: string;
  sessionId: string;
  seq: number;
  senderId: string;
  kind: string;
  /** Within MESSAGE_BOUNDS (app/messages/bounds.ts); what was cut is in `omitted`. */
  content: Record<string, unknown>;
  metadata: Record<string, unknown>;
  insertedAt: string; // ISO with Z
  /** What the bound cut from content and metadata; null (or absent) when the message is whole. */
  omitted?: MessageOmissions | null;
  /** Who wrote it, from the sender id and the send ledger (never from metadata); set by the server. */
  author?: Authorship;
};
