// The contract between the socket and its channels: join once, then events; a channel may "crash".
import type { Conversations } from "../core/conversations.js";
import type { Inboxes } from "../core/inbox-server.js";

export interface ChannelDeps {
  conversations: Conversations;
  inboxes: Inboxes;
  quirks: boolean;
  /** The socket identity: user_id, or agent_id when no user_id was given. */
  identity: string;
  /** Pushes an event to this client with the channel's current join_ref. */
  push(event: string, payload: unknown): void;
}

export type JoinResult = { ok: true; response: Record<string, unknown> } | { ok: false; reason: string };

export type EventResult =
  /** No handler: FleetLM's channel process dies (phx_error, no reply, client rejoins). */
  { crash: true } | { crash?: false; reply: { status: "ok" | "error"; response: Record<string, unknown> }; after?: () => void };

export interface Channel {
  /** Throwing means "join crashed". */
  join(params: unknown): JoinResult;
  handleIn(event: string, payload: unknown): EventResult;
  /** Unsubscribes; called on leave, duplicate join, crash and disconnect. */
  terminate(): void;
}
