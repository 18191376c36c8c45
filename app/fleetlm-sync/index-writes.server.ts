// The sync queue's index writes, gathered (ADR 204): the syncs whose FleetLM reads finished within a few ms of each
// other, or while the previous write ran, are applied in one transaction (`applyIndexWrites`). SQLite has one
// writer (one connection, transactions one at a time), so a transaction per session made every sync wait for every
// other; a batch pays the transaction's fixed cost once and its shared statements once. A failed batch is applied
// again session by session, so one session's failure never loses the others' writes.
import { applyIndexWrites, type IndexedSession, type IndexWrite } from "~/inbox/session-index.server";

type Waiting = { write: IndexWrite; resolve: (row: IndexedSession | null) => void; reject: (error: unknown) => void };

export type IndexWritesOptions = {
  /** How long the first write of a batch waits for others. Default 2 ms. */
  windowMs?: number;
  /** Sessions per transaction at most. Default 64. */
  maxSessions?: number;
  /** Messages per transaction at most (a long catch-up goes alone). Default 2,000. */
  maxMessages?: number;
  /** The writer (tests replace it to fail one session). */
  apply?: (writes: readonly IndexWrite[]) => Promise<(IndexedSession | null)[]>;
};

export class IndexWrites {
  /** Transactions run, and sessions written by them (batches and their session-by-session retries). */
  batches = 0;
  written = 0;
  readonly #waiting: Waiting[] = [];
  #scheduled = false;
  #running = false;
  readonly #options: Required<IndexWritesOptions>;

  constructor(options: IndexWritesOptions = {}) {
    this.#options = { windowMs: 2, maxSessions: 64, maxMessages: 2_000, apply: applyIndexWrites, ...options };
  }

  /** Writes one session's read into the index with whatever else is ready; its updated row, or null when nothing was new. */
  write(write: IndexWrite): Promise<IndexedSession | null> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ write, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#running || this.#scheduled) return;
    this.#scheduled = true;
    setTimeout(() => {
      this.#scheduled = false;
      void this.#drain();
    }, this.#options.windowMs);
  }

  /** One transaction at a time; what arrives while one runs is the next batch. */
  async #drain(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      while (this.#waiting.length > 0) await this.#applyBatch(this.#take());
    } finally {
      this.#running = false;
    }
  }

  #take(): Waiting[] {
    const { maxSessions, maxMessages } = this.#options;
    let messages = 0;
    let count = 0;
    while (count < this.#waiting.length && count < maxSessions) {
      messages += this.#waiting[count]!.write.messages.length;
      if (count > 0 && messages > maxMessages) break;
      count += 1;
    }
    return this.#waiting.splice(0, count);
  }

  async #applyBatch(batch: Waiting[]): Promise<void> {
    const { apply } = this.#options;
    try {
      this.batches += 1;
      const rows = await apply(batch.map((w) => w.write));
      this.written += batch.length;
      batch.forEach((w, i) => w.resolve(rows[i] ?? null));
      return;
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
    }
    // The batch rolled back: each session alone, so only the one that fails again fails.
    for (const waiting of batch) {
      try {
        this.batches += 1;
        const [row] = await apply([waiting.write]);
        this.written += 1;
        waiting.resolve(row ?? null);
      } catch (error) {
        waiting.reject(error);
      }
    }
  }
}
