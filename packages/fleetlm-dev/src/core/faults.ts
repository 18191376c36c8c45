// Fault injection for client tests: slow / failing REST answers, dropped heartbeats, closed sockets, slow joins.

export type FaultMode = "slow" | "error500" | "rate429" | "garbage" | null;

export interface FaultSettings {
  mode: FaultMode;
  /** "slow": delay before each REST answer (default 2000 ms) */
  delayMs?: number;
  /** "rate429": Retry-After seconds (default 1) */
  retryAfterS?: number;
}

export interface Faults {
  /** Applies to every /api request from now on; `set({ mode: null })` clears it. */
  set(settings: FaultSettings): void;
  get(): Required<FaultSettings>;
  /** Closes every WebSocket with this close code (default 1000). */
  closeSockets(code?: number): void;
  /** While true the server ignores `heartbeat` frames, so phoenix.js times out and reconnects. */
  dropHeartbeats(drop: boolean): void;
  /** /api requests answered by the current fault since the last `set` (a test waits on it instead of sleeping). */
  answered(): number;
  /** Every channel join is handled (and answered) this many ms after it arrives; 0 turns it off. */
  delayJoins(ms: number): void;
  /** Joins received so far and joins answered (tests wait on them). */
  joins(): { received: number; answered: number };
}

export class FaultState {
  settings: Required<FaultSettings> = { mode: null, delayMs: 2000, retryAfterS: 1 };
  heartbeatsDropped = false;
  answeredCount = 0;
  joinDelayMs = 0;
  joinsReceived = 0;
  joinsAnswered = 0;
  socketCloser: (code: number) => void = () => {};

  api(): Faults {
    return {
      set: (s) => {
        this.settings = { mode: s.mode ?? null, delayMs: s.delayMs ?? 2000, retryAfterS: s.retryAfterS ?? 1 };
        this.answeredCount = 0;
      },
      answered: () => this.answeredCount,
      get: () => ({ ...this.settings }),
      closeSockets: (code = 1000) => this.socketCloser(code),
      dropHeartbeats: (drop) => {
        this.heartbeatsDropped = drop;
      },
      delayJoins: (ms) => {
        this.joinDelayMs = Math.max(0, ms);
      },
      joins: () => ({ received: this.joinsReceived, answered: this.joinsAnswered }),
    };
  }
}
