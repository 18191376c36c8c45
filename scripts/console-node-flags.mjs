// The Node flags every Console server process starts with (npm start, quickstart, the browser tests, the benches),
// so what is measured is what runs. V8 otherwise lets garbage grow the heap to ~300 MB under the gateway's steady
// churn (1,000 inbox rejoins a second) while ~100 MB is live; a cap makes it collect sooner (ADR 036).
// CONSOLE_MAX_HEAP_MB raises it for installations with far more sessions and inboxes.
export const DEFAULT_MAX_HEAP_MB = 320;

export function consoleNodeFlags(env = process.env) {
  const mb = Number(env.CONSOLE_MAX_HEAP_MB ?? DEFAULT_MAX_HEAP_MB);
  if (!Number.isInteger(mb) || mb < 64) throw new Error(`CONSOLE_MAX_HEAP_MB must be a whole number of megabytes, 64 or more (got ${env.CONSOLE_MAX_HEAP_MB})`);
  return [`--max-old-space-size=${mb}`];
}
