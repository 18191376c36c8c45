// storage "real" (protocol §13) against FleetLM 78f77d1's rules: runtime.ex get_messages (holed pages, join
// replay), raft_fsm.ex rings keyed by seq (overwrite, trim), flusher.ex watermark (loss), executor.ex history.
import { describe, expect, it } from "vitest";
import { RealStorage } from "../src/store/real-storage.js";
import { MemoryStore } from "../src/store/memory.js";
import type { FleetlmDevServer } from "../src/index.js";
import { apiFor, append, connect, createAgent, createSession, echoChunks, join, ndjson, startAgent, startServer, waitFor } from "./helpers.js";

const seqsOf = (body: any) => (body.messages as Array<{ seq: number }>).map((m) => m.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function page(server: FleetlmDevServer, sessionId: string, afterSeq: number, limit: number) {
  const res = await apiFor(server)("GET", `/api/sessions/${sessionId}/messages?after_seq=${afterSeq}&limit=${limit}`);
  expect(res.status).toBe(200);
  return seqsOf(res.body);
}

async function fill(server: FleetlmDevServer, sessionId: string, n: number, sender = "agent:x") {
  for (let i = 0; i < n; i++) await append(server, sessionId, { agent_id: sender, content: { text: `m${i}` } });
}

const model = (server: FleetlmDevServer) => {
  if (server.storage.mode !== "real") throw new Error("not real storage");
  return server.storage.model;
};

describe("holed pages (runtime.ex get_messages)", () => {
  it("150 flushed and #151 unflushed: after_seq=0&limit=100 answers 1–99 and 151", async () => {
    const server = await startServer({ storage: { mode: "real", unflushedNewest: 1, rings: 0 } });
    const s = await createSession(server);
    await fill(server, s.id, 151);
    expect(model(server).unflushedSeqs(s.id)).toEqual([151]);
    expect(await page(server, s.id, 0, 100)).toEqual([...range(1, 99), 151]);
    expect(await page(server, s.id, 56, 1)).toEqual([151]);
    expect(await page(server, s.id, 149, 100)).toEqual([150, 151]);
    expect(await page(server, s.id, 151, 100)).toEqual([]);
    // the join replay is the same read: oldest 100 after last_seq, holed
    const socket = await connect(server, { user_id: "alice" });
    const reply = await join(socket.channel(`session:${s.id}`, { last_seq: 10 }));
    expect(reply.response.messages.map((m: { seq: number }) => m.seq)).toEqual([...range(11, 109), 151]);
  });

  it("len(tail) >= limit: the first `limit` of the unflushed tail and nothing from storage", async () => {
    const server = await startServer({ storage: { mode: "real", unflushedNewest: 5, rings: 0 } });
    const s = await createSession(server);
    await fill(server, s.id, 20);
    expect(model(server).unflushedSeqs(s.id)).toEqual(range(16, 20));
    expect(await page(server, s.id, 0, 3)).toEqual([16, 17, 18]);
    expect(await page(server, s.id, 0, 5)).toEqual(range(16, 20));
    expect(await page(server, s.id, 0, 7)).toEqual([1, 2, ...range(16, 20)]);
    // once flushed, pages are contiguous again
    model(server).flush({ all: true });
    expect(await page(server, s.id, 0, 7)).toEqual(range(1, 7));
  });

  it("time-based window: an append is in the tail until the flusher runs, then in storage", async () => {
    const server = await startServer({ storage: { mode: "real", flushMs: 100, rings: 0 } });
    const s = await createSession(server);
    await fill(server, s.id, 3);
    // all three unflushed straight after the append (the real window is 5 s; 100 ms here)
    expect(model(server).unflushedSeqs(s.id).length).toBeGreaterThan(0);
    await waitFor(() => model(server).unflushedSeqs(s.id).length === 0, 3000, "flush");
    expect(await page(server, s.id, 0, 2)).toEqual([1, 2]);
    expect(model(server).lostSeqs(s.id)).toEqual([]);
  });

  it("the default storage is contiguous and has no `model`", async () => {
    const server = await startServer();
    const s = await createSession(server);
    await fill(server, s.id, 5);
    expect(server.storage).toEqual({ mode: "default" });
    expect(await page(server, s.id, 0, 3)).toEqual([1, 2, 3]);
  });
});

describe("shared rings (raft_fsm.ex, flusher.ex)", () => {
  it("a session below another's watermark: readable from the ring, then deleted unflushed on the next flush", async () => {
    const server = await startServer({ storage: { mode: "real", unflushedNewest: 0, rings: 1 } });
    const long = await createSession(server, "u1", "agent:x");
    const short = await createSession(server, "u2", "agent:x");
    await fill(server, long.id, 10); // flushed at once; the ring's watermark is 10
    await fill(server, short.id, 2); // seqs 1, 2 ≤ 10: query_unflushed skips them, they stay in the ring
    expect(await page(server, short.id, 0, 50)).toEqual([1, 2]);
    expect(model(server).unflushedSeqs(short.id)).toEqual([1, 2]);
    await append(server, long.id, { agent_id: "agent:x", content: {} }); // #11 flushes, watermark 11, ≤ 11 deleted
    expect(await page(server, short.id, 0, 50)).toEqual([]);
    expect(model(server).lostSeqs(short.id)).toEqual([1, 2]);
    expect(await page(server, long.id, 0, 50)).toEqual(range(1, 11));
    // seqs keep counting: the next append is #3, and it is lost the same way
    await append(server, short.id, { agent_id: "agent:x", content: {} });
    expect(await page(server, short.id, 0, 50)).toEqual([3]);
  });

  it("two appends with the same seq in one ring within a window: the later one overwrites the earlier", async () => {
    const server = await startServer({ storage: { mode: "real", unflushedNewest: 5, rings: 1 } });
    const a = await createSession(server, "u1", "agent:x");
    const b = await createSession(server, "u2", "agent:x");
    await append(server, a.id, { agent_id: "agent:x", content: { text: "a1" } });
    await append(server, b.id, { agent_id: "agent:x", content: { text: "b1" } });
    expect(model(server).lostSeqs(a.id)).toEqual([1]);
    expect(await page(server, a.id, 0, 10)).toEqual([]);
    const res = await apiFor(server)("GET", `/api/sessions/${b.id}/messages`);
    expect(res.body.messages.map((m: any) => m.content.text)).toEqual(["b1"]);
  });

  it("ring capacity: the lowest seqs are deleted unflushed (trim_ring_if_needed)", async () => {
    const server = await startServer({ storage: { mode: "real", unflushedNewest: 10, rings: 0, ringCapacity: 3 } });
    const s = await createSession(server);
    await fill(server, s.id, 5);
    expect(model(server).lostSeqs(s.id)).toEqual([1, 2]);
    expect(await page(server, s.id, 0, 10)).toEqual([3, 4, 5]);
  });

  it("seeded: the same script with the same seed loses exactly the same seqs", async () => {
    const run = (seed: number) => {
      // The model alone, driven like the append path does, so the script is identical on every run.
      const store = new MemoryStore();
      const real = new RealStorage(store, { unflushedNewest: 2, rings: 4, seed });
      const ids = range(1, 12).map((i) => `s${i}`);
      for (let round = 0; round < 30; round++) {
        const id = ids[(round * 7 + (round % 3)) % ids.length]!;
        const row = store.appendMessage({
          id: `m${round}`,
          session_id: id,
          sender_id: "a",
          recipient_id: "u",
          kind: "text",
          content: {},
          metadata: {},
          inserted_at: round,
        });
        real.onAppend(row);
      }
      real.stop();
      return ids.map((id) => real.lostSeqs(id));
    };
    const first = run(7);
    expect(first.flat().length).toBeGreaterThan(0);
    expect(run(7)).toEqual(first);
  });
});

describe("history modes", () => {
  async function world(mode: "tail" | "last" | "entire", historyModes: "intended" | "real") {
    const server = await startServer({ storage: { mode: "real", unflushedNewest: 2, rings: 0 }, historyModes });
    const agent = await startAgent((_c, res) => ndjson(res, echoChunks()));
    await createAgent(server, { id: "bot", name: "Bot", origin_url: agent.url, message_history_mode: mode, message_history_limit: 3 });
    const s = await createSession(server, "alice", "bot");
    await fill(server, s.id, 6, "bot"); // agent messages: no webhook
    await append(server, s.id, { user_id: "alice", content: { text: "go" } }); // #7 triggers the call
    await waitFor(() => agent.calls.length === 1, 5000, "webhook call");
    return agent.calls[0]!.body.messages.map((m: { seq: number }) => m.seq) as number[];
  }

  // Unflushed at the call: #6 and #7 (newest 2). Flushed: 1–5.
  it.each([
    ["tail", "intended", [5, 6, 7]],
    ["tail", "real", [1, 6, 7]],
    ["last", "intended", [7]],
    ["last", "real", [6]],
    ["entire", "intended", range(1, 7)],
    ["entire", "real", range(1, 5)],
  ] as const)("%s with historyModes %s sends %j", async (mode, modes, expected) => {
    expect(await world(mode, modes)).toEqual(expected);
  });
});

describe("the lose hook (POST /_dev/storage/lose, not FleetLM)", () => {
  it("loses exactly the seqs asked for, flushed or not: every page and the join skip them, later appends are kept", async () => {
    const server = await startServer({ storage: { mode: "real", unflushedNewest: 3, rings: 0 } });
    const api = apiFor(server);
    const s = await createSession(server);
    await fill(server, s.id, 30);
    const lost = await api("POST", "/_dev/storage/lose", { session_id: s.id, seqs: [12, 13, 14, 29, 99] });
    expect(lost.status).toBe(200);
    expect(lost.body).toEqual({ session_id: s.id, lost: [12, 13, 14, 29] }); // 99 was never appended
    expect(model(server).lostSeqs(s.id)).toEqual([12, 13, 14, 29]);
    expect(await page(server, s.id, 0, 100)).toEqual([...range(1, 11), ...range(15, 28), 30]);
    await fill(server, s.id, 5);
    expect(await page(server, s.id, 28, 100)).toEqual(range(30, 35));
    const socket = await connect(server, { user_id: "alice" });
    const reply = await join(socket.channel(`session:${s.id}`, { last_seq: 10 }));
    expect(reply.response.messages.map((m: { seq: number }) => m.seq)).toEqual([11, ...range(15, 28), ...range(30, 35)]);
  });

  it("400 for a bad body, 404 for an unknown session; absent in default storage", async () => {
    const real = await startServer({ storage: { mode: "real", unflushedNewest: 3, rings: 0 } });
    const api = apiFor(real);
    expect((await api("POST", "/_dev/storage/lose", "{nope")).status).toBe(400);
    expect((await api("POST", "/_dev/storage/lose", { session_id: "x", seqs: [0] })).status).toBe(400);
    expect((await api("POST", "/_dev/storage/lose", { session_id: "no-such-session", seqs: [1] })).status).toBe(404);
    const plain = await startServer();
    const s = await createSession(plain);
    expect((await apiFor(plain)("POST", "/_dev/storage/lose", { session_id: s.id, seqs: [1] })).status).toBe(404);
  });
});
