// headSeq / latest against an in-memory FleetLM message endpoint (injected fetch): exact answers and
// logarithmic round trips for many session sizes.
import { describe, expect, it } from "vitest";
import { FleetLMRest } from "@fleetlm/client";

function fakeFleetLM(seqs: number[]) {
  const stored = [...seqs].sort((a, b) => a - b);
  const fetch = async (input: string) => {
    const url = new URL(input);
    const after = Math.max(0, Number.parseInt(url.searchParams.get("after_seq") ?? "0", 10) || 0);
    const limit = Number.parseInt(url.searchParams.get("limit") ?? "50", 10) || 50;
    const messages = stored
      .filter((seq) => seq > after)
      .slice(0, limit)
      .map((seq) => ({
        id: `m${seq}`,
        session_id: "s",
        seq,
        sender_id: "alice",
        kind: "text",
        content: { text: `${seq}` },
        metadata: {},
        inserted_at: "2025-10-23T10:48:00",
      }));
    return new Response(JSON.stringify({ messages }), { status: 200, headers: { "content-type": "application/json" } });
  };
  return fetch;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe("FleetLMRest.findHeadSeq", () => {
  for (const n of [0, 1, 2, 3, 7, 8, 9, 100, 1000, 10_000]) {
    it(`finds head ${n} in O(log n) limit=1 reads`, async () => {
      const rest = new FleetLMRest({ baseUrl: "http://fleetlm.test", fetch: fakeFleetLM(range(n)) });
      const { headSeq, roundTrips } = await rest.findHeadSeq("s");
      expect(headSeq).toBe(n);
      expect(roundTrips).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(n + 1)) + 2);
    });
  }

  it("needs two reads when the hint is the head", async () => {
    const rest = new FleetLMRest({ baseUrl: "http://fleetlm.test", fetch: fakeFleetLM(range(5000)) });
    expect(await rest.findHeadSeq("s", { from: 5000 })).toEqual({ headSeq: 5000, roundTrips: 2 });
  });

  it("survives a hint beyond the head", async () => {
    const rest = new FleetLMRest({ baseUrl: "http://fleetlm.test", fetch: fakeFleetLM(range(40)) });
    expect((await rest.findHeadSeq("s", { from: 900 })).headSeq).toBe(40);
  });

  it("finds the head despite gaps in stored seqs (a real FleetLM can lose rows)", async () => {
    const seqs = range(300).filter((s) => s % 7 !== 0 && s !== 299);
    const rest = new FleetLMRest({ baseUrl: "http://fleetlm.test", fetch: fakeFleetLM(seqs) });
    expect(await rest.headSeq("s")).toBe(300);
  });

  it("latest(n) returns the newest n in ascending order", async () => {
    const rest = new FleetLMRest({ baseUrl: "http://fleetlm.test", fetch: fakeFleetLM(range(1234)) });
    const latest = await rest.latest("s", 10);
    expect(latest.map((m) => m.seq)).toEqual(range(10).map((i) => 1224 + i));
    expect((await rest.latest("s", 5000)).length).toBe(1234);
  });
});
