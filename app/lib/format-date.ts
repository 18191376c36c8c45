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
