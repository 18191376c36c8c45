// Per-user inbox state (§6.4): counts every notification since start, batches deltas, stops after 15 idle minutes.
import type { Hub } from "./hub.js";
import type { Store } from "../store/types.js";
import { slugSortKey } from "../util/ids.js";

export interface InboxEntry {
  session_id: string;
  agent_id: string;
  unread_count: number;
  last_activity_at: string | null;
  last_sender_id: string | null;
}

export interface InboxNotification {
  session_id: string;
  agent_id: string;
  sender_id: string;
  /** naive microsecond timestamp */
  at: string;
  /** microseconds, for ordering */
  atMicros: number;
}

export interface InboxOptions {
  /** Faithful mode: the batch timer stops after a quiet tick (quirk 4). */
  quirks: boolean;
  flushMs?: number;
  batchSize?: number;
  idleMs?: number;
}

/** The PubSub topic an inbox server broadcasts its deltas on. */
export function inboxDeltaTopic(userId: string, quirks: boolean): string {
  // FleetLM broadcasts on "inbox:user:<id>", which is also the channel topic of user "user:<id>" (quirk 6).
  return quirks ? `inbox:user:${userId}` : `inbox-delta\u0000${userId}`;
}

class InboxServer {
  private entries = new Map<string, InboxEntry & { atMicros: number }>();
  private dirty = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly userId: string,
    store: Store,
    private hub: Hub,
    private options: Required<InboxOptions>,
    private onStop: () => void,
  ) {
    for (const s of store.openSessionsForUser(userId)) {
      this.entries.set(s.id, {
        session_id: s.id,
        agent_id: s.agent_id,
        unread_count: 0,
        last_activity_at: null,
        last_sender_id: null,
        atMicros: -1,
      });
    }
    // FleetLM arms the first tick at start; in faithful mode it is re-armed only by a tick that flushed.
    if (options.quirks) this.arm();
    this.touch();
  }

  snapshot(): InboxEntry[] {
    this.touch();
    return this.sorted();
  }

  notify(n: InboxNotification): void {
    this.touch();
    const entry = this.entries.get(n.session_id);
    if (entry) {
      entry.unread_count += 1;
      entry.last_activity_at = n.at;
      entry.last_sender_id = n.sender_id;
      entry.atMicros = n.atMicros;
    } else {
      this.entries.set(n.session_id, {
        session_id: n.session_id,
        agent_id: n.agent_id,
        unread_count: 1,
        last_activity_at: n.at,
        last_sender_id: n.sender_id,
        atMicros: n.atMicros,
      });
    }
    this.dirty.add(n.session_id);
    if (this.dirty.size >= this.options.batchSize) {
      this.flush();
      // inbox_server.ex flush_batch cancels the batch timer and schedules a new one after every flush that
      // had dirty sessions, the threshold flush included (§13.3): the periodic flush is running again.
      if (this.options.quirks) {
        if (this.timer) clearTimeout(this.timer);
        this.arm();
      }
    } else if (!this.options.quirks && !this.timer) {
      this.arm();
    }
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.timer = this.idleTimer = null;
  }

  private arm(): void {
    this.timer = setTimeout(() => this.tick(), this.options.flushMs);
    this.timer.unref();
  }

  private tick(): void {
    this.timer = null;
    if (this.dirty.size === 0) return; // faithful: a quiet tick ends the periodic flush for good
    this.flush();
    if (this.options.quirks) this.arm();
  }

  private flush(): void {
    if (this.dirty.size === 0) return;
    this.dirty.clear();
    this.hub.broadcast(inboxDeltaTopic(this.userId, this.options.quirks), "inbox_delta", { inbox: this.sorted() });
  }

  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.stop();
      this.onStop();
    }, this.options.idleMs);
    this.idleTimer.unref();
  }

  private sorted(): InboxEntry[] {
    const list = [...this.entries.values()];
    list.sort((a, b) => {
      if (a.atMicros !== b.atMicros) return b.atMicros - a.atMicros;
      const ka = slugSortKey(a.session_id);
      const kb = slugSortKey(b.session_id);
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
    return list.map(({ atMicros: _ignored, ...entry }) => entry);
  }
}

/** One inbox server per user, started by the first join. */
export class Inboxes {
  private servers = new Map<string, InboxServer>();
  private options: Required<InboxOptions>;

  constructor(
    private store: Store,
    private hub: Hub,
    options: InboxOptions,
  ) {
    this.options = {
      quirks: options.quirks,
      flushMs: options.flushMs ?? 1000,
      batchSize: options.batchSize ?? 50,
      idleMs: options.idleMs ?? 15 * 60_000,
    };
  }

  /** Starts the user's server if needed and takes a snapshot (counts as activity). */
  join(userId: string): InboxEntry[] {
    let server = this.servers.get(userId);
    if (!server) {
      const created: InboxServer = new InboxServer(userId, this.store, this.hub, this.options, () => {
        if (this.servers.get(userId) === created) this.servers.delete(userId);
      });
      this.servers.set(userId, (server = created));
    }
    return server.snapshot();
  }

  /** Notifications for users with no running server are dropped, as in FleetLM. */
  notify(userId: string, n: InboxNotification): void {
    this.servers.get(userId)?.notify(n);
  }

  isRunning(userId: string): boolean {
    return this.servers.has(userId);
  }

  stopAll(): void {
    for (const s of this.servers.values()) s.stop();
    this.servers.clear();
  }
}
