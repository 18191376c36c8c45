// The queue of session syncs: one sync per session at a time (a call during a sync runs one more pass after it,
// and both callers wait for that pass), at most `concurrency` FleetLM reads at once (p-limit), and a failed sync
// retried with a short backoff until it lands. Without a running gateway, syncs still never overlap. A sync's index
// write leaves the read slot and joins the writes ready at the same moment in one transaction (ADR 204). A signal
// that names a seq (a push, an inbox delta of a pushed session) starts nothing when the session was synced to that
// seq already, or when the pass under way started after it (ADR 208). The messages a push or a join reply carried
// are indexed as they are, with no FleetLM read, when they leave no gap after the index's head (ADR 224).
import { backoffDelay, errorText, FleetLMHttpError, type FleetLMRest } from "@fleetlm/client";
import pLimit, { type LimitFunction } from "p-limit";
import { fleetlm } from "~/fleetlm/fleetlm.server";
import { slot } from "~/lib/singleton.server";
import type { SessionChangedEvent } from "~/live/events";
import type { HopTrace, Via } from "./hop-trace.server";
import type { LinkHealth } from "./link-health.server";
import { IndexWrites, type IndexWritesOptions } from "./index-writes.server";
import { findIndexed } from "~/inbox/session-index.server";
import { announce, readAfterHead, readPushed, type SessionRead } from "./session-sync.server";
import type { Timers } from "./timers";

/** What a running gateway lends its queue: its REST client, timers, health, and who to tell of activity. */
export type GatewayLink = {
  rest: FleetLMRest;
  concurrency: number;
  timers: Timers;
  health: LinkHealth;
  /** New messages arrived for this user (from any signal): their inbox is re-joined at the active rate. */
  onActivity: (userId: string) => void;
  /** How index writes are gathered into transactions (ADR 204). */
  writes?: IndexWritesOptions;
  /** GATEWAY_TRACE_FILE's tracer (ADR 208), or null. */
  trace?: HopTrace | null;
};

/**
 * What a sync signal knows: the seq FleetLM has at least (a push's), what told the gateway, and the messages it
 * carried (a push's payload, a join reply's; unparsed): with no gap to the index's head they are indexed without
 * a read (ADR 224).
 */
export type SyncHint = { seq?: number; via?: Via; messages?: readonly unknown[] };

/**
 * `covers`: the highest hinted seq known when the pass under way began, which it reads for sure; `next`: for the next
 * pass. `full`: a caller with no seq is waiting (it wants everything FleetLM has), so the pass reads FleetLM.
 */
type SyncJob = { again: boolean; covers: number; next: number; full: boolean; promise: Promise<SessionChangedEvent | null> };

const RETRY_TICK_MS = 500;
// Short (≤ 5 s): a session that failed to sync is a badge that is wrong until it does.
const RETRY_BACKOFF = { baseMs: 500, maxMs: 5_000, jitter: "equal" } as const;

export class SyncQueue {
  syncs = 0;
  syncFailures = 0;
  /** Signals that started no sync: the session was synced to their seq already, or being synced past it. */
  skipped = 0;
  readonly #jobs = new Map<string, SyncJob>();
  /** The head each session's last completed pass left in the index. */
  readonly #heads = new Map<string, number>();
  readonly #retries = new Map<string, { attempts: number; at: number }>();
  /** Sessions whose last pass failed: it may have indexed messages it never announced. */
  readonly #unannounced = new Set<string>();
  /** Pushed messages by seq, for the session's next pass (taken, all of them, when it starts). */
  readonly #pushed = new Map<string, Map<number, unknown>>();
  /** Passes that indexed pushed messages without reading FleetLM. */
  fromPushes = 0;
  readonly #link: (GatewayLink & { limit: LimitFunction }) | null;
  readonly #writes: IndexWrites;

  /** Without a link: the standalone queue (tests, GATEWAY_DISABLED), no limit, no retries, failures logged. */
  constructor(link?: GatewayLink) {
    this.#link = link ? { ...link, limit: pLimit(link.concurrency) } : null;
    this.#writes = new IndexWrites(link?.writes);
  }

