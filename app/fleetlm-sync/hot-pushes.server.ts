// Sessions followed on their `session:{id}` channels (ADR 208, ADR 222): a followed session's messages arrive as
// pushes, the moment FleetLM stores them, instead of on the next inbox re-join (the inbox stops pushing after a
// quiet second, quirk 4). Which sessions are followed is the inbox subscriptions' choice: a hot user's
// (GATEWAY_PUSH_SCOPE=hot), or every live session once its user's inbox listed it (all). Channels are joined as
// the session's agent on the gateway's own muxes (push-muxes), with `last_seq` at the newest seq seen, so every
// (re)join's reply carries whatever arrived meanwhile: after a mux reconnects, its rejoins are its reconciliation.
import { socketUrlFor } from "@fleetlm/client";
import { indexedHeads } from "~/inbox/session-index.server";
import type { LinkHealth } from "./link-health.server";
import { PushMuxes, type PushMux } from "./push-muxes.server";
import type { Timers } from "./timers";

/** A session's channel: `seq` is the highest seq seen on it (index head, join replies, pushes); `mux`: where it is. */
type Follow = { userId: string; seq: number; joined: boolean; closed: boolean; mux: PushMux | null };

const TOPIC = "session:";
/** A `session:` join reply holds at most this many messages (protocol §5.1). */
const JOIN_REPLY_LIMIT = 100;

export class HotPushes {
  pushes = 0;
  readonly #sessions = new Map<string, Follow>();
  readonly #byUser = new Map<string, Set<string>>();
  readonly #refused = new Set<string>();
  readonly #muxes: PushMuxes;

  constructor(
    private readonly deps: {
      fleetlmUrl: string;
      heartbeatMs?: number;
      timers: Timers;
      health: LinkHealth;
      /** FleetLM has (at least) `seq` of this session: read it. `messages`: what the push or join reply carried. */
      onNews: (sessionId: string, seq: number, messages: readonly unknown[]) => void;
      /** Every session followed for this user has its channel joined now. */
      onCovered?: (userId: string) => void;
    },
  ) {
    this.#muxes = new PushMuxes({
      socketUrl: socketUrlFor(deps.fleetlmUrl),
      heartbeatMs: deps.heartbeatMs,
      handler: {
        params: (topic) => ({ last_seq: this.#sessions.get(topic.slice(TOPIC.length))?.seq ?? 0 }),
        joined: (topic, reply) => this.#joined(topic.slice(TOPIC.length), reply),
        refused: (topic) => this.#refuse(topic.slice(TOPIC.length)),
        event: (topic, event, payload) => {
          if (event !== "message") return;
          const seq = (payload as { seq?: unknown } | null)?.seq;
          if (typeof seq !== "number") return;
          this.pushes += 1;
          this.#saw(topic.slice(TOPIC.length), seq, [payload]);
        },
        lost: (topic) => {
          const follow = this.#sessions.get(topic.slice(TOPIC.length));
          if (follow) follow.joined = false;
        },
      },
      onOpenFailed: (topics, error) => {
        // FleetLM was down when the mux first opened: these sessions are not followed; the next follow() tries again.
        deps.health.problem("session channels", error);
        for (const topic of topics) this.#drop(topic.slice(TOPIC.length));
      },
      onError: (error) => deps.health.problem("session channels", error),
    });
  }

