// FleetLM's real read path and flush (runtime.ex get_messages, raft_fsm.ex rings, flusher.ex), on demand.
//
// The store below keeps every appended message (it is where seqs come from, like the Raft conversation's
// last_seq). What FleetLM's Postgres would hold is that minus two sets per session: `pending` (still in the
// ring, not flushed) and `lost` (deleted from the ring without ever being flushed, or overwritten there by
// another session's message with the same seq). Reads then follow get_messages exactly.
import type { MessageRow, Store } from "./types.js";

export interface RealStorageOptions {
  /** Time-based window: every `flushMs` all rings are flushed (FleetLM: 5000). Not used with `unflushedNewest`. */
  flushMs?: number;
  /**
   * Deterministic window for tests: after every append the ring is flushed except the newest N messages of
   * each session in it. The shared-ring rule still applies to what is kept.
   */
  unflushedNewest?: number;
  /** Number of shared rings (FleetLM: 256 groups; lane = group rem 16, so one ring per group). 0 = one ring per session: holes, no loss. */
  rings?: number;
  /** Seed of the session → ring hash, so a test can reproduce which sessions share a ring. */
  seed?: number;
  /** Ring capacity; the oldest entries beyond it are deleted (raft_fsm.ex @ring_capacity 5000). */
  ringCapacity?: number;
}

interface Ring {
  /** Keyed by seq only, like the ETS ordered_set: another session's entry with the same seq is replaced. */
  entries: Map<number, MessageRow>;
  watermark: number;
}

interface SessionState {
  pending: Map<number, MessageRow>;
  lost: Set<number>;
}

/** What reads see: the default store is contiguous and lossless; the real model is holed and lossy. */
export interface MessageReads {
  /** get_messages(session_id, after_seq, limit): REST pages and the join replay. */
  getMessages(sessionId: string, afterSeq: number, limit: number): MessageRow[];
  /** Storage.get_all_messages: what Postgres holds, oldest first (the real `entire` history mode). */
  allStored(sessionId: string): MessageRow[];
  /** Called after every append (assigns nothing; the store already did). */
  onAppend(row: MessageRow): void;
}

export class DefaultReads implements MessageReads {
  constructor(private store: Store) {}
  getMessages(sessionId: string, afterSeq: number, limit: number): MessageRow[] {
    return this.store.listMessages(sessionId, afterSeq, limit);
  }
  allStored(sessionId: string): MessageRow[] {
    return this.store.listMessages(sessionId, 0, Number.MAX_SAFE_INTEGER);
  }
  onAppend(): void {}
}

