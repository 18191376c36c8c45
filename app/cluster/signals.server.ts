// Small, fire-and-forget messages between Console processes on PostgreSQL (ADR 132): a password guess counted,
// the session cache to forget, a stop request for a relayed reply. NOTIFY on one channel, LISTEN on a connection
// of its own; a process ignores what it sent itself (it already acted on it). On SQLite there is one process:
// no signals are started, and clusterSignals() is null.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { slot } from "~/lib/singleton.server";

export const SIGNAL_CHANNEL = "console_cluster";
const RECONNECT_MS = 1_000;

export type ClusterSignal =
  | { kind: "throttle.guess"; account: string; ip?: string }
  | { kind: "throttle.success"; account: string; ip?: string }
  | { kind: "sessions.forget" }
  // `by`: the aborted reply's metadata.stopped_by, as the asking process's operator-identity policy made it.
  | { kind: "reply.stop"; requestId: string; sessionId: string; by: Record<string, string> }
  | { kind: "reply.stopped"; requestId: string; stopped: number }
  // A process that starts knows nobody's viewers: the others publish theirs again (ADR 170).
  | { kind: "presence.ask" };

type Handler<K extends ClusterSignal["kind"]> = (signal: Extract<ClusterSignal, { kind: K }>) => void;

export class ClusterSignals {
  readonly origin = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly handlers = new Map<string, Set<(signal: ClusterSignal) => void>>();
  private readonly pool: pg.Pool;
  private listener: pg.Client | null = null;
  private closed = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  readonly ready: Promise<void>;

  constructor(
    private readonly databaseUrl: string,
    private readonly log: (line: string) => void = (line) => console.warn(line),
  ) {
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: 2, application_name: "fleetlm-console signals" });
    this.pool.on("error", (error) => this.log(`[cluster] signals pool: ${error.message}`));
    this.ready = this.listen();
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl, application_name: "fleetlm-console signals listen", keepAlive: true });
    const lost = (why: string) => {
      if (this.listener !== client) return;
      this.listener = null;
      this.log(`[cluster] lost the signals connection (${why}); reconnecting`);
      void client.end().catch(() => {});
      this.reconnect();
    };
    client.on("notification", (message) => this.receive(message.payload ?? ""));
    client.on("error", (error) => lost(error.message));
    client.on("end", () => lost("closed"));
    try {
      await client.connect();
      await client.query(`LISTEN ${SIGNAL_CHANNEL}`);
    } catch (error) {
      void client.end().catch(() => {});
      throw error;
    }
    if (this.closed) return void client.end().catch(() => {});
    this.listener = client;
  }

  private reconnect() {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      void this.listen().catch((error: unknown) => {
        this.log(`[cluster] signals LISTEN failed (${(error as Error).message}); retrying`);
        this.reconnect();
      });
    }, RECONNECT_MS);
    this.timer.unref?.();
  }

  private receive(payload: string) {
    let parsed: { origin?: string; signal?: ClusterSignal };
    try {
      parsed = JSON.parse(payload) as typeof parsed;
    } catch {
      return;
    }
    if (!parsed.signal || parsed.origin === this.origin) return;
    for (const handler of this.handlers.get(parsed.signal.kind) ?? []) {
      try {
        handler(parsed.signal);
      } catch (error) {
        this.log(`[cluster] a ${parsed.signal.kind} handler failed: ${(error as Error).message}`);
      }
    }
  }

  on<K extends ClusterSignal["kind"]>(kind: K, handler: Handler<K>): () => void {
    let set = this.handlers.get(kind);
    if (!set) this.handlers.set(kind, (set = new Set()));
    const wrapped = handler as (signal: ClusterSignal) => void;
    set.add(wrapped);
    return () => set.delete(wrapped);
  }

  /** Tells the other processes; resolves once PostgreSQL took the NOTIFY (delivered at once, as it commits). */
  async send(signal: ClusterSignal): Promise<void> {
    if (this.closed) return;
    try {
      await this.pool.query("SELECT pg_notify($1, $2)", [SIGNAL_CHANNEL, JSON.stringify({ origin: this.origin, signal })]);
    } catch (error) {
      this.log(`[cluster] sending ${signal.kind} failed: ${(error as Error).message}`);
    }
  }

  async close() {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => {});
    await this.pool.end().catch(() => {});
  }
}

const current = slot<ClusterSignals>("clusterSignals");

/** Starts the process's signals (at boot, on PostgreSQL). */
export function startClusterSignals(databaseUrl: string): ClusterSignals {
  const existing = current.get();
  if (existing) return existing;
  const signals = new ClusterSignals(databaseUrl);
  current.set(signals);
  return signals;
}

/** The process's signals, or null when it is alone (SQLite, tests, `vite dev`): then nobody else needs telling. */
export function clusterSignals(): ClusterSignals | null {
  return current.get() ?? null;
}

export async function stopClusterSignals(): Promise<void> {
  const signals = current.get();
  current.set(undefined);
  await signals?.close();
}
