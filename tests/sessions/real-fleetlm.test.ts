// The session page against a FleetLM with real storage (protocol §13): holed pages read exactly, deep links
// land, and seqs FleetLM lost show as markers at exactly those seqs, are recorded once and never count as unread.
import type { FleetLMRest } from "@fleetlm/client";
import type { FleetlmDevServer } from "@fleetlm/dev";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "~/db.server";
import { recordLosses } from "~/fleetlm/losses.server";
import { syncSessionNow } from "~/fleetlm-sync/sync-queue.server";
import { advanceReadCursor, unreadFor } from "~/inbox/read-cursor.server";
import { loader } from "~/routes/sessions.$id";
import { loader as fullMessage } from "~/routes/sessions.$id.messages.$seq";
import type { SessionView } from "~/sessions/session-view.server";
import { call, makeOperator, request, type TestOperator } from "../support/auth";
import { seedSession, startFleetlm } from "./fleetlm-fixture";

type Body = SessionView & { notes: unknown[] };
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

let op: TestOperator;
let server: FleetlmDevServer | null = null;
beforeAll(async () => {
  op = await makeOperator("operator");
});
afterEach(async () => {
  await server?.close();
  server = null;
});

const open = async (id: string, query = "", as: TestOperator = op) => {
  const res = await call(() => loader({ request: request(`/sessions/${id}${query}`, { as }), params: { id }, context: {} }));
  expect(res.status).toBe(200);
  return (res.body as Body).history!;
};

describe("holed pages (an unflushed tail)", () => {
  let shared: FleetlmDevServer;
  let rest: FleetLMRest;
  let id: string;
  beforeAll(async () => {
    ({ server: shared, rest } = await startFleetlm({ storage: { mode: "real", unflushedNewest: 7, rings: 0 } }));
    id = (await seedSession(rest, 250)).id;
  });
  afterAll(async () => {
    await shared.close();
  });

  it("a 250-message session paged from the tail to seq 1 shows 1..250 exactly once", async () => {
    // the trap the page avoids: a plain middle page skips stored seqs
    expect((await rest.listMessages(id, { afterSeq: 100, limit: 100 })).map((m) => m.seq)).not.toEqual(range(101, 200));
    const seen: number[] = [];
    let page = await open(id);
    expect(page.lost).toEqual([]);
    seen.unshift(...page.messages.map((m) => m.seq));
    while (page.hasOlder) {
      page = await open(id, `?before=${page.messages[0]!.seq}`);
      seen.unshift(...page.messages.map((m) => m.seq));
    }
    expect(seen).toEqual(range(1, 250));
    // forward paging from the start too
    const forward: number[] = [];
    let after = 0;
    for (;;) {
      const p = await open(id, `?after=${after}`);
      forward.push(...p.messages.map((m) => m.seq));
      if (!p.hasNewer) break;
      after = p.messages.at(-1)!.seq;
    }
    expect(forward).toEqual(range(1, 250));
  });

  it.each([1, 60, 149, 200, 244, 250])("?seq=%i lands on that seq with it in the page", async (seq) => {
    const page = await open(id, `?seq=${seq}`);
    expect(page.highlight).toBe(seq);
    const seqs = page.messages.map((m) => m.seq);
    expect(seqs).toContain(seq);
    expect(seqs).toEqual(range(seqs[0]!, seqs.at(-1)!)); // contiguous around it
    expect(page.messages.find((m) => m.seq === seq)!.content).toEqual({ text: `message ${seq}` });
  });

  it.each([1, 149, 244, 250])("the whole message %i, on demand, is that message", async (seq) => {
    expect((await rest.listMessages(id, { afterSeq: seq - 1, limit: 1 }))[0]!.seq).toBe(seq < 244 ? 244 : seq); // a plain read's trap
    const res = await call(() =>
      fullMessage({ request: request(`/sessions/${id}/messages/${seq}`, { as: op }), params: { id, seq: String(seq) }, context: {} }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ seq, content: { text: `message ${seq}` } });
  });
});

describe("seqs FleetLM lost", () => {
  /**
   * One shared ring, flushed after every append (protocol §13.2). alice 1–147 flush (watermark 147); bob's
   * 148–150 move it to 150; alice's 148–150 are then below it and wait unflushed; bob's next message moves it
   * to 151 and deletes them; alice's 151 waits again and her 152 deletes it. Lost: exactly 148–151.
   */
  async function lossyWorld() {
    let rest: FleetLMRest;
    ({ server, rest } = await startFleetlm({ storage: { mode: "real", unflushedNewest: 0, rings: 1 } }));
    const s = await seedSession(rest, 147);
    await seedSession(rest, 150, { userId: "bob", agentId: "agent-x" });
    const say = (n: number) =>
      rest.appendMessage(s.id, n % 2 ? { userId: "alice", content: { text: `message ${n}` } } : { agentId: "agent-x", content: { text: `message ${n}` } });
    for (const n of [148, 149, 150]) await say(n);
    const bob = (await rest.listSessions({ userId: "bob" }))[0]!;
    await rest.appendMessage(bob.id, { userId: "bob", content: { text: "moves the watermark" } });
    for (const n of [151, 152]) await say(n);
    expect(server!.storage.mode === "real" && server!.storage.model.lostSeqs(s.id)).toEqual([148, 149, 150, 151]);
    return { rest, s };
  }

  it("markers at exactly the lost seqs, recorded and logged once; unread excludes them, before and after the cursor", async () => {
    const { s } = await lossyWorld();
    const other = await makeOperator("operator");
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      await syncSessionNow(s.id); // the gateway indexes it: the lost seqs are found and recorded there first
      await advanceReadCursor(op.id, s.id, 152);
      const tail = await open(s.id);
      expect(tail.lost).toEqual([148, 149, 150, 151]);
      expect(tail.messages.map((m) => m.seq)).toEqual([...range(53, 147), 152]);
      const rows = await (await db()).lostSeq.findMany({ where: { sessionId: s.id }, orderBy: { seq: "asc" } });
      expect(rows.map((r) => [r.seq, r.agentId])).toEqual([148, 149, 150, 151].map((n) => [n, "agent-x"]));
      const logged = () => warn.mock.calls.filter((c) => String(c[0]).includes("FleetLM lost messages 148–151")).length;
      expect(logged()).toBe(1);
      // opening again (another page too) records and logs nothing new, and costs no settle wait
      const started = Date.now();
      expect((await open(s.id, "?seq=149")).lost).toEqual([148, 149, 150, 151]);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(logged()).toBe(1);
      const row = await (await db()).sessionIndex.findUniqueOrThrow({ where: { id: s.id } });
      expect(row).toMatchObject({ lostCount: 4, headSeq: 152 });
      // unread counts the user's stored messages only (odd seqs 1–147: 74); the lost 149 and 151 never count
      expect(await unreadFor(other.id, s.id)).toBe(74);
      expect(await unreadFor(op.id, s.id)).toBe(0);
      // a loss recorded twice changes nothing
      expect(await recordLosses(s.id, [149, 150])).toEqual([]);
      expect(await unreadFor(other.id, s.id)).toBe(74);
      expect((await (await db()).sessionIndex.findUniqueOrThrow({ where: { id: s.id } })).lostCount).toBe(4);
    } finally {
      warn.mockRestore();
    }
  });
});
