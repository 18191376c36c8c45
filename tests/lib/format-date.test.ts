// The Console's one date format, to the second and to the minute, and the file-name stamp of exports.
import { describe, expect, it } from "vitest";
import { fileStamp, formatUtc } from "~/lib/format-date";

describe("formatUtc", () => {
  it("shows the UTC instant whatever the input's offset", () => {
    expect(formatUtc("2025-10-23T12:48:05+02:00")).toBe("2025-10-23 10:48:05 UTC");
    expect(formatUtc(new Date("2025-10-23T10:48:05Z"), "minute")).toBe("2025-10-23 10:48 UTC");
  });

  it("nothing for nothing, and an unparseable string as it came", () => {
    expect(formatUtc(null)).toBe("");
    expect(formatUtc(undefined, "minute")).toBe("");
    expect(formatUtc("not a date")).toBe("not a date");
    expect(formatUtc(new Date(Number.NaN))).toBe("");
  });

  it("a file stamp has no characters a file name cannot hold", () => {
    expect(fileStamp(new Date("2025-10-23T10:48:05.123Z"))).toBe("2025-10-23-10-48-05");
  });
});
