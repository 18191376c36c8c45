import "../support/auth";
import { afterEach, describe, expect, it, vi } from "vitest";
import { liveBus } from "~/live/bus.server";
import { interruptedCount, observe, startInterruptedTracker, stopInterruptedTracker } from "~/reviews/interrupted.server";

const chunk = (sessionId: string, type: string, agentId = "bot") => liveBus().publish({ type: "chunk", sessionId, agentId, chunk: { type } });
const stored = (sessionId: string) =>
  liveBus().publish({
    type: "message",
    sessionId,
    message: { id: "m", sessionId, seq: 2, senderId: "bot", kind: "assistant", content: {}, metadata: {}, insertedAt: new Date().toISOString() },
  });

afterEach(() => stopInterruptedTracker());

describe("interrupted replies", () => {
  it("is 'not measured' without the tracker", () => {
    expect(interruptedCount("bot", new Date(0), new Date(Date.now() + 1000))).toBeNull();
  });

  it("counts streams that never finished: cut by a new start, or silent for a minute; not finished or aborted ones", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-27T10:00:00Z"));
    startInterruptedTracker();
    const range = (): [Date, Date] => [new Date("2026-11-27T00:00:00Z"), new Date("2026-11-28T00:00:00Z")];

    // Finished and stored, aborted and stored: not interrupted.
    for (const [s, end] of [
      ["a", "finish"],
      ["b", "abort"],
    ] as const) {
      chunk(s, "start");
      chunk(s, "text-delta");
      chunk(s, end);
      stored(s);
    }
    // Cut off: a new message starts while the previous one never finished.
    chunk("c", "start");
    chunk("c", "text-delta");
    chunk("c", "start");
    chunk("c", "finish");
    // Went silent mid-stream.
    chunk("d", "start", "other-bot");
    chunk("d", "text-delta", "other-bot");
    expect(interruptedCount("bot", ...range())!.count).toBe(1);
    expect(interruptedCount("other-bot", ...range())!.count).toBe(0);

    vi.setSystemTime(new Date("2026-11-27T10:01:01Z"));
    expect(interruptedCount("other-bot", ...range())!.count).toBe(1);
    expect(interruptedCount("bot", ...range())!.count).toBe(1);
    expect(interruptedCount("bot", new Date("2026-11-28T00:00:00Z"), new Date("2026-11-29T00:00:00Z"))!.count).toBe(0);
  });

  it("counts a reply once when several processes relay it (PostgreSQL bus: every relay's chunks reach every process)", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-27T10:00:00Z"));
    startInterruptedTracker();
    const range = (): [Date, Date] => [new Date("2026-11-27T00:00:00Z"), new Date("2026-11-28T00:00:00Z")];
    const relay = (origin: string, sessionId: string, chunk: Record<string, unknown>) =>
      observe({ type: "chunk", sessionId, agentId: "bot", chunk }, Date.now(), origin);

    // Processes A and B both watch session e: their relays of one finished reply interleave. Not interrupted.
    for (const origin of ["A", "B"]) relay(origin, "e", { type: "start", messageId: "r1" });
    for (const origin of ["A", "B"]) relay(origin, "e", { type: "text-delta" });
    for (const origin of ["A", "B"]) relay(origin, "e", { type: "finish" });
    expect(interruptedCount("bot", ...range())!.count).toBe(0);

    // A reply cut off (the next one starts) seen by both relays: once, with a messageId and without one.
    for (const origin of ["A", "B"]) relay(origin, "f", { type: "start", messageId: "r2" });
    for (const origin of ["A", "B"]) relay(origin, "f", { type: "start", messageId: "r3" });
    expect(interruptedCount("bot", ...range())!.count).toBe(1);
    for (const origin of ["A", "B"]) relay(origin, "g", { type: "start" });
    for (const origin of ["A", "B"]) relay(origin, "g", { type: "text-delta" });
    // Both relays then go silent for a minute: the second reply of f and the one of g, once each.
    vi.setSystemTime(new Date("2026-11-27T10:01:01Z"));
    expect(interruptedCount("bot", ...range())!.count).toBe(3);
  });
});
