// Fan-out of live events to SSE subscribers, with a bounded replay buffer so a reconnecting tab can resume from
// its Last-Event-ID without losing events. One process (SQLite): in memory. Several processes (PostgreSQL): the
// replay table and LISTEN/NOTIFY of postgres-bus.server.ts (ADR 131).
import { isPostgresUrl } from "~/db.server";
import { env } from "~/env.server";
import type { LiveEvent } from "./events";
import { PostgresLiveBus } from "./postgres-bus.server";
import { singleton } from "~/lib/singleton.server";

/** audience: an operator id, or all; origin: the publishing process (PostgreSQL bus only). */
export type Delivered = { id: number; event: LiveEvent; audience?: string; origin?: string };
export type Listener = (delivered: Delivered) => void;

/** What the SSE stream needs of a bus, in one process or across several. */
export interface Bus {
  publish(event: LiveEvent, audience?: string): unknown;
  subscribe(listener: Listener): () => void;
  /** Events after `lastId`, or null when they are no longer buffered (the client must reload its view). */
  since(lastId: number): Delivered[] | null | Promise<Delivered[] | null>;
  /** The newest event id delivered in this process. */
  readonly lastId: number;
  readonly subscriberCount: number;
  /** The process's own origin, when events carry one. */
  readonly origin?: string;
  /** The origins of the processes connected to the bus now (across processes only). */
  liveOrigins?(): Promise<Set<string>>;
}

const REPLAY_LIMIT = 5_000;

export class LiveBus implements Bus {
  private nextId = 1;
  private readonly buffer: Delivered[] = [];
  private readonly listeners = new Set<Listener>();

  publish(event: LiveEvent, audience?: string): Delivered {
    const delivered = { id: this.nextId++, event, audience };
    this.buffer.push(delivered);
    if (this.buffer.length > REPLAY_LIMIT) this.buffer.splice(0, this.buffer.length - REPLAY_LIMIT);
    for (const listener of this.listeners) listener(delivered);
    return delivered;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Events after `lastId`, or null when they are no longer buffered (the client must reload its view). */
  since(lastId: number): Delivered[] | null {
    if (lastId >= this.nextId) return null; // an id from before a restart
    const first = this.buffer[0];
    if (first && lastId < first.id - 1) return null;
    return this.buffer.filter((item) => item.id > lastId);
  }

  /** The id of the newest event published so far (0 before the first). */
  get lastId() {
    return this.nextId - 1;
  }

  get subscriberCount() {
    return this.listeners.size;
  }
}

/** LIVE_BUS=auto (the default): across processes on PostgreSQL, in memory on SQLite. */
export function liveBus(): Bus {
  return singleton<Bus>("liveBus", () => {
    const { DATABASE_URL, LIVE_BUS } = env();
    if (LIVE_BUS === "local" || (LIVE_BUS === "auto" && !isPostgresUrl(DATABASE_URL))) return new LiveBus();
    return new PostgresLiveBus({ databaseUrl: DATABASE_URL });
  });
}
