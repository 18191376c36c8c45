import "../support/auth";
import { afterEach, describe, expect, it, vi } from "vitest";
import { liveBus } from "~/live/bus.server";
import { interruptedCount, startInterruptedTracker, stopInterruptedTracker } from "~/reviews/interrupted.server";

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
});
