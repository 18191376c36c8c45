// Dates in tables: the Console's one UTC format, to the minute.
import { formatUtc } from "~/lib/format-date";

export function formatDateTime(value: Date | string | null | undefined): string {
  return formatUtc(value, "minute");
}
