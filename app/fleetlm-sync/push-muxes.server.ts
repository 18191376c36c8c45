// The gateway's own agent sockets for pushed sessions (ADR 222): `FleetLMChannelMux`es, at most TOPICS_PER_MUX
// `session:` channels each, one pool per agent (FleetLM lets a session's agent join its channel). Apart from the
// session page's watches (agent-sockets, phoenix.js): a mux keeps a channel in about 200 bytes, phoenix in 2.5 KB,
// and the gateway may follow every live session. A mux left with no topic is closed.
import { FleetLMChannelMux, type ChannelMuxHandler } from "@fleetlm/client";

/** Channels on one mux: few enough that a reconnect's rejoins (paced, 200 in flight) end within seconds. */
export const TOPICS_PER_MUX = 2_000;

type Pooled = { agentId: string; mux: FleetLMChannelMux; topics: Set<string> };

export class PushMuxes {
  readonly #byAgent = new Map<string, Pooled[]>();
  readonly #byTopic = new Map<string, Pooled>();

  constructor(
    private readonly deps: {
      socketUrl: string;
      heartbeatMs?: number;
      /** Default TOPICS_PER_MUX. */
      perMux?: number;
      /** Every mux's channel events, by topic. */
      handler: ChannelMuxHandler;
      /** A mux's first open failed (FleetLM down): these topics were dropped with it. */
      onOpenFailed: (topics: string[], error: unknown) => void;
      onError: (error: Error) => void;
    },
  ) {}

  /** Joins `topic` as `agentId` on a mux with room (a new one if none has). No-op if it is joined already. */
  join(agentId: string, topic: string): void {
    if (this.#byTopic.has(topic)) return;
    const muxes = this.#byAgent.get(agentId) ?? [];
    this.#byAgent.set(agentId, muxes);
    const perMux = this.deps.perMux ?? TOPICS_PER_MUX;
    let pooled = muxes.find((entry) => entry.topics.size < perMux);
    if (!pooled) {
      pooled = this.#open(agentId);
      muxes.push(pooled);
    }
    pooled.topics.add(topic);
    this.#byTopic.set(topic, pooled);
    pooled.mux.join(topic);
  }

  /** Leaves `topic` (a refused one, which the mux dropped already, only gives its place back). */
  leave(topic: string): void {
    const pooled = this.#byTopic.get(topic);
    if (!pooled) return;
    this.#byTopic.delete(topic);
    pooled.topics.delete(topic);
    pooled.mux.leave(topic);
    if (pooled.topics.size === 0) this.#forget(pooled);
  }

  isJoined(topic: string): boolean {
    return this.#byTopic.get(topic)?.mux.isJoined(topic) ?? false;
  }

  get count(): number {
    let count = 0;
    for (const muxes of this.#byAgent.values()) count += muxes.length;
    return count;
  }

  async stop(): Promise<void> {
    const all = [...this.#byAgent.values()].flat();
    this.#byAgent.clear();
    this.#byTopic.clear();
    await Promise.all(all.map((pooled) => pooled.mux.close()));
  }

  #open(agentId: string): Pooled {
    const mux = new FleetLMChannelMux({
      socketUrl: this.deps.socketUrl,
      identity: { agent_id: agentId },
      handler: this.deps.handler,
      heartbeatMs: this.deps.heartbeatMs,
    });
    const pooled: Pooled = { agentId, mux, topics: new Set() };
    mux.on("error", (error) => this.deps.onError(error));
    mux.connect().catch((error: unknown) => {
      // A first open that failed is final for a mux: its topics go back to the owner, to be followed again later.
      if (!this.#forget(pooled)) return;
      const topics = [...pooled.topics];
      for (const topic of topics) this.#byTopic.delete(topic);
      this.deps.onOpenFailed(topics, error);
    });
    return pooled;
  }

  /** Takes the mux out of the pool and closes it; false if it was out already. */
  #forget(pooled: Pooled): boolean {
    const muxes = this.#byAgent.get(pooled.agentId);
    const at = muxes?.indexOf(pooled) ?? -1;
    if (at < 0) return false;
    muxes!.splice(at, 1);
    if (muxes!.length === 0) this.#byAgent.delete(pooled.agentId);
    void pooled.mux.close();
    return true;
  }
}
