import { describe, expect, it } from "vitest";
import { MAX_VIEW_MESSAGES, mergeBySeq, missingBefore } from "~/sessions/paging";
import type { ViewMessage } from "~/sessions/types";

const m = (seq: number, id = `id-${seq}`): ViewMessage => ({
  id,
  sessionId: "s",
  seq,
  senderId: "u",
  kind: "text",
  content: { text: String(seq) },
  metadata: {},
  insertedAt: "2025-01-01T00:00:00.000Z",
});
const seqs = (list: ViewMessage[]) => list.map((x) => x.seq);

describe("merging by seq", () => {
  it("orders by seq and drops duplicates even when their ids differ (FleetLM shows random ids)", () => {
    const merged = mergeBySeq([m(2), m(3)], [m(3, "other-id"), m(1), m(4), m(4)], "start");
    expect(seqs(merged)).toEqual([1, 2, 3, 4]);
    expect(merged[2]!.id).toBe("id-3");
  });

  it("returns the same list when nothing is new", () => {
    const list = [m(1), m(2)];
    expect(mergeBySeq(list, [m(2)], "start")).toBe(list);
  });

  it("stays bounded, dropping from the far end", () => {
    const many = Array.from({ length: MAX_VIEW_MESSAGES }, (_, i) => m(i + 101));
    expect(seqs(mergeBySeq(many, [m(100 + MAX_VIEW_MESSAGES + 1)], "start"))[0]).toBe(102);
    const older = mergeBySeq(
      many,
      Array.from({ length: 50 }, (_, i) => m(i + 51)),
      "end",
    );
    expect(older).toHaveLength(MAX_VIEW_MESSAGES);
    expect(seqs(older)[0]).toBe(51);
    expect(seqs(older).at(-1)).toBe(50 + MAX_VIEW_MESSAGES);
  });

  it("finds the missing range before a seq", () => {
    expect(missingBefore(10, 11)).toBeNull();
    expect(missingBefore(10, 14)).toEqual({ afterSeq: 10, count: 3 });
  });
});
