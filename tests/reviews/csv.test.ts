import "../support/auth";
import { describe, expect, it } from "vitest";
import { csvStream, neutralise, toCsv, type Cell } from "~/reviews/csv.server";
import { countRecords } from "~/reviews/components/export-button";
import { parseCsv } from "./parse-csv";

describe("CSV cells", () => {
  it("neutralises formula triggers (= + - @ tab CR) in text, and only in text", () => {
    expect(neutralise('=HYPERLINK("http://evil","x")')).toBe('\'=HYPERLINK("http://evil","x")');
    expect(neutralise("+1+1")).toBe("'+1+1");
    expect(neutralise("-2+3")).toBe("'-2+3");
    expect(neutralise("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(neutralise("\t=1")).toBe("'\t=1");
    expect(neutralise("\r=1")).toBe("'\r=1");
    expect(neutralise("a=1")).toBe("a=1");
    expect(neutralise(" =1")).toBe(" =1");
    expect(neutralise(-5)).toBe(-5);
    expect(neutralise(null)).toBe("");
    expect(neutralise(true)).toBe("true");
    expect(neutralise(new Date("2026-01-02T03:04:05.006Z"))).toBe("2026-01-02T03:04:05.006Z");
  });

  it("round-trips quotes, commas, newlines and Unicode through a strict reader", async () => {
    const nasty: Cell[][] = [
      ['She said "hi", then left', "line one\nline two\r\nline three", "emoji 🚀 ünïcödé 中文 עברית"],
      ["=cmd|' /C calc'!A0", "-", '""'],
      ["", null, 42],
      ["only\nnewline", "only\rreturn", "tab\there"],
    ];
    const text = await toCsv(["a", "b", "c"], nasty);
    expect(text.startsWith("\uFEFF")).toBe(true);
    expect(parseCsv(text)).toEqual([
      ["a", "b", "c"],
      ['She said "hi", then left', "line one\nline two\r\nline three", "emoji 🚀 ünïcödé 中文 עברית"],
      ["'=cmd|' /C calc'!A0", "'-", '""'],
      ["", "", "42"],
      ["only\nnewline", "only\rreturn", "tab\there"],
    ]);
    // The browser's progress counter sees the same number of records, whatever the chunking.
    for (const size of [1, 3, 7, 1000]) {
      const state = { inQuotes: false };
      let records = 0;
      for (let i = 0; i < text.length; i += size) records += countRecords(text.slice(i, i + size), state);
      expect(records).toBe(5);
    }
  });

  it("pulls the source only as fast as the reader reads (bounded memory), and stops it on cancel", async () => {
    let batchesPulled = 0;
    let finished = false;
    async function* source() {
      try {
        for (let b = 0; b < 1_000; b++) {
          batchesPulled++;
          yield Array.from({ length: 1_000 }, (_, i) => [`row ${b}-${i}`, "x".repeat(100)] as Cell[]);
        }
      } finally {
        finished = true;
      }
    }
    const reader = csvStream(["id", "pad"], source()).getReader();
    await reader.read();
    await new Promise((r) => setTimeout(r, 50));
    // 1,000,000 rows are available; only a few batches may be in flight.
    expect(batchesPulled).toBeLessThanOrEqual(3);
    await reader.cancel();
    await new Promise((r) => setTimeout(r, 50));
    expect(batchesPulled).toBeLessThanOrEqual(3);
    expect(finished).toBe(true);
  });
});
