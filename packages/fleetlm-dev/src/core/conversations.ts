// The append path shared by REST, WS `send` and webhook replies, with FleetLM's fan-out matrix (§7).
import type { CompletedMessage } from "@fleetlm/client/assembler";
import { DefaultReads, type MessageReads } from "../store/real-storage.js";
import type { MessageRow, SessionRow, Store } from "../store/types.js";
import { newSlug } from "../util/ids.js";
import { microsToIso, nowMicros } from "../util/time.js";
import type { Hub } from "./hub.js";
import type { Inboxes } from "./inbox-server.js";
import { messageJson } from "./render.js";

export interface AppendInput {
  senderId: string;
  kind: string;
  content: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export interface WebhookTrigger {
  trigger(sessionId: string): void;
}

export const sessionTopic = (sessionId: string) => `session:${sessionId}`;

export class Conversations {
  webhooks: WebhookTrigger | null = null;
  /** Counts for /metrics. */
  appendCount = 0;

  constructor(
    readonly store: Store,
    readonly hub: Hub,
    readonly inboxes: Inboxes,
    readonly quirks: boolean,
    /** How stored messages are read back: contiguous (default) or FleetLM's real holed, lossy storage. */
    readonly reads: MessageReads = new DefaultReads(store),
  ) {}

  /** Stores the message with the next seq. Fan-out is separate so WS can reply before the events go out. */
  append(session: SessionRow, input: AppendInput): MessageRow {
    const row = this.store.appendMessage({
      id: newSlug(),
      session_id: session.id,
      sender_id: input.senderId,
      recipient_id: input.senderId === session.user_id ? session.agent_id : session.user_id,
      kind: input.kind,
      content: input.content,
      metadata: input.metadata,
      inserted_at: nowMicros(),
    });
    this.reads.onAppend(row);
    this.appendCount += 1;
    return row;
  }

  /**
   * One `message` event and one inbox notification; WS `send` in faithful mode emits both twice,
   * the second with a fresh random id and timestamp (quirk 1). User messages trigger the agent webhook.
   */
  fanOut(session: SessionRow, row: MessageRow, options: { viaWsSend?: boolean } = {}): void {
    this.publish(session, row);
    if (options.viaWsSend && this.quirks) {
      this.publish(session, { ...row, id: newSlug(), inserted_at: nowMicros() });
    }
    if (isUserMessage(session, row.sender_id)) this.webhooks?.trigger(session.id);
  }

  /** Stores and publishes an assistant message assembled from a webhook stream (§8.6). */
  storeAssistant(session: SessionRow, agentId: string, message: CompletedMessage): MessageRow {
    const row = this.append(session, {
      senderId: agentId,
      kind: "assistant",
      content: message.content as unknown as Record<string, unknown>,
      metadata: message.metadata,
    });
    this.fanOut(session, row);
    return row;
  }

  private publish(session: SessionRow, row: MessageRow): void {
    this.hub.broadcast(sessionTopic(session.id), "message", messageJson(row, "micros"));
    this.inboxes.notify(session.user_id, {
      session_id: session.id,
      agent_id: session.agent_id,
      sender_id: row.sender_id,
      at: microsToIso(row.inserted_at),
      atMicros: row.inserted_at,
    });
  }
}

/** §7: sender is the session's user, the session has an agent, and the sender is not also the agent. */
export function isUserMessage(session: SessionRow, senderId: string): boolean {
  return senderId === session.user_id && session.agent_id !== "" && senderId !== session.agent_id;
}
