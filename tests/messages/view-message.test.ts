// The page's view of a FleetLM message made in the pass that checks it (history reads, ADR 213) is the view the
// Console made from the SDK's Message before: the same fields, and the same instant without a Date in between.
import { describe, expect, it } from "vitest";
import { MessageFieldsSchema, MessageSchema, parseNaiveUtc } from "@fleetlm/client";
import { isoInstant } from "~/lib/format-date";
import { naiveIsoInstant, toViewMessage } from "~/messages/view-message.server";

const viaDate = (value: string) => isoInstant(parseNaiveUtc(value));

describe("naiveIsoInstant", () => {
  it("is isoInstant(parseNaiveUtc(v)) for random naive timestamps, every fraction length, both separators", () => {
    let seed = 13;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 5_000; i++) {
      // years 1000–9999, any millisecond of them
      const time = -30_610_224_000_000 + Math.floor(random() * (253_402_300_800_000 + 30_610_224_000_000));
      const iso = new Date(time).toISOString();
      const digits = Math.floor(random() * 10);
      const fraction = digits === 0 ? "" : `.${iso.slice(20, 23)}${String(Math.floor(random() * 1e6)).padStart(6, "0")}`.slice(0, digits + 1);
      const naive = `${iso.slice(0, 10)}${random() < 0.5 ? "T" : " "}${iso.slice(11, 19)}${fraction}`;
      expect(naiveIsoInstant(naive), naive).toBe(viaDate(naive));
    }
  });

  it("takes the Date's way where the text is not the instant: zones, and years Date.UTC reads as 19xx", () => {
    for (const value of [
      "2025-10-23T10:48:00Z",
      "2025-10-23T10:48:00.5+02:00",
      "2025-10-23 23:59:59.999-0530",
      "0050-01-01T00:00:00",
      "0999-12-31T23:59:59.1",
    ]) {
      expect(naiveIsoInstant(value), value).toBe(viaDate(value));
    }
    expect(naiveIsoInstant("2024-02-29 00:00:00.123456789")).toBe("2024-02-29T00:00:00.123Z");
    expect(() => naiveIsoInstant("not a time")).toThrow(RangeError);
  });
});

describe("toViewMessage", () => {
  it("makes the same view from checked fields as from the SDK's Message", () => {
    const raw = [
      { id: "a", session_id: "s", seq: 1, sender_id: "u", kind: "text", content: { text: "hi" }, inserted_at: "2025-10-23T10:48:00" },
      {
        id: "b",
        session_id: "s",
        seq: 2,
        sender_id: "bot",
        kind: "assistant",
        content: { parts: [{ type: "text", text: "x".repeat(30_000) }] },
        metadata: { termination: "finish", latency_ms: 12 },
        inserted_at: "2025-10-23 10:48:01.123456",
      },
      { id: "c", session_id: "s", seq: 3, sender_id: "bot", kind: "text", content: {}, metadata: {}, inserted_at: "2025-10-23T10:48:02+01:00" },
    ];
    for (const record of raw) expect(toViewMessage(MessageFieldsSchema.parse(record))).toEqual(toViewMessage(MessageSchema.parse(record)));
    const cut = toViewMessage(MessageFieldsSchema.parse(raw[1]));
    expect(cut.omitted).toMatchObject({ content: [{ kind: "text", chars: 30_000, path: ["parts", 0, "text"] }], metadata: [] });
    expect(cut.insertedAt).toBe("2025-10-23T10:48:01.123Z");
  });
});
