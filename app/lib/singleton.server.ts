// Process-wide state kept on globalThis under one name: it survives Vite re-evaluating a module in dev (one
// socket, one cache, one timer per process, not one per reload), and a test can reset it by name.
const slots = globalThis as unknown as Record<string, unknown>;
const keyOf = (name: string) => `__${name}`;

/** The process's one value for `name`, created on first use. */
export function singleton<T>(name: string, create: () => T): T {
  const key = keyOf(name);
  if (slots[key] === undefined) slots[key] = create();
  return slots[key] as T;
}

export type Slot<T> = { get(): T | undefined; set(value: T | undefined): void };

/** A process-wide value that may be empty (a running timer, a cached answer), read and replaced by name. */
export function slot<T>(name: string): Slot<T> {
  const key = keyOf(name);
  return {
    get: () => slots[key] as T | undefined,
    set: (value) => {
      slots[key] = value;
    },
  };
}
