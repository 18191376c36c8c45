// The read a session's pushed messages make (ADR 224): used only when the messages run with no gap from the index's
// head to the seq the sync was started for, each a valid message of this session; else null, and FleetLM is read.
import { describe, expect, it } from "vitest";
import { readPushed } from "~/fleetlm-sync/session-sync.server";
import type { IndexedSession } from "~/inbox/session-index.server";

const row = (headSeq: number): IndexedSession => ({
  id: "S1",
  userId: "u",
  agentId: "a",
  status: "active",
  headSeq,
  opCount: 0,
  userCount: 0,
  lastActivityAt: null,
  lastSenderRole: null,
  lastPreview: null,
});
const pushed = (seq: number, over: Record<string, unknown> = {}) => ({
  id: `m${seq}`,
  session_id: "S1",
  seq,
  sender_id: "u",
  kind: "text",
  content: { text: `#${seq}` },
  metadata: {},
  inserted_at: "2026-12-04T10:48:00.987654",
  ...over,
});
const byseq = (...messages: ReturnType<typeof pushed>[]) => new Map<number, unknown>(messages.map((m) => [m.seq, m]));

describe("indexing pushed messages without a read", () => {
  it("takes the messages right after the head, up to the target and past it, with the stored second", () => {
    const read = readPushed(row(4), byseq(pushed(5), pushed(6), pushed(7)), 6)!;
    expect(read.messages.map((m) => m.seq)).toEqual([5, 6, 7]);
    expect(read).toMatchObject({ lostUpTo: 0, through: 7, row: { headSeq: 4 } });
    // Live events carry microseconds, storage whole seconds (protocol §1.2): the index keeps the second.
    expect(read.messages[0]!.insertedAt.toISOString()).toBe("2026-12-04T10:48:00.000Z");
  });

  it("reads FleetLM instead when a seq between the head and the target is missing", () => {
    expect(readPushed(row(4), byseq(pushed(6)), 6)).toBeNull(); // 5 was never pushed (out of order, or lost)
    expect(readPushed(row(4), byseq(pushed(5), pushed(7)), 7)).toBeNull(); // a hole, as in a holed join reply
    expect(readPushed(row(4), byseq(pushed(5)), 7)).toBeNull(); // the signal named a seq the pushes do not reach
  });

  it("reads FleetLM instead when a pushed message is not a valid message of this session", () => {
    expect(readPushed(row(0), byseq(pushed(1, { content: "not an object" })), 1)).toBeNull();
    expect(readPushed(row(0), byseq(pushed(1, { session_id: "S2" })), 1)).toBeNull();
    expect(readPushed(row(0), new Map([[1, { ...pushed(2) }]]), 1)).toBeNull(); // filed under 1, says 2
    expect(readPushed(row(0), byseq(pushed(1, { inserted_at: "yesterday" })), 1)).toBeNull();
  });

  it("has nothing to offer with no pushes, or when the index is at the target already", () => {
    expect(readPushed(row(3), undefined, 4)).toBeNull();
    expect(readPushed(row(5), byseq(pushed(5)), 5)).toBeNull();
  });
});
