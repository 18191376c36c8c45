// The Console's one date format, to the second and to the minute, and the file-name stamp of exports.
import { describe, expect, it } from "vitest";
import { fileStamp, formatUtc, isoInstant } from "~/lib/format-date";

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

describe("isoInstant", () => {
  it("is toISOString for any instant: random ones, both sides of midnight and of 1970, and the ISO range's ends", () => {
    const instants = [
      0,
      -1,
      1,
      86_399_999,
      86_400_000,
      -86_400_000,
      -86_400_001,
      -62_167_219_200_000,
      253_402_300_799_999,
      Date.UTC(2026, 11, 1, 23, 59, 59, 999),
    ];
    for (let i = 0; i < 5_000; i++) instants.push(Math.round((Math.random() - 0.3) * 4e12));
    // Alternating days, so the cached day is replaced between calls.
    for (const time of instants) expect(isoInstant(new Date(time))).toBe(new Date(time).toISOString());
  });

  it("hands years outside 0000–9999 to V8, and throws on an invalid date as toISOString does", () => {
    for (const time of [-62_167_219_200_001, 253_402_300_800_000, 8.64e15, -8.64e15]) expect(isoInstant(new Date(time))).toBe(new Date(time).toISOString());
    expect(() => isoInstant(new Date(Number.NaN))).toThrow(RangeError);
  });
});
