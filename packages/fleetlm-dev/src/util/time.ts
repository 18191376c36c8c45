// FleetLM writes naive UTC timestamps (no offset): seconds when read from storage, microseconds when live.

let lastMicros = 0;

/** Current time in microseconds since the epoch, strictly increasing within this process. */
export function nowMicros(): number {
  const micros = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  lastMicros = micros > lastMicros ? micros : lastMicros + 1;
  return lastMicros;
}

/** "2025-10-23T10:48:00.123456" */
export function microsToIso(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const base = new Date(ms).toISOString().slice(0, 19);
  const frac = String(micros % 1_000_000).padStart(6, "0");
  return `${base}.${frac}`;
}

/** "2025-10-23T10:48:00" */
export function microsToSeconds(micros: number): string {
  return new Date(Math.floor(micros / 1000)).toISOString().slice(0, 19);
}
