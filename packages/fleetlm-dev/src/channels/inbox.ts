// `inbox:{user}` channel (§6): no authorisation, snapshot on join, full-snapshot `inbox_delta` pushes.
import { inboxDeltaTopic } from "../core/inbox-server.js";
import type { Channel, ChannelDeps, EventResult, JoinResult } from "./types.js";

export class InboxChannel implements Channel {
  private unsubscribes: Array<() => void> = [];

  constructor(
    private topic: string,
    private userId: string,
    private deps: ChannelDeps,
  ) {}

  join(): JoinResult {
    const inbox = this.deps.inboxes.join(this.userId);
    const { hub } = this.deps.conversations;
    const topics = new Set([inboxDeltaTopic(this.userId, this.deps.quirks)]);
    // Phoenix channels also hear broadcasts on their own topic, which is how quirk 6's clash happens.
    if (this.deps.quirks) topics.add(this.topic);
    for (const t of topics) {
      this.unsubscribes.push(
        hub.subscribe(t, (event, payload) => {
          if (event === "inbox_delta") this.deps.push(event, payload);
        }),
      );
    }
    return { ok: true, response: { inbox } };
  }

  /** The inbox channel has no handle_in at all: every event crashes it (quirk 27). */
  handleIn(): EventResult {
    return { crash: true };
  }

  terminate(): void {
    for (const u of this.unsubscribes) u();
    this.unsubscribes = [];
  }
}
