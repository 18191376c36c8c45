// Exactly-once, in-seq-order delivery for one session: merges join replies, live pushes and REST pages,
// drops duplicates (FleetLM broadcasts WS sends twice, quirk 1) and fills gaps from REST before
// releasing a later seq.
import type { Message } from "./schemas.js";
import { backoffDelay } from "./backoff.js";

export interface OrderedDeliveryOptions {
  /** Deliver messages with `seq > startSeq`. */
  startSeq?: number;
  /** REST read: the oldest `limit` messages with `seq > afterSeq`. */
  fetchAfter: (afterSeq: number, limit: number) => Promise<Message[]>;
  /** Called once per seq, in ascending order. */
  deliver: (message: Message) => void;
  /** A fill or catch-up read failed; the buffer is kept and retried on the next input. */
  onError: (error: unknown) => void;
  /** Storage really lacks seqs `from..to` (possible on a real FleetLM, quirk 21); delivery moved past them. */
  onSkip?: (range: { from: number; to: number }) => void;
  /** REST page size for fills and catch-up. Default 100. */
  pageSize?: number;
  /**
   * Pauses before re-reading when REST does not show the missing seq yet (a concurrent append can be
   * broadcast before an older one is committed). After the last one the gap is taken as real.
   */
  gapRetryDelaysMs?: number[];
}

/** A join reply holds at most this many messages; a full one means there may be more (quirk 20). */
export const JOIN_REPLAY_LIMIT = 100;

export class OrderedDelivery {
  private cursor: number;
  private readonly pending = new Map<number, Message>();
  private queue: Promise<void> = Promise.resolve();
  private readonly pageSize: number;
  private readonly gapRetryDelaysMs: number[];
  private stopped = false;
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: OrderedDeliveryOptions) {
    this.cursor = Math.max(0, Math.floor(options.startSeq ?? 0));
    this.pageSize = options.pageSize ?? 100;
    this.gapRetryDelaysMs = options.gapRetryDelaysMs ?? [50, 250, 1000];
  }

  /** Highest seq delivered (or the start cursor). */
  get lastSeq(): number {
    return this.cursor;
  }

  /** Seqs held back waiting for an earlier one. */
  get bufferedCount(): number {
    return this.pending.size;
  }

  /** Live or replayed messages, in any order, duplicates allowed. */
  push(messages: readonly Message[]): Promise<void> {
    this.accept(messages);
    return this.enqueue(() => this.settle());
  }

  /** Pages forward through REST until the end, delivering everything newer than the cursor. */
  catchUp(): Promise<void> {
    return this.enqueue(async () => {
      for (;;) {
        const page = await this.options.fetchAfter(this.cursor, this.pageSize);
        this.accept(page);
        await this.settle();
        if (page.length < this.pageSize || this.stopped) break;
      }
    });
  }

  /** Waits for everything queued so far. */
  idle(): Promise<void> {
    return this.queue;
  }

  stop(): void {
    this.stopped = true;
    this.pending.clear();
    clearTimeout(this.retryTimer);
  }

  /** A failed fill leaves seqs buffered; try again later even if no new input arrives. */
  private scheduleRetry(): void {
    if (this.stopped || this.pending.size === 0) return;
    this.failures += 1;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.enqueue(() => this.settle()), backoffDelay(this.failures + 1, { baseMs: 500, maxMs: 10_000 }));
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.queue.then(async () => {
      if (this.stopped) return;
      try {
        await work();
        this.failures = 0;
      } catch (error) {
        this.options.onError(error);
        this.scheduleRetry();
      }
    });
    this.queue = run;
    return run;
  }

  private accept(messages: readonly Message[]): void {
    if (this.stopped) return;
    for (const message of messages) {
      if (message.seq > this.cursor && !this.pending.has(message.seq)) this.pending.set(message.seq, message);
    }
    this.drain();
  }

  private drain(): void {
    for (let next = this.pending.get(this.cursor + 1); next && !this.stopped; next = this.pending.get(this.cursor + 1)) {
      this.pending.delete(next.seq);
      this.cursor = next.seq;
      this.options.deliver(next);
    }
  }

  /** While something is buffered behind a missing seq, read the gap from REST. */
  private async settle(): Promise<void> {
    let tries = 0;
    while (this.pending.size > 0 && !this.stopped) {
      const before = this.cursor;
      const page = await this.options.fetchAfter(this.cursor, this.pageSize);
      this.accept(page);
      if (this.cursor > before) {
        tries = 0;
        continue;
      }
      if (this.pending.size === 0) return;
      // REST does not have cursor+1 (yet). Wait a little in case an older append is still committing.
      const delay = this.gapRetryDelaysMs[tries];
      if (delay !== undefined) {
        tries += 1;
        await new Promise((resolve) => setTimeout(resolve, delay));
        continue;
      }
      // Storage still skips from the cursor to a later seq: the missing seqs do not exist.
      const target = Math.min(...this.pending.keys());
      this.options.onSkip?.({ from: this.cursor + 1, to: target - 1 });
      this.cursor = target - 1;
      this.drain();
      tries = 0;
    }
  }
}