  /** Follows these sessions of the user (those not followed yet; one whose agent is unknown cannot be joined). */
  follow(userId: string, sessions: ReadonlyMap<string, string | null>): void {
    const fresh: [string, string][] = [];
    for (const [sessionId, agentId] of sessions) {
      if (agentId !== null && !this.#sessions.has(sessionId) && !this.#refused.has(sessionId)) fresh.push([sessionId, agentId]);
    }
    if (fresh.length === 0 || this.deps.timers.stopped) return;
    let mine = this.#byUser.get(userId);
    if (!mine) this.#byUser.set(userId, (mine = new Set()));
    const follows = fresh.map(([sessionId]) => {
      const follow: Follow = { userId, seq: 0, joined: false, closed: false, mux: null };
      this.#sessions.set(sessionId, follow);
      mine.add(sessionId);
      return follow;
    });
    void this.#join(fresh, follows).catch((error: unknown) => this.deps.health.problem("session channels", error));
  }

  /** Leaves every channel of the user (cooled down, or unfollowed by the gateway). */
  unfollow(userId: string): void {
    const mine = this.#byUser.get(userId);
    if (!mine) return;
    this.#byUser.delete(userId);
    for (const sessionId of mine) {
      const follow = this.#sessions.get(sessionId);
      this.#sessions.delete(sessionId);
      if (follow) this.#leave(sessionId, follow);
    }
  }

  /** Whether every one of these sessions has its channel joined: the user's news arrives by push. */
  covers(sessionIds: Iterable<string>): boolean {
    let any = false;
    for (const sessionId of sessionIds) {
      if (!this.#sessions.get(sessionId)?.joined) return false;
      any = true;
    }
    return any;
  }

  /** The highest seq a joined channel of this session has shown, else 0. */
  seenSeq(sessionId: string): number {
    const follow = this.#sessions.get(sessionId);
    return follow?.joined ? follow.seq : 0;
  }

  followed(userId: string): boolean {
    return this.#byUser.has(userId);
  }

  summary(): { hotUsers: number; pushChannels: number; pushChannelsJoined: number; pushes: number; pushSockets: number } {
    let joined = 0;
    for (const follow of this.#sessions.values()) if (follow.joined) joined += 1;
    return { hotUsers: this.#byUser.size, pushChannels: this.#sessions.size, pushChannelsJoined: joined, pushes: this.pushes, pushSockets: this.#muxes.count };
  }

  async stop(): Promise<void> {
    for (const follow of this.#sessions.values()) follow.closed = true;
    this.#sessions.clear();
    this.#byUser.clear();
    await this.#muxes.stop();
  }

  async #join(sessions: [string, string][], follows: Follow[]): Promise<void> {
    let heads: Map<string, number>;
    try {
      heads = await indexedHeads(sessions.map(([sessionId]) => sessionId));
    } catch (error) {
      this.deps.health.problem("index lookup", error);
      heads = new Map();
    }
    if (this.deps.timers.stopped) return;
    sessions.forEach(([sessionId, agentId], i) => {
      const follow = follows[i]!;
      if (follow.closed) return;
      follow.seq = Math.max(follow.seq, heads.get(sessionId) ?? 0);
      follow.mux = this.#muxes.join(agentId, TOPIC + sessionId);
    });
  }

  #joined(sessionId: string, reply: unknown) {
    const follow = this.#sessions.get(sessionId);
    if (!follow) return;
    const was = follow.joined;
    follow.joined = true;
    if (!was && this.deps.onCovered && this.#allJoined(follow.userId)) this.deps.onCovered(follow.userId);
    const messages = (reply as { messages?: { seq?: unknown }[] } | null)?.messages;
    const last = Array.isArray(messages) ? messages.at(-1)?.seq : undefined;
    // A full reply (FleetLM's oldest 100 after last_seq) may have more behind it, and may be holed (§13.1): the sync
    // reads FleetLM to the end instead of taking it as all there is (ADR 224).
    if (typeof last === "number") this.#saw(sessionId, last, messages!.length >= JOIN_REPLY_LIMIT ? [] : messages!);
  }

  #allJoined(userId: string): boolean {
    for (const sessionId of this.#byUser.get(userId) ?? []) if (!this.#sessions.get(sessionId)?.joined) return false;
    return true;
  }

  // A duplicate broadcast (quirk 1) or a seq already indexed is passed on too: the sync queue skips it by seq.
  #saw(sessionId: string, seq: number, messages: readonly unknown[]) {
    const follow = this.#sessions.get(sessionId);
    if (!follow || follow.closed) return;
    follow.seq = Math.max(follow.seq, seq);
    this.deps.onNews(sessionId, seq, messages);
  }

  /** Refused (the session is gone, or not this agent's): left to the inbox, never followed again by this gateway. */
  #refuse(sessionId: string) {
    this.#refused.add(sessionId);
    this.#drop(sessionId);
  }

  #drop(sessionId: string) {
    const follow = this.#sessions.get(sessionId);
    if (!follow) return;
    this.#sessions.delete(sessionId);
    const mine = this.#byUser.get(follow.userId);
    mine?.delete(sessionId);
    if (mine?.size === 0) this.#byUser.delete(follow.userId);
    this.#leave(sessionId, follow);
  }

  #leave(sessionId: string, follow: Follow): void {
    if (follow.closed) return;
    follow.closed = true;
    follow.joined = false;
    if (follow.mux) this.#muxes.leave(follow.mux, TOPIC + sessionId);
    follow.mux = null;
  }
}
