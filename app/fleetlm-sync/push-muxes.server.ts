// The gateway's own agent sockets for pushed sessions (ADR 222): `FleetLMChannelMux`es, at most TOPICS_PER_MUX
// `session:` channels each, one pool per agent (FleetLM lets a session's agent join its channel). Apart from the
// session page's watches (agent-sockets, phoenix.js): a mux keeps a channel in about 200 bytes, phoenix in 2.5 KB,
// and the gateway may follow every live session. The owner keeps the mux a topic is on (`join` returns it); the
// pool keeps nothing per topic. A mux left with no topic is closed.
import { FleetLMChannelMux, type ChannelMuxHandler } from "@fleetlm/client";

/** Channels on one mux: few enough that a reconnect's rejoins (paced, 200 in flight) end within seconds. */
export const TOPICS_PER_MUX = 2_000;

export type PushMux = FleetLMChannelMux;

export class PushMuxes {
  readonly #byAgent = new Map<string, FleetLMChannelMux[]>();
  readonly #agentOf = new Map<FleetLMChannelMux, string>();

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

  /** Joins `topic` as `agentId` on a mux with room (a new one if none has); the mux it is on. */
  join(agentId: string, topic: string): PushMux {
    const muxes = this.#byAgent.get(agentId) ?? [];
    this.#byAgent.set(agentId, muxes);
    const perMux = this.deps.perMux ?? TOPICS_PER_MUX;
    let mux = muxes.find((entry) => entry.size < perMux);
    if (!mux) {
      mux = this.#open(agentId);
      muxes.push(mux);
    }
    mux.join(topic);
    return mux;
  }

  /** Leaves `topic` on the mux `join` gave (a refused one, which the mux dropped already, only gives its place back). */
  leave(mux: PushMux, topic: string): void {
    mux.leave(topic);
    if (mux.size === 0) this.#forget(mux);
  }

  get count(): number {
    return this.#agentOf.size;
  }

  async stop(): Promise<void> {
    const all = [...this.#agentOf.keys()];
    this.#byAgent.clear();
    this.#agentOf.clear();
    await Promise.all(all.map((mux) => mux.close()));
  }

  #open(agentId: string): FleetLMChannelMux {
    const mux = new FleetLMChannelMux({
      socketUrl: this.deps.socketUrl,
      identity: { agent_id: agentId },
      handler: this.deps.handler,
      heartbeatMs: this.deps.heartbeatMs,
    });
    this.#agentOf.set(mux, agentId);
    mux.on("error", (error) => this.deps.onError(error));
    mux.connect().catch((error: unknown) => {
      // A first open that failed is final for a mux: its topics go back to the owner, to be followed again later.
      const topics = mux.topics();
      if (this.#forget(mux)) this.deps.onOpenFailed(topics, error);
    });
    return mux;
  }

  /** Takes the mux out of the pool and closes it; false if it was out already. */
  #forget(mux: FleetLMChannelMux): boolean {
    const agentId = this.#agentOf.get(mux);
    if (agentId === undefined) return false;
    this.#agentOf.delete(mux);
    const muxes = this.#byAgent.get(agentId) ?? [];
    muxes.splice(muxes.indexOf(mux), 1);
    if (muxes.length === 0) this.#byAgent.delete(agentId);
    void mux.close();
    return true;
  }
}
