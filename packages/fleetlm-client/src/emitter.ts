// A tiny typed event emitter that runs in browsers and Node alike (no node:events).
// A throwing listener never breaks the caller's state machine: its error is re-emitted as `error`.

export type Listener<T> = (payload: T) => void;

export class Emitter<Events extends { error: unknown }> {
  private listeners = new Map<keyof Events, Set<Listener<never>>>();

  /** Subscribes and returns the function that unsubscribes. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => this.off(event, listener);
  }

  once<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const off = this.on(event, (payload) => {
      off();
      listener(payload);
    });
    return off;
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    this.listeners.get(event)?.delete(listener as Listener<never>);
  }

  removeAllListeners(): void {
    this.listeners.clear();
  }

  listenerCount<K extends keyof Events>(event: K): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  protected emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<Events[K]>)(payload);
      } catch (error) {
        if (event === "error") {
          // Nowhere left to report it: surface it as an uncaught error instead of swallowing it.
          queueMicrotask(() => {
            throw error;
          });
        } else {
          this.emit("error", error as Events["error"]);
        }
      }
    }
  }
}
