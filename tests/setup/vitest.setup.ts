// An unexpected console.error fails the test that caused it.
import { afterEach, vi } from "vitest";

const errors: unknown[][] = [];
const original = console.error;
console.error = (...args: unknown[]) => {
  errors.push(args);
  original(...args);
};

export function expectConsoleError(match: RegExp) {
  const index = errors.findIndex((args) => match.test(args.map(String).join(" ")));
  if (index >= 0) errors.splice(index, 1);
}

afterEach(() => {
  vi.useRealTimers();
  if (errors.length > 0) {
    const seen = errors.splice(0).map((args) => args.map(String).join(" "));
    throw new Error(`unexpected console.error:\n${seen.join("\n")}`);
  }
});
