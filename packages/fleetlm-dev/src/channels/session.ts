// `session:{id}` channel (§5): authorised join with replay of the oldest 100, `send` in FleetLM's accepted forms.
import { sessionTopic } from "../core/conversations.js";
import { messageJson } from "../core/render.js";
import { inspect } from "../util/inspect.js";
import { leadingInt } from "../util/parse-int.js";
import type { Channel, ChannelDeps, EventResult, JoinResult } from "./types.js";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export class SessionChannel implements Channel {
  private unsubscribe: (() => void) | null = null;

  constructor(
    private sessionId: string,
    private deps: ChannelDeps,
  ) {}

  join(params: unknown): JoinResult {
    if (!isObject(params)) throw new Error("join params must be a map");
    const raw = params.last_seq;
    // An object cannot be turned into a string in Elixir, so the join crashes.
    if (isObject(raw)) throw new Error("last_seq must not be a map");
    const parsed = leadingInt(raw);
    const lastSeq = parsed !== null && parsed >= 0 ? parsed : 0;
    const { store, hub } = this.deps.conversations;
    const session = store.getSession(this.sessionId);
    if (!session) return { ok: false, reason: "not found" };
    if (this.deps.identity !== session.user_id && this.deps.identity !== session.agent_id) {
      return { ok: false, reason: "unauthorized" };
    }
    // Runtime.get_messages(session_id, last_seq, 100): the same (possibly holed) read as REST.
    const messages = this.deps.conversations.reads.getMessages(session.id, lastSeq, 100).map((m) => messageJson(m));
    this.unsubscribe = hub.subscribe(sessionTopic(session.id), (event, payload) => this.deps.push(event, payload));
    return { ok: true, response: { session_id: session.id, messages } };
  }

  handleIn(event: string, payload: unknown): EventResult {
    if (event !== "send") return { crash: true };
    // session_channel.ex: three `send` clauses and a catch-all `handle_in("send", payload, ...)` that replies
    // invalid_message_format for anything else, a payload without "content" included (no crash).
    const inner = isObject(payload) ? payload.content : undefined;
    let message: { kind: string; content: Record<string, unknown>; metadata: Record<string, unknown> };
    if (isObject(inner) && typeof inner.kind === "string" && isObject(inner.content)) {
      message = { kind: inner.kind, content: inner.content, metadata: isObject(inner.metadata) ? inner.metadata : {} };
    } else if (isObject(inner) && isObject(inner.content)) {
      message = { kind: "text", content: inner.content, metadata: {} };
    } else {
      return {
        reply: {
          status: "error",
          response: {
            error: "invalid_message_format",
            details: "content must be a map, metadata must be a map",
            received: inspect(payload),
          },
        },
      };
    }
    const { conversations } = this.deps;
    const session = conversations.store.getSession(this.sessionId);
    if (!session) return { reply: { status: "error", response: { error: ":session_not_found" } } };
    const row = conversations.append(session, { senderId: this.deps.identity, ...message });
    // The sender sees the reply before the message events for its send (§5.3).
    return {
      reply: { status: "ok", response: { seq: row.seq } },
      after: () => conversations.fanOut(session, row, { viaWsSend: true }),
    };
  }

  terminate(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }
}
