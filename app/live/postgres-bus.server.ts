// The live bus across Console processes on PostgreSQL (ADR 131). Every event is a row of a bounded replay table
// whose id is the SSE event id everywhere; NOTIFY only wakes the other processes, which read the rows after the
// last id they delivered. Publishes are serialised by an advisory lock held to commit, so ids become visible in
// order and a reader that reads "after id N" can never skip a row that commits later.
import { randomUUID } from "node:crypto";
import pg from "pg";
import type { Bus, Delivered, Listener } from "./bus.server";
import type { LiveEvent } from "./events";

export const LIVE_CHANNEL = "console_live";
/** Advisory lock key that orders publishes ("FLMB"). */
const PUBLISH_LOCK_KEY = 0x464c4d42;
export const REPLAY_MAX_EVENTS = 5_000;
export const REPLAY_MAX_AGE_MS = 10 * 60_000;
const PRUNE_EVERY_MS = 30_000;
const RECONNECT_MS = 1_000;
/**
 * Every process also reads from its cursor this often, NOTIFY or not: a LISTEN connection can stop hearing
 * notifications without closing (a half-open TCP connection, a LISTEN that failed at boot), and then only the
 * process's own publishes woke its reads — a follower's tabs, which get most events from the leader, stalled.
 */
export const CATCH_UP_MS = 1_000;
/** A row this old found by the catch-up read was missed by NOTIFY (logged). */
const MISSED_AFTER_MS = 2_000;
const READ_PAGE = 500;
/** The LISTEN connection's application_name, followed by the process's origin: PostgreSQL lists who is alive. */
const LISTEN_NAME = "fleetlm-console live listen";

// Outside Prisma's schema (`public`), so `prisma migrate dev` never sees it as drift: the table is a buffer the
// bus owns, created by the bus, and safe to drop while every process is stopped. The statements run as one
// implicit transaction under an advisory lock: processes starting together would race CREATE SCHEMA.
const SCHEMA_SQL = `
SELECT pg_advisory_xact_lock(${PUBLISH_LOCK_KEY});
CREATE SCHEMA IF NOT EXISTS console_cluster;
CREATE TABLE IF NOT EXISTS console_cluster.live_event (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  origin text NOT NULL,
  audience text,
  dedupe text UNIQUE,
  event text NOT NULL
);`;

// JSON as text, not jsonb: jsonb refuses the \\u0000 escape, and FleetLM content may hold NUL.
const PUBLISH_SQL = `
WITH ordered AS (SELECT pg_advisory_xact_lock(${PUBLISH_LOCK_KEY})),
inserted AS (
  INSERT INTO console_cluster.live_event (origin, audience, dedupe, event)
  SELECT $1, $2, $3, $4 FROM ordered
  ON CONFLICT (dedupe) DO NOTHING
  RETURNING id
)
SELECT id, pg_notify('${LIVE_CHANNEL}', id::text) FROM inserted`;

type Row = { id: string; at?: Date; origin: string; audience: string | null; event: string };

/**
 * A message or a loss is the same fact whichever process saw it (each process watching a session gets it from
 * FleetLM): the table keeps it once. Chunks are not deduplicated — they stay with the process that relayed them.
 */
export function dedupeKey(event: LiveEvent): string | null {
  if (event.type === "message") return `message:${event.sessionId}:${event.message.seq}`;
  if (event.type === "lost") return `lost:${event.sessionId}:${event.seqs.join(",")}`;
  return null;
}

export type PostgresBusOptions = { databaseUrl: string; log?: (line: string) => void; maxEvents?: number; maxAgeMs?: number; catchUpMs?: number };

export class PostgresLiveBus implements Bus {
  /** This process, as the origin of the events it publishes. */
  readonly origin = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private cursor = 0;
  private readonly listeners = new Set<Listener>();
  private readonly pool: pg.Pool;
  private listener: pg.Client | null = null;
  private publishing: Promise<unknown>;
  private reading: Promise<void> | null = null;
  private readAgain = false;
  private missedLoggedAt = 0;
  private closed = false;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly log: (line: string) => void;
  readonly ready: Promise<void>;

