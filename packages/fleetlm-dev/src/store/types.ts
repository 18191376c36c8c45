// Rows as the server keeps them. Timestamps are microseconds since the epoch; rendering picks the precision.

export type SessionStatus = "active" | "inactive" | "archived";

export interface SessionRow {
  id: string;
  user_id: string;
  agent_id: string;
  status: SessionStatus;
  metadata: Record<string, unknown>;
  inserted_at: number;
  updated_at: number;
}

export interface MessageRow {
  id: string;
  session_id: string;
  seq: number;
  sender_id: string;
  recipient_id: string;
  kind: string;
  content: Record<string, unknown>;
  metadata: Record<string, unknown>;
  inserted_at: number;
}

export type NewMessage = Omit<MessageRow, "seq">;

export interface AgentRow {
  id: string;
  name: string;
  origin_url: string;
  webhook_path: string;
  message_history_mode: "tail" | "entire" | "last";
  /** null is a stored value in FleetLM (nullable column). */
  message_history_limit: number | null;
  timeout_ms: number;
  headers: Record<string, unknown> | null;
  status: "enabled" | "disabled";
  debounce_window_ms: number;
  compaction_enabled: boolean;
  compaction_token_budget: number;
  compaction_trigger_ratio: number;
  compaction_webhook_url: string | null;
  inserted_at: number;
  updated_at: number;
}

export interface CursorRow {
  session_id: string;
  user_id: string;
  last_seq: number;
}

/** Synchronous on purpose: an append assigns its seq and is durable before anything else runs. */
export interface Store {
  createSession(row: SessionRow): void;
  getSession(id: string): SessionRow | undefined;
  /** Newest first, every status; `userId` undefined means all users. */
  listSessions(userId: string | undefined, limit: number): SessionRow[];
  /** Every non-archived session of a user (inbox start). */
  openSessionsForUser(userId: string): SessionRow[];
  setSessionStatus(id: string, status: SessionStatus, updatedAt: number): void;

  /** Assigns the next gapless seq of the session and stores the message. */
  appendMessage(message: NewMessage): MessageRow;
  /** Oldest `limit` messages with seq > afterSeq, ascending. */
  listMessages(sessionId: string, afterSeq: number, limit: number): MessageRow[];
  /** Newest `limit` messages, ascending. */
  lastMessages(sessionId: string, limit: number): MessageRow[];
  messageCount(sessionId: string): number;

  upsertCursor(cursor: CursorRow): void;
  getCursor(sessionId: string, userId: string): CursorRow | undefined;

  listAgents(): AgentRow[];
  getAgent(id: string): AgentRow | undefined;
  insertAgent(row: AgentRow): void;
  /** Writes `row` in place of the agent stored as `oldId` (the id itself may change, quirk 11). */
  replaceAgent(oldId: string, row: AgentRow): void;

  /** Bulk load for --seed-sessions: messages must carry their seqs, gapless from 1 per session. */
  seed(sessions: SessionRow[], messages: MessageRow[]): void;
  close(): void;
}
