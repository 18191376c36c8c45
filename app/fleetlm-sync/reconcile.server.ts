// Reconciliation: re-reading sessions no signal may have mentioned (a join that cannot be trusted to have seen what
// happened before it, polls that failed), and a slow sweep of the whole index that catches anything else (ADR 064).
// In batches (ADR 198): one index read for a few hundred sessions, then one FleetLM read each after its head, a few
// at a time; only a session FleetLM has news for (or the index lacks) takes the sync path, and the event loop is
// handed back, and the live syncs waiting for a slot served, between batches.
import type { FleetLMRest } from "@fleetlm/client";
import pLimit from "p-limit";
import { db } from "~/db.server";
import { readExact } from "~/fleetlm/losses.server";
import { HEAD_LOOKUP_BATCH, indexedHeads } from "~/inbox/session-index.server";
import type { LinkHealth } from "./link-health.server";
import type { Timers } from "./timers";

/** Reconciliation reads in flight at once: a low-priority queue that never takes the live syncs' slots. */
const RECONCILE_CONCURRENCY = 2;
const SWEEP_TICK_MS = 1_000;
/** How long a batch waits, each time, for live syncs that are waiting for a slot. */
const LIVE_FIRST_MS = 20;
/** After a failed index read: the batch goes back to the queue and is tried again this much later. */
const LOOKUP_RETRY_MS = 1_000;
/** The same page size as a sync: a session whose first page comes back short has nothing more. */
const READ_SPAN = 200;

export class Reconciler {
  reconciled = 0;
  /** Queued and not read yet, oldest first: a session queued twice is read once. */
  readonly #pending = new Set<string>();
  /** Taken into the running batch and not finished. */
  #inBatch = 0;
  #draining = false;
  readonly #limit = pLimit(RECONCILE_CONCURRENCY);
  #sweepAfter = "";
  #nextReadAt = 0;

  constructor(
    private readonly deps: {
      rest: FleetLMRest;
      /** The full sync of one session (the sync queue's): for sessions FleetLM has news for. */
      sync: (sessionId: string) => Promise<unknown>;
      /** Live syncs are waiting for a slot: the next batch waits for them. */
      liveWaiting: () => boolean;
      timers: Timers;
      health: LinkHealth;
      /** Indexed sessions re-read per second by the sweep; 0 turns it off. */
      sweepPerSecond: number;
      /** FleetLM reads a second at most (0: unpaced), so a boot's reconciliation leaves FleetLM to live syncs. */
      readsPerSecond?: number;
    },
  ) {}

  /** Queued or being read. */
  get pending(): number {
    return this.#pending.size + this.#inBatch;
  }

  enqueue(sessionId: string): void {
    if (this.deps.timers.stopped || this.#pending.has(sessionId)) return;
    this.#pending.add(sessionId);
    this.#kick();
  }

  /** One drain loop at a time; one queued after the loop's last look starts the next. */
  #kick(): void {
    if (this.#draining) return;
    this.#draining = true;
    void this.#drain()
      .catch((error: unknown) => this.deps.health.problem("reconciliation", error))
      .finally(() => {
        this.#draining = false;
        if (this.#pending.size > 0 && !this.deps.timers.stopped) this.#kick();
      });
  }

  /** Starts the sweep: the whole index in id order, `sweepPerSecond` sessions a second. */
  start(): void {
    const { timers, health, sweepPerSecond: perSecond } = this.deps;
    if (perSecond <= 0) return;
    const run = async () => {
      // Only when the queue is nearly empty: the sweep is the last resort, never a backlog of its own.
      if (health.connected && this.pending < perSecond) {
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

  /** Drops what has not been read yet (the gateway stopped); reads in flight finish on their own. */
  stop(): void {
    this.#limit.clearQueue();
    this.#pending.clear();
  }

  async #drain(): Promise<void> {
    const { timers } = this.deps;
    while (this.#pending.size > 0 && !timers.stopped) {
      await this.#liveFirst();
      if (timers.stopped) return;
      const batch: string[] = [];
      for (const id of this.#pending) {
        batch.push(id);
        if (batch.length === HEAD_LOOKUP_BATCH) break;
      }
      for (const id of batch) this.#pending.delete(id);
      this.#inBatch = batch.length;
      try {
        await this.#reconcileBatch(batch);
      } finally {
        this.#inBatch = 0;
      }
    }
  }

  /** Spaces the reads `1 / readsPerSecond` apart (a plain timer: it must resolve even after the stop). */
  async #paced(): Promise<void> {
    const perSecond = this.deps.readsPerSecond ?? 0;
    if (perSecond <= 0) return;
    const now = Date.now();
    const at = Math.max(now, this.#nextReadAt);
    this.#nextReadAt = at + 1_000 / perSecond;
    if (at > now) await new Promise<void>((resolve) => setTimeout(resolve, at - now));
  }

  /** Hands the event loop back (I/O, timers, requests), then waits while live syncs wait for a slot. */
  async #liveFirst(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.deps.liveWaiting() && !this.deps.timers.stopped) await new Promise<void>((resolve) => setTimeout(resolve, LIVE_FIRST_MS));
  }

  async #reconcileBatch(batch: string[]): Promise<void> {
    const { rest, sync, health, timers } = this.deps;
    let heads: Map<string, number>;
    try {
      heads = await indexedHeads(batch);
    } catch (error) {
      health.problem("index lookup", error);
      await new Promise<void>((resolve) => timers.later(LOOKUP_RETRY_MS, resolve));
      for (const id of batch) if (!timers.stopped) this.#pending.add(id);
      return;
    }
    await Promise.all(
      batch.map((sessionId) =>
        this.#limit(async () => {
          if (timers.stopped) return;
          const head = heads.get(sessionId);
          // Not indexed yet, or news after the head (or seqs FleetLM lost there): the sync path reads and applies
          // it. An unchanged session cost one empty FleetLM read and nothing else. A failed read is the sync's to
          // retry, with its backoff.
          let news = head === undefined;
          if (!news) {
            await this.#paced();
            if (timers.stopped) return;
            try {
              const read = await readExact(sessionId, { from: head! + 1, to: head! + READ_SPAN }, { rest });
              news = read.messages.length > 0 || read.lost.length > 0;
            } catch {
              news = true;
            }
          }
          if (news) await sync(sessionId);
          this.reconciled += 1;
        }),
      ),
    );
  }
}
