// The JSON shapes FleetLM puts on the wire, with the timestamp precision each place uses (§1.2).
import { microsToIso, microsToSeconds } from "../util/time.js";
import type { AgentRow, MessageRow, SessionRow } from "../store/types.js";

export function sessionJson(s: SessionRow) {
  return {
    id: s.id,
    user_id: s.user_id,
    agent_id: s.agent_id,
    status: s.status,
    metadata: s.metadata,
    inserted_at: microsToSeconds(s.inserted_at),
    updated_at: microsToSeconds(s.updated_at),
  };
}

/** Stored/replayed messages use seconds; live events and the append response use microseconds. */
export function messageJson(m: MessageRow, precision: "seconds" | "micros" = "seconds") {
  return {
    id: m.id,
    session_id: m.session_id,
    seq: m.seq,
    sender_id: m.sender_id,
    kind: m.kind,
    content: m.content,
    metadata: m.metadata,
    inserted_at: precision === "seconds" ? microsToSeconds(m.inserted_at) : microsToIso(m.inserted_at),
  };
}

/** The webhook payload leaves out id and metadata (§8.3). */
export function webhookMessageJson(m: MessageRow) {
  return { seq: m.seq, sender_id: m.sender_id, kind: m.kind, content: m.content, inserted_at: microsToSeconds(m.inserted_at) };
}

/** Only these 11 keys; debounce and compaction settings are stored but never returned (quirk 10). */
export function agentJson(a: AgentRow) {
  return {
    id: a.id,
    name: a.name,
    origin_url: a.origin_url,
    webhook_path: a.webhook_path,
    message_history_mode: a.message_history_mode,
    message_history_limit: a.message_history_limit,
    timeout_ms: a.timeout_ms,
    headers: a.headers,
    status: a.status,
    inserted_at: microsToSeconds(a.inserted_at),
    updated_at: microsToSeconds(a.updated_at),
  };
}
