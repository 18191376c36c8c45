// In-process fan-out of live events to SSE subscribers, with a bounded replay buffer so a reconnecting tab
// can resume from its Last-Event-ID without losing events.
import type { LiveEvent } from "./events";
import { singleton } from "~/lib/singleton.server";

export type Delivered = { id: number; event: LiveEvent; audience?: string }; // audience: an operator id, or all
type Listener = (delivered: Delivered) => void;

const REPLAY_LIMIT = 5_000;

export class LiveBus {
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

export function liveBus(): LiveBus {
  return singleton("liveBus", () => new LiveBus());
}
