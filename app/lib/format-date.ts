// The one date format of the Console: UTC with a fixed shape ("2025-10-23 10:48:00 UTC"), so the server render
// and the browser agree whatever the viewer's time zone, and FleetLM's naive timestamps (UTC) read as written.

/** "2025-10-23 10:48:00 UTC" ("… 10:48 UTC" to the minute); "" for nothing; an unparseable string as it came. */
export function formatUtc(value: Date | string | null | undefined, precision: "second" | "minute" = "second"): string {
  if (!value) return "";
  const date = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return typeof value === "string" ? value : "";
  return `${date
    .toISOString()
    .slice(0, precision === "second" ? 19 : 16)
    .replace("T", " ")} UTC`;
}

/** "2025-10-23-10-48-00": the same UTC instant, safe in a file name (exports). */
export function fileStamp(date: Date = new Date()): string {
  return date.toISOString().slice(0, 19).replace(/[:T]/g, "-");
}

const DAY_MS = 86_400_000;
const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);
// The day part of the last instant formatted: a page of messages is nearly always one or two days.
let lastDay = Number.NaN;
let lastDayPrefix = "";

/**
 * `date.toISOString()`, for the hot paths that format one instant per message (a history page: 100 of them).
 * V8's own costs about 2 µs, most of it the calendar; this does the calendar once per day and the clock with
 * arithmetic. Years outside 0000–9999 (ISO's extended form) take V8's.
 */
export function isoInstant(date: Date): string {
  const time = date.getTime();
  if (!(time >= -62_167_219_200_000 && time < 253_402_300_800_000)) return date.toISOString(); // also throws on NaN, as V8's does
  const day = Math.floor(time / DAY_MS);
  if (day !== lastDay) {
    lastDayPrefix = date.toISOString().slice(0, 11);
    lastDay = day;
  }
  const ms = time - day * DAY_MS;
  return `${lastDayPrefix}${pad2(Math.floor(ms / 3_600_000))}:${pad2(Math.floor(ms / 60_000) % 60)}:${pad2(Math.floor(ms / 1000) % 60)}.${pad3(ms % 1000)}Z`;
}