  constructor(private readonly options: PostgresBusOptions) {
    this.log = options.log ?? ((line) => console.warn(line));
    this.pool = new pg.Pool({ connectionString: options.databaseUrl, max: 3, application_name: "fleetlm-console live bus" });
    this.pool.on("error", (error) => this.log(`[live] bus pool: ${error.message}`));
    this.ready = this.start();
    this.publishing = this.ready.catch(() => {});
  }

  private async start() {
    await this.pool.query(SCHEMA_SQL);
    let listening = true;
    await this.listen().catch((error: unknown) => {
      // The catch-up reads deliver meanwhile; the reconnect keeps trying (it used to be given up for good).
      this.log(`[live] LISTEN failed at start (${(error as Error).message}); retrying`);
      listening = false;
    });
    const { rows } = await this.pool.query<{ last: string | null }>("SELECT max(id) AS last FROM console_cluster.live_event");
    // Only what is published from now on is delivered live; older events are for resumes (since()).
    this.cursor = Math.max(this.cursor, Number(rows[0]?.last ?? 0));
    if (!listening) this.reconnect();
    const prune = setInterval(() => void this.prune().catch((error: unknown) => this.log(`[live] prune failed: ${String(error)}`)), PRUNE_EVERY_MS);
    const catchUp = setInterval(() => void this.read({ catchUp: true }), this.options.catchUpMs ?? CATCH_UP_MS);
    for (const timer of [prune, catchUp]) {
      timer.unref?.();
      this.timers.add(timer as unknown as ReturnType<typeof setTimeout>);
    }
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.databaseUrl,
      application_name: `${LISTEN_NAME} ${this.origin}`,
      keepAlive: true,
      // The OS default waits two hours before probing a silent connection.
      keepAliveInitialDelayMillis: 10_000,
    });
    const lost = (why: string) => {
      if (this.listener !== client) return;
      this.listener = null;
      this.log(`[live] lost the LISTEN connection (${why}); reconnecting`);
      void client.end().catch(() => {});
      this.reconnect();
    };
    client.on("notification", () => void this.read());
    client.on("error", (error) => lost(error.message));
    client.on("end", () => lost("closed"));
    try {
      await client.connect();
      await client.query(`LISTEN ${LIVE_CHANNEL}`);
    } catch (error) {
      void client.end().catch(() => {});
      throw error;
    }
    if (this.closed) {
      void client.end().catch(() => {});
      return;
    }
    this.listener = client;
  }

  /** Rows NOTIFY should have announced long ago: said at most once a minute (the catch-up read delivered them). */
  private missedNotify() {
    if (Date.now() - this.missedLoggedAt < 60_000) return;
    this.missedLoggedAt = Date.now();
    this.log(
      `[live] notifications are not arriving (LISTEN ${this.listener ? "connected" : "reconnecting"}); events come by the ${CATCH_UP_MS} ms catch-up read`,
    );
  }

  /** After a reconnect, reading from the cursor catches up on everything committed meanwhile. */
  private reconnect() {
    this.later(
      RECONNECT_MS,
      () =>
        void this.listen().then(
          () => this.read(),
          (error: unknown) => {
            this.log(`[live] LISTEN failed (${(error as Error).message}); retrying`);
            this.reconnect();
          },
        ),
    );
  }

  private later(ms: number, run: () => void) {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) run();
    }, ms);
    timer.unref?.();
    this.timers.add(timer);
  }

  /**
   * Reads and delivers every row after the cursor, once at a time; a wake-up during a read reads again. A catch-up
   * read (the timer's) that finds rows NOTIFY should have announced long ago says so in the log.
   */
  private read(options: { catchUp?: boolean } = {}): Promise<void> {
    if (this.reading) {
      if (!options.catchUp) this.readAgain = true;
      return this.reading;
    }
    const catchUp = options.catchUp === true;
    this.reading = (async () => {
      try {
        do {
          this.readAgain = false;
          let full = true;
          while (full && !this.closed) {
            const { rows } = await this.pool.query<Row>(
              "SELECT id, at, origin, audience, event FROM console_cluster.live_event WHERE id > $1 ORDER BY id LIMIT $2",
              [this.cursor, READ_PAGE],
            );
            if (catchUp && rows.some((row) => row.at && Date.now() - new Date(row.at).getTime() > MISSED_AFTER_MS)) this.missedNotify();
            for (const row of rows) this.deliver(this.toDelivered(row));
            full = rows.length === READ_PAGE;
          }
        } while (this.readAgain && !this.closed);
      } catch (error) {
        this.log(`[live] reading new events failed: ${(error as Error).message}`);
      } finally {
        this.reading = null;
      }
    })();
    return this.reading;
  }

  private toDelivered(row: Row): Delivered {
    const delivered: Delivered = { id: Number(row.id), event: JSON.parse(row.event) as LiveEvent, origin: row.origin };
    if (row.audience !== null) delivered.audience = row.audience;
    return delivered;
  }

  private deliver(delivered: Delivered) {
    if (delivered.id <= this.cursor) return;
    this.cursor = delivered.id;
    for (const listener of this.listeners) listener(delivered);
  }

  /** Queues the event (in this process's order); subscribers everywhere get it once it is committed. */
  publish(event: LiveEvent, audience?: string): void {
    if (this.closed) return;
    const payload = JSON.stringify(event);
    this.publishing = this.publishing.then(() =>
      this.pool.query(PUBLISH_SQL, [this.origin, audience ?? null, dedupeKey(event), payload]).then(
        () => this.read(), // our own listener is woken by NOTIFY too; reading now saves the round trip
        (error: unknown) => this.log(`[live] publishing a ${event.type} event failed: ${(error as Error).message}`),
      ),
    );
  }

  /** Resolves when everything this process published so far has been committed and delivered here. */
  async flushed(): Promise<void> {
    await this.publishing;
    await this.read();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Events after `lastId` from the replay table — whichever process published them — or null when some of them
   * are gone (pruned, or an id this database never gave out).
   */
  async since(lastId: number): Promise<Delivered[] | null> {
    await this.ready;
    const { rows: bounds } = await this.pool.query<{ first: string | null; last: string | null }>(
      "SELECT min(id) AS first, max(id) AS last FROM console_cluster.live_event",
    );
    const first = Number(bounds[0]?.first ?? 0);
    const last = Number(bounds[0]?.last ?? 0);
    if (lastId > last) return null;
    if (first > 0 && lastId < first - 1) return null;
    const limit = this.options.maxEvents ?? REPLAY_MAX_EVENTS;
    const { rows } = await this.pool.query<Row>("SELECT id, origin, audience, event FROM console_cluster.live_event WHERE id > $1 ORDER BY id LIMIT $2", [
      lastId,
      limit + 1,
    ]);
    if (rows.length > limit) return null;
    return rows.map((row) => this.toDelivered(row));
  }

  /**
   * The origins of the processes whose bus is connected now: their LISTEN connections, as PostgreSQL lists them
   * (a process killed by SIGKILL loses its connection at once). This process is always among them.
   */
  async liveOrigins(): Promise<Set<string>> {
    const { rows } = await this.pool.query<{ name: string }>("SELECT application_name AS name FROM pg_stat_activity WHERE application_name LIKE $1", [
      `${LISTEN_NAME} %`,
    ]);
    return new Set([this.origin, ...rows.map((row) => row.name.slice(LISTEN_NAME.length + 1))]);
  }

  /** The newest event id delivered in this process. */
  get lastId() {
    return this.cursor;
  }

  get subscriberCount() {
    return this.listeners.size;
  }

  /** Keeps the newest maxEvents rows of at most maxAgeMs (always the newest row, which tells since() the head). */
  async prune(): Promise<void> {
    const maxEvents = this.options.maxEvents ?? REPLAY_MAX_EVENTS;
    const maxAgeMs = this.options.maxAgeMs ?? REPLAY_MAX_AGE_MS;
    await this.pool.query(
      `WITH head AS (SELECT max(id) AS last FROM console_cluster.live_event)
       DELETE FROM console_cluster.live_event USING head
       WHERE id < head.last AND (id <= head.last - $1 OR at < now() - make_interval(secs => $2))`,
      [maxEvents, maxAgeMs / 1000],
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.publishing.catch(() => {});
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => {});
    await this.reading?.catch(() => {});
    await this.pool.end().catch(() => {});
  }
}