  /** Index write transactions run so far, and the session writes they carried. */
  get writeBatches(): { batches: number; written: number } {
    return { batches: this.#writes.batches, written: this.#writes.written };
  }

  get syncing(): number {
    return this.#jobs.size;
  }

  get pendingRetries(): number {
    return this.#retries.size;
  }

  /** Syncs waiting for a FleetLM read slot: reconciliation lets them go first (ADR 198). */
  get waiting(): number {
    return this.#link?.limit.pendingCount ?? 0;
  }

  /** Reads the session's new messages into the index; the last pass's event. Never throws. */
  sync(sessionId: string, hint: SyncHint = {}): Promise<SessionChangedEvent | null> {
    const { seq } = hint;
    const trace = this.#link?.trace;
    trace?.hop("seen", sessionId, { via: hint.via ?? "other", seq: seq ?? -1 });
    const running = this.#jobs.get(sessionId);
    if (seq !== undefined && ((this.#heads.get(sessionId) ?? -1) >= seq || (running && running.covers >= seq))) {
      this.skipped += 1;
      trace?.hop("skipped", sessionId, { via: hint.via ?? "other", seq });
      return running?.promise ?? Promise.resolve(null);
    }
    if (seq !== undefined && hint.messages && this.#link) this.#keepPushed(sessionId, hint.messages);
    if (running) {
      running.again = true;
      running.next = Math.max(running.next, seq ?? 0);
      if (seq === undefined) running.full = true;
      return running.promise;
    }
    const job: SyncJob = { again: false, covers: seq ?? 0, next: 0, full: seq === undefined, promise: Promise.resolve(null) };
    job.promise = (async () => {
      let last: SessionChangedEvent | null = null;
      try {
        do {
          job.again = false;
          if (job.next > job.covers) job.covers = job.next;
          const target = job.full ? null : job.covers;
          job.full = false;
          last = (await this.#pass(sessionId, target)) ?? last;
        } while (job.again);
      } finally {
        this.#jobs.delete(sessionId);
        this.#pushed.delete(sessionId);
      }
      return last;
    })();
    this.#jobs.set(sessionId, job);
    return job.promise;
  }

  /** Retries failed syncs when their backoff is over. */
  start(): void {
    const link = this.#link;
    if (!link) return;
    link.timers.every(RETRY_TICK_MS, () => {
      const now = Date.now();
      for (const [sessionId, retry] of this.#retries) {
        if (retry.at <= now && !this.#jobs.has(sessionId)) {
          retry.at = Number.POSITIVE_INFINITY; // rescheduled by the next failure
          void this.sync(sessionId);
        }
      }
    });
  }

  /** After the gateway's timers stopped: lets every waiting sync run and waits for all of them. */
  async drain(): Promise<void> {
    if (this.#link) this.#link.limit.concurrency = Number.POSITIVE_INFINITY;
    await Promise.allSettled([...this.#jobs.values()].map((job) => job.promise));
  }

  /** `target`: the seq this pass must index at least (pushed messages may do), or null: read FleetLM. */
  async #pass(sessionId: string, target: number | null): Promise<SessionChangedEvent | null> {
    const link = this.#link;
    const pushed = this.#pushed.get(sessionId);
    this.#pushed.delete(sessionId);
    try {
      const options = { announce: this.#unannounced.has(sessionId) };
      const { read, fromPushes } = await this.#read(sessionId, pushed, target);
      const trace = link?.trace;
      trace?.hop("read", sessionId, { from: read.row.headSeq, messages: read.messages.length, pushed: fromPushes ? 1 : 0 });
      const written = await this.#writes.write(read);
      trace?.hop("written", sessionId, { head: written?.headSeq ?? read.row.headSeq });
      const event = await announce(read, written, options);
      if (event) trace?.hop("announced", sessionId, { head: event.headSeq });
      this.#unannounced.delete(sessionId);
      this.#heads.set(sessionId, Math.max(this.#heads.get(sessionId) ?? 0, written?.headSeq ?? read.row.headSeq));
      if (!link) return event;
      if (event) link.onActivity(event.userId);
      this.syncs += 1;
      this.#retries.delete(sessionId);
      link.health.recovered("session sync");
      link.health.setReachable(true);
      return event;
    } catch (error) {
      if (error instanceof FleetLMHttpError && error.status === 404) {
        this.#retries.delete(sessionId); // deleted or never existed: nothing to retry
        this.#unannounced.delete(sessionId);
        return null;
      }
      this.#unannounced.add(sessionId);
      if (!link) console.warn(`[gateway] sync of ${sessionId} failed: ${errorText(error)}`);
      else if (!link.timers.stopped) {
        this.syncFailures += 1;
        const attempts = (this.#retries.get(sessionId)?.attempts ?? 0) + 1;
        this.#retries.set(sessionId, { attempts, at: Date.now() + backoffDelay(attempts, RETRY_BACKOFF) });
        link.health.problem("session sync", error);
        link.health.failed(error);
      }
      return null;
    }
  }

  #keepPushed(sessionId: string, messages: readonly unknown[]) {
    let pushed = this.#pushed.get(sessionId);
    for (const message of messages) {
      const seq = (message as { seq?: unknown } | null)?.seq;
      if (typeof seq !== "number") continue;
      if (!pushed) this.#pushed.set(sessionId, (pushed = new Map()));
      if (!pushed.has(seq)) pushed.set(seq, message); // the first: a duplicate broadcast (quirk 1) has a random id
    }
  }

  /**
   * The pushed messages, when they reach `target` with no gap from the index's head (no FleetLM read, no read slot);
   * else everything after the head from FleetLM, holding a read slot (the write then waits for its batch without it).
   */
  async #read(sessionId: string, pushed: Map<number, unknown> | undefined, target: number | null): Promise<{ read: SessionRead; fromPushes: boolean }> {
    const link = this.#link;
    if (link && pushed && target !== null) {
      const row = await findIndexed(sessionId);
      const read = row && readPushed(row, pushed, target);
      if (read) {
        this.fromPushes += 1;
        return { read, fromPushes: true };
      }
    }
    const read = link ? await link.limit(() => readAfterHead(link.rest, sessionId)) : await readAfterHead(fleetlm(), sessionId);
    return { read, fromPushes: false };
  }
}

// ---- the process's queue: the running gateway's, else the standalone one ---------------------------------

const gatewayQueue = slot<SyncQueue>("gatewaySyncQueue");
const standalone = new SyncQueue();

/** The gateway hands its queue over at start and takes it back at stop. */
export function setGatewayQueue(queue: SyncQueue | undefined): void {
  gatewayQueue.set(queue);
}

/**
 * Reads a session's new messages into the index now (other features call it after they append; the session
 * view after a live message). Never throws: with a gateway running, failures are retried in the background.
 */
export function syncSessionNow(sessionId: string): Promise<SessionChangedEvent | null> {
  return (gatewayQueue.get() ?? standalone).sync(sessionId);
}

/**
 * A push from elsewhere (the agent gate saw a webhook call for this session): read it now if the gateway runs.
 * `seq`: FleetLM has at least this seq (the user message the call is about); none is started if the index has it.
 * Without a gateway nothing follows FleetLM in this process, so there is nothing to nudge.
 */
export function nudgeSession(sessionId: string, seq?: number): void {
  void gatewayQueue.get()?.sync(sessionId, { via: "push", seq });
}
