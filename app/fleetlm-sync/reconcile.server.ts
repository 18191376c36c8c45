// Reconciliation: re-reading sessions no signal may have mentioned (a join that cannot be trusted to have seen what
// happened before it, polls that failed), a few at a time so a large backlog never delays live syncs, and a slow
// sweep over the whole index that catches anything else (ADR 064).
import pLimit from "p-limit";
import { db } from "~/db.server";
import type { LinkHealth } from "./link-health.server";
import type { Timers } from "./timers";

/** Reconciliation reads in flight at once: a low-priority queue that never takes the live syncs' slots. */
const RECONCILE_CONCURRENCY = 2;
const SWEEP_TICK_MS = 1_000;

export class Reconciler {
  reconciled = 0;
  /** Queued and not started yet, oldest first: a session queued twice is read once. */
  readonly #pending = new Set<string>();
  readonly #limit = pLimit(RECONCILE_CONCURRENCY);
  #sweepAfter = "";

  constructor(
    private readonly deps: {
      sync: (sessionId: string) => Promise<unknown>;
      timers: Timers;
      health: LinkHealth;
      /** Indexed sessions re-read per second by the sweep; 0 turns it off. */
      sweepPerSecond: number;
    },
  ) {}

  get pending(): number {
    return this.#pending.size;
  }

  enqueue(sessionId: string): void {
    if (this.deps.timers.stopped || this.#pending.has(sessionId)) return;
    this.#pending.add(sessionId);
    void this.#limit(async () => {
      this.#pending.delete(sessionId);
      await this.deps.sync(sessionId);
      this.reconciled += 1;
    });
  }

  /** Starts the sweep: the whole index in id order, `sweepPerSecond` sessions a second. */
  start(): void {
    const { timers, health, sweepPerSecond: perSecond } = this.deps;
    if (perSecond <= 0) return;
    const run = async () => {
      // Only when the queue is nearly empty: the sweep is the last resort, never a backlog of its own.
      if (health.connected && this.#pending.size < perSecond) {
        try {
          const prisma = await db();
          const rows = await prisma.sessionIndex.findMany({
            where: { id: { gt: this.#sweepAfter } },
            orderBy: { id: "asc" },
            take: perSecond,
            select: { id: true },
          });
          this.#sweepAfter = rows.length < perSecond ? "" : rows[rows.length - 1]!.id;
          for (const row of rows) this.enqueue(row.id);
        } catch (error) {
          health.problem("index sweep", error);
        }
      }
      timers.later(SWEEP_TICK_MS, () => void run());
    };
    timers.later(SWEEP_TICK_MS, () => void run());
  }

  /** Drops what has not started (the gateway stopped); reads in flight finish on their own. */
  stop(): void {
    this.#limit.clearQueue();
    this.#pending.clear();
  }
}