/** FNV-1a: stable across runs and platforms. */
function ringHash(seed: number, sessionId: string): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < sessionId.length; i++) {
    h ^= sessionId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export class RealStorage implements MessageReads {
  private rings = new Map<string, Ring>();
  private sessions = new Map<string, SessionState>();
  private ringBySession = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;
  readonly options: Required<Omit<RealStorageOptions, "unflushedNewest">> & { unflushedNewest: number | null };

  constructor(
    private store: Store,
    options: RealStorageOptions = {},
  ) {
    this.options = {
      flushMs: options.flushMs ?? 5000,
      unflushedNewest: options.unflushedNewest ?? null,
      rings: options.rings ?? 256,
      seed: options.seed ?? 1,
      ringCapacity: options.ringCapacity ?? 5000,
    };
    if (this.options.unflushedNewest === null) {
      this.timer = setInterval(() => this.flush(), this.options.flushMs);
      this.timer.unref();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * FleetLM hashes the session id (phash2). Ids here are random, so the ring is drawn from the seed and the
   * order in which sessions first append: the same script with the same seed loses the same seqs.
   */
  ringOf(sessionId: string): string {
    if (this.options.rings === 0) return `s:${sessionId}`;
    let ring = this.ringBySession.get(sessionId);
    if (ring === undefined) {
      ring = `r:${ringHash(this.options.seed, String(this.ringBySession.size)) % this.options.rings}`;
      this.ringBySession.set(sessionId, ring);
    }
    return ring;
  }

  private ring(key: string): Ring {
    let ring = this.rings.get(key);
    if (!ring) this.rings.set(key, (ring = { entries: new Map(), watermark: 0 }));
    return ring;
  }

  private state(sessionId: string): SessionState {
    let s = this.sessions.get(sessionId);
    if (!s) this.sessions.set(sessionId, (s = { pending: new Map(), lost: new Set() }));
    return s;
  }

  private drop(row: MessageRow): void {
    const s = this.state(row.session_id);
    if (s.pending.delete(row.seq)) s.lost.add(row.seq);
  }

  onAppend(row: MessageRow): void {
    const key = this.ringOf(row.session_id);
    const ring = this.ring(key);
    const previous = ring.entries.get(row.seq);
    // raft_fsm.ex:201 `:ets.insert(ring, {next_seq, message})`: same seq, other session → overwritten.
    if (previous && previous.session_id !== row.session_id) this.drop(previous);
    ring.entries.set(row.seq, row);
    this.state(row.session_id).pending.set(row.seq, row);
    // trim_ring_if_needed: the lowest seqs go first.
    if (ring.entries.size > this.options.ringCapacity) {
      const excess = [...ring.entries.keys()].sort((a, b) => a - b).slice(0, ring.entries.size - this.options.ringCapacity);
      for (const seq of excess) {
        this.drop(ring.entries.get(seq)!);
        ring.entries.delete(seq);
      }
    }
    if (this.options.unflushedNewest !== null) this.flushRing(ring, this.options.unflushedNewest);
  }

  /**
   * One flusher pass over every ring (flusher.ex flush_group); tests call it instead of waiting 5 s.
   * `all` flushes the deterministic window's held-back messages too.
   */
  flush(options: { all?: boolean } = {}): void {
    const keep = options.all ? 0 : (this.options.unflushedNewest ?? 0);
    for (const ring of this.rings.values()) this.flushRing(ring, keep);
  }

  /**
   * query_unflushed takes the entries above the watermark, they are inserted, the watermark moves to their
   * highest seq and every entry at or below it is deleted: a session whose entries sat below another
   * session's watermark loses them there. `keepNewest` holds back each session's newest N (test window).
   */
  private flushRing(ring: Ring, keepNewest: number): void {
    const flushed: MessageRow[] = [];
    for (const row of ring.entries.values()) {
      if (row.seq <= ring.watermark) continue;
      if (keepNewest > 0 && this.isNewest(row, keepNewest)) continue;
      flushed.push(row);
    }
    if (flushed.length === 0) return;
    let max = ring.watermark;
    for (const row of flushed) {
      this.state(row.session_id).pending.delete(row.seq);
      if (row.seq > max) max = row.seq;
    }
    ring.watermark = max;
    for (const [seq, row] of ring.entries) {
      if (seq > max) continue;
      ring.entries.delete(seq);
      this.drop(row); // no-op for the rows just flushed
    }
  }

  private isNewest(row: MessageRow, n: number): boolean {
    return row.seq > this.store.messageCount(row.session_id) - n;
  }

  getMessages(sessionId: string, afterSeq: number, limit: number): MessageRow[] {
    const s = this.sessions.get(sessionId);
    // RaftFSM.query_messages: this session's ring entries above after_seq, by seq.
    const tail = s ? [...s.pending.values()].filter((m) => m.seq > afterSeq).sort((a, b) => a.seq - b.seq) : [];
    if (tail.length >= limit) return tail.slice(0, limit);
    const db = this.stored(sessionId, afterSeq, limit - tail.length);
    return [...db, ...tail].sort((a, b) => a.seq - b.seq).slice(0, limit);
  }

  allStored(sessionId: string): MessageRow[] {
    return this.stored(sessionId, 0, Number.MAX_SAFE_INTEGER);
  }

  /** Postgres: the first `limit` stored rows with seq > afterSeq (store rows minus pending and lost). */
  private stored(sessionId: string, afterSeq: number, limit: number): MessageRow[] {
    const s = this.sessions.get(sessionId);
    if (!s || (s.pending.size === 0 && s.lost.size === 0)) return this.store.listMessages(sessionId, afterSeq, limit);
    const out: MessageRow[] = [];
    let cursor = afterSeq;
    const batch = Math.min(Number.MAX_SAFE_INTEGER, limit + s.pending.size + s.lost.size);
    for (;;) {
      const rows = this.store.listMessages(sessionId, cursor, batch);
      for (const row of rows) {
        if (s.pending.has(row.seq) || s.lost.has(row.seq)) continue;
        out.push(row);
        if (out.length >= limit) return out;
      }
      if (rows.length < batch) return out;
      cursor = rows[rows.length - 1].seq;
    }
  }

  /**
   * Not FleetLM: a test hook (`POST /_dev/storage/lose`). These seqs of the session are gone as if its ring had
   * dropped them before they were flushed (§13.2), so a test can place a loss exactly instead of scripting ring
   * collisions. Seqs never appended are ignored. Returns every seq of the session now lost.
   */
  lose(sessionId: string, seqs: readonly number[]): number[] {
    const count = this.store.messageCount(sessionId);
    const s = this.state(sessionId);
    // Looked up, not drawn: losing must not change which ring the next new session gets.
    const ringKey = this.options.rings === 0 ? `s:${sessionId}` : this.ringBySession.get(sessionId);
    const ring = ringKey === undefined ? undefined : this.rings.get(ringKey);
    for (const seq of seqs) {
      if (!Number.isInteger(seq) || seq < 1 || seq > count) continue;
      if (ring?.entries.get(seq)?.session_id === sessionId) ring.entries.delete(seq);
      s.pending.delete(seq);
      s.lost.add(seq);
    }
    return this.lostSeqs(sessionId);
  }

  /** Seqs of the session FleetLM will never return (tests and tools). */
  lostSeqs(sessionId: string): number[] {
    return [...(this.sessions.get(sessionId)?.lost ?? [])].sort((a, b) => a - b);
  }

  /** Seqs still only in the ring (returned first by every page). */
  unflushedSeqs(sessionId: string): number[] {
    return [...(this.sessions.get(sessionId)?.pending.keys() ?? [])].sort((a, b) => a - b);
  }
}
