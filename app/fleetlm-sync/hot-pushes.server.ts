// Hot users' sessions followed on their `session:{id}` channels (ADR 208): a hot user's later messages arrive as
// pushes, the moment FleetLM stores them, instead of on the next inbox re-join (the inbox stops pushing after a
// quiet second, quirk 4). Channels are joined as the session's agent on the agent sockets the session page's
// watches use (agent-sockets, at most 200 channels a socket), with `last_seq` at the index head, so a join's (or
// phoenix's own rejoin's) reply carries whatever arrived meanwhile. A user who cools down is unfollowed.
import type { Channel } from "phoenix";
import { indexedHeads } from "~/inbox/session-index.server";
import { acquireAgentSeat, type AgentSeat } from "./agent-sockets.server";
import type { LinkHealth } from "./link-health.server";
import type { Timers } from "./timers";

/** A session's channel: `seq` is the highest seq seen on it (join replies, pushes); `joined` while phoenix says so. */
type Follow = { userId: string; seat: AgentSeat | null; channel: Channel | null; joined: boolean; seq: number; closed: boolean };

export class HotPushes {
  pushes = 0;
  readonly #sessions = new Map<string, Follow>();
  readonly #byUser = new Map<string, Set<string>>();
  readonly #refused = new Set<string>();

  constructor(
    private readonly deps: {
      fleetlmUrl: string;
      timers: Timers;
      health: LinkHealth;
      /** FleetLM has (at least) `seq` of this session: read it. */
      onNews: (sessionId: string, seq: number) => void;
    },
  ) {}

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
      const follow: Follow = { userId, seat: null, channel: null, joined: false, seq: 0, closed: false };
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
      if (follow) void this.#leave(follow);
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

  summary(): { hotUsers: number; pushChannels: number; pushChannelsJoined: number; pushes: number } {
    let joined = 0;
    for (const follow of this.#sessions.values()) if (follow.joined) joined += 1;
    return { hotUsers: this.#byUser.size, pushChannels: this.#sessions.size, pushChannelsJoined: joined, pushes: this.pushes };
  }

  async stop(): Promise<void> {
    const all = [...this.#sessions.values()];
    this.#sessions.clear();
    this.#byUser.clear();
    await Promise.all(all.map((follow) => this.#leave(follow)));
  }

  async #join(sessions: [string, string][], follows: Follow[]): Promise<void> {
    const { timers, health } = this.deps;
    let heads: Map<string, number>;
    try {
      heads = await indexedHeads(sessions.map(([sessionId]) => sessionId));
    } catch (error) {
      health.problem("index lookup", error);
      heads = new Map();
    }
    await Promise.all(
      sessions.map(async ([sessionId, agentId], i) => {
        const follow = follows[i]!;
        if (follow.closed || timers.stopped) return;
        follow.seq = heads.get(sessionId) ?? 0;
        const seat = acquireAgentSeat(agentId, `session:${sessionId}`, { fleetlmUrl: this.deps.fleetlmUrl });
        follow.seat = seat;
        try {
          await seat.socket.connect();
        } catch {
          // The socket's first open failed (FleetLM down): the place is given back; the next follow() tries again.
          follow.seat = null;
          await seat.release({ failed: true });
          if (this.#sessions.get(sessionId) === follow) this.#sessions.delete(sessionId);
          this.#byUser.get(follow.userId)?.delete(sessionId);
          return;
        }
        if (follow.closed) return;
        // phoenix rejoins by itself after a drop, with these params: from the newest seq seen, not the first one.
        let channel: Channel;
        try {
          channel = seat.socket.channel(`session:${sessionId}`, () => ({ last_seq: follow.seq }));
        } catch (error) {
          // Not expected (the pool never gives a socket holding the topic): drop the follow, the next follow() retries.
          health.problem("session channels", error);
          if (this.#sessions.get(sessionId) === follow) this.#sessions.delete(sessionId);
          this.#byUser.get(follow.userId)?.delete(sessionId);
          void this.#leave(follow);
          return;
        }
        follow.channel = channel;
        channel.on("message", (payload: unknown) => {
          const seq = (payload as { seq?: unknown } | null)?.seq;
          if (typeof seq !== "number") return;
          this.pushes += 1;
          this.#saw(sessionId, follow, seq);
        });
        const notJoined = () => {
          follow.joined = false;
        };
        channel.onError(notJoined);
        channel.onClose(notJoined);
        channel
          .join()
          .receive("ok", (reply: unknown) => {
            follow.joined = true;
            const messages = (reply as { messages?: { seq?: unknown }[] } | null)?.messages ?? [];
            const last = messages.at(-1)?.seq;
            if (typeof last === "number") this.#saw(sessionId, follow, last);
          })
          .receive("error", () => {
            // Refused (the session is gone, or not this agent's): phoenix would retry forever. The session is left
            // to the inbox and not followed again by this gateway.
            follow.joined = false;
            if (this.#sessions.get(sessionId) !== follow) return;
            this.#refused.add(sessionId);
            this.#sessions.delete(sessionId);
            this.#byUser.get(follow.userId)?.delete(sessionId);
            void this.#leave(follow);
          });
      }),
    );
  }

  // A duplicate broadcast (quirk 1) or a seq already indexed is passed on too: the sync queue skips it by seq.
  #saw(sessionId: string, follow: Follow, seq: number) {
    if (follow.closed) return;
    follow.seq = Math.max(follow.seq, seq);
    this.deps.onNews(sessionId, seq);
  }

  async #leave(follow: Follow): Promise<void> {
    if (follow.closed) return;
    follow.closed = true;
    follow.joined = false;
    const { channel, seat } = follow;
    follow.channel = null;
    follow.seat = null;
    if (channel) {
      await new Promise<void>((resolve) => {
        channel
          .leave()
          .receive("ok", () => resolve())
          .receive("timeout", () => resolve());
      });
    }
    await seat?.release();
  }
}
