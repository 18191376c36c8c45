// The gateway's timers, cleared together when it stops: a part schedules with `later` and asks `stopped` before
// acting on an answer that arrived after the stop.
export class Timers {
  #stopped = false;
  readonly #pending = new Set<ReturnType<typeof setTimeout>>();

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Runs `fn` after `ms` unless the gateway stopped first. */
  later(ms: number, fn: () => void): void {
    if (this.#stopped) return;
    const timer = setTimeout(() => {
      this.#pending.delete(timer);
      if (!this.#stopped) fn();
    }, ms);
    this.#pending.add(timer);
  }

  /** `fn` after `firstAfterMs`, then again `ms` after each run, until the stop. */
  every(ms: number, fn: () => void, firstAfterMs = ms): void {
    const run = () => {
      fn();
      this.later(ms, run);
    };
    this.later(firstAfterMs, run);
  }

  stop(): void {
    this.#stopped = true;
    for (const timer of this.#pending) clearTimeout(timer);
    this.#pending.clear();
  }
}
