import { describe, expect, it } from "vitest";
import { InboxEntrySchema, MessageSchema, SessionSchema, parseNaiveUtc, timestampPrecision } from "@fleetlm/client";

describe("parseNaiveUtc", () => {
  it("reads second-precision naive timestamps as UTC", () => {
    expect(parseNaiveUtc("2025-10-23T10:48:00").toISOString()).toBe("2025-10-23T10:48:00.000Z");
  });

  it("reads microsecond timestamps as UTC, truncating to milliseconds", () => {
    expect(parseNaiveUtc("2025-10-23T10:48:00.123456").toISOString()).toBe("2025-10-23T10:48:00.123Z");
    expect(timestampPrecision("2025-10-23T10:48:00.123456")).toBe(6);
    expect(timestampPrecision("2025-10-23T10:48:00")).toBe(0);
  });

  it("does not depend on the process time zone (unlike new Date(naive))", () => {
    const parsed = parseNaiveUtc("2025-01-15T23:30:00");
    expect(parsed.getTime()).toBe(Date.UTC(2025, 0, 15, 23, 30, 0));
  });

  it("honours an explicit Z or offset", () => {
    expect(parseNaiveUtc("2025-10-23T10:48:00Z").toISOString()).toBe("2025-10-23T10:48:00.000Z");
    expect(parseNaiveUtc("2025-10-23T12:48:00+02:00").toISOString()).toBe("2025-10-23T10:48:00.000Z");
  });

  it("rejects things that are not timestamps or not real dates", () => {
    expect(() => parseNaiveUtc("yesterday")).toThrow(RangeError);
    expect(() => parseNaiveUtc("2025-02-30T10:00:00")).toThrow(RangeError);
    expect(() => parseNaiveUtc("2025-10-23T25:00:00")).toThrow(RangeError);
  });
});

describe("schemas keep the raw string and add a Date", () => {
  it("parses a stored message", () => {
    const message = MessageSchema.parse({
      id: "AZoR2f8ucn2Y1pZ0hK_3ZQ",
      session_id: "AZoQ2f8ucn2Y1pZ0hK_3ZQ",
      seq: 7,
      sender_id: "alice",
      kind: "text",
      content: { text: "hi" },
      metadata: {},
      inserted_at: "2025-10-23T10:48:00",
    });
    expect(message.inserted_at).toBe("2025-10-23T10:48:00");
    expect(message.insertedAt.toISOString()).toBe("2025-10-23T10:48:00.000Z");
  });

  it("rejects a message whose seq is not a positive integer or content not an object", () => {
    const base = { id: "a", session_id: "s", seq: 1, sender_id: "x", kind: "text", content: {}, metadata: {}, inserted_at: "2025-10-23T10:48:00" };
    expect(MessageSchema.safeParse({ ...base, seq: 0 }).success).toBe(false);
    expect(MessageSchema.safeParse({ ...base, seq: "1" }).success).toBe(false);
    expect(MessageSchema.safeParse({ ...base, content: "hi" }).success).toBe(false);
    expect(MessageSchema.safeParse({ ...base, inserted_at: "now" }).success).toBe(false);
  });

  it("parses sessions and inbox entries (null activity allowed)", () => {
    const session = SessionSchema.parse({
      id: "s",
      user_id: "alice",
      agent_id: "bot",
      status: "archived",
      metadata: { demo: true },
      inserted_at: "2025-10-23T10:48:00",
      updated_at: "2025-10-23T10:49:00",
    });
    expect(session.updatedAt.toISOString()).toBe("2025-10-23T10:49:00.000Z");
    expect(SessionSchema.safeParse({ ...session, status: "deleted" }).success).toBe(false);

    const idle = InboxEntrySchema.parse({ session_id: "s", agent_id: "bot", unread_count: 0, last_activity_at: null, last_sender_id: null });
    expect(idle.lastActivityAt).toBeNull();
    const busy = InboxEntrySchema.parse({
      session_id: "s",
      agent_id: "bot",
      unread_count: 3,
      last_activity_at: "2025-10-23T10:48:00.123456",
      last_sender_id: "bot",
    });
    expect(busy.lastActivityAt?.toISOString()).toBe("2025-10-23T10:48:00.123Z");
  });
});
