// readRange / readTail / pages against the dev server in real-storage mode (protocol §13): holed pages are
// read through exactly, lost seqs are reported, and null agent fields or one bad record fail nothing.
import { describe, expect, it } from "vitest";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { FleetLMRest, seqRuns, stoppedBy, type LiveMessage, type MalformedRecord, type MessageFields } from "@fleetlm/client";
import { makeClient, onCleanup, range, record, startDev, until } from "./support/dev.js";

async function fill(rest: FleetLMRest, sessionId: string, n: number) {
  for (let i = 0; i < n; i++) await rest.appendMessage(sessionId, { agentId: "bot", content: { text: `m${i + 1}` } });
}

describe("readRange over holed pages", () => {
  it("150 stored + 1 unflushed: a plain page skips 100, readRange returns 1..100 exactly", async () => {
    const server = await startDev({ storage: { mode: "real", unflushedNewest: 1, rings: 0 } });
    const rest = new FleetLMRest({ baseUrl: server.url });
    const s = await rest.createSession({ userId: "alice", agentId: "bot" });
    await fill(rest, s.id, 151);
    const plain = await rest.listMessages(s.id, { afterSeq: 0, limit: 100 });
    expect(plain.map((m) => m.seq)).toEqual([...range(1, 99), 151]); // the trap
    const read = await rest.readRange(s.id, { from: 1, to: 100 });
    expect(read.messages.map((m) => m.seq)).toEqual(range(1, 100));
    expect(read.missing).toEqual([]);
    expect(read.reads).toBe(2); // one page, one re-read of the single missing seq
    // a range of only stored seqs behind a bigger unflushed tail
    const server2 = await startDev({ storage: { mode: "real", unflushedNewest: 30, rings: 0 } });
    const rest2 = new FleetLMRest({ baseUrl: server2.url });
    const s2 = await rest2.createSession({ userId: "alice", agentId: "bot" });
    await fill(rest2, s2.id, 60);
    const mid = await rest2.readRange(s2.id, { from: 5, to: 14 });
    expect(mid.messages.map((m) => m.seq)).toEqual(range(5, 14));
    expect(mid.messages.map((m) => m.content.text)).toEqual(range(5, 14).map((n) => `m${n}`));
  });

  it("learns the session's unflushed tail: the next holed range costs one read; contiguous storage learns nothing", async () => {
    const server = await startDev({ storage: { mode: "real", unflushedNewest: 3, rings: 0 } });
    const rest = new FleetLMRest({ baseUrl: server.url });
    const s = await rest.createSession({ userId: "alice", agentId: "bot" });
    await fill(rest, s.id, 300);
    const first = await rest.readRange(s.id, { from: 11, to: 110 });
    expect(first.messages.map((m) => m.seq)).toEqual(range(11, 110));
    expect(first).toMatchObject({ reads: 2, unflushed: 3 }); // 298–300 took three slots of the first page
    for (const from of [111, 40, 181]) {
      const next = await rest.readRange(s.id, { from, to: from + 99 });
      expect(next.messages.map((m) => m.seq)).toEqual(range(from, from + 99));
      expect(next).toMatchObject({ reads: 1, unflushed: 3 });
    }
    // once flushed, what follows a range is just the next seqs: nothing unflushed, and the hint is dropped
    if (server.storage.mode === "real") server.storage.model.flush({ all: true });
    expect(await rest.readRange(s.id, { from: 1, to: 100 })).toMatchObject({ reads: 1, unflushed: 0 });
    const plain = await rest.readRange(s.id, { from: 1, to: 100 });
    expect(plain).toMatchObject({ reads: 1, unflushed: 0, highestSeen: 100 }); // no headroom asked for any more
    expect(plain.messages.map((m) => m.seq)).toEqual(range(1, 100));

    const contiguous = await startDev();
    const rest2 = new FleetLMRest({ baseUrl: contiguous.url });
    const s2 = await rest2.createSession({ userId: "alice", agentId: "bot" });
    await fill(rest2, s2.id, 150);
    expect(await rest2.readRange(s2.id, { from: 1, to: 100 }, { headroom: 5 })).toMatchObject({ reads: 1, unflushed: 0, highestSeen: 105 });
  });

  it("readTail and pages() give every seq once from a session whose tail is unflushed", async () => {
    const server = await startDev({ storage: { mode: "real", unflushedNewest: 7, rings: 0 } });
    const rest = new FleetLMRest({ baseUrl: server.url });
    const s = await rest.createSession({ userId: "alice", agentId: "bot" });
    await fill(rest, s.id, 250);
    const tail = await rest.readTail(s.id, 50);
    expect(tail.headSeq).toBe(250);
    expect(tail.messages.map((m) => m.seq)).toEqual(range(201, 250));
    const seen: number[] = [];
    for await (const page of rest.pages(s.id, { pageSize: 40 })) seen.push(...page.map((m) => m.seq));
    expect(seen).toEqual(range(1, 250));
    expect((await rest.latest(s.id, 10)).map((m) => m.seq)).toEqual(range(241, 250));
  });

  it("reports seqs lost in a shared ring, once, without waiting again for known ones", async () => {
    const server = await startDev({ storage: { mode: "real", unflushedNewest: 0, rings: 1 } });
    const rest = new FleetLMRest({ baseUrl: server.url });
    const long = await rest.createSession({ userId: "u1", agentId: "bot" });
    const short = await rest.createSession({ userId: "u2", agentId: "bot" });
    await fill(rest, long.id, 10); // flushed one by one: the ring's watermark is 10
    await fill(rest, short.id, 3); // 1–3 ≤ 10: the flush skips them, they wait in the ring (still readable)
    expect((await rest.readRange(short.id, { from: 1, to: 3 }, { settleMs: 0 })).missing).toEqual([]);
    await fill(rest, long.id, 1); // #11 flushes, watermark 11, entries ≤ 11 deleted: short's 1–3 are gone
    await fill(rest, short.id, 9); // 4–11 stuck again; #12 > 11 flushes, watermark 12, deletes 4–11
    const lost = server.storage.mode === "real" ? server.storage.model.lostSeqs(short.id) : [];
    expect(lost).toEqual(range(1, 11));
    const started = Date.now();
    const read = await rest.readRange(short.id, { from: 1, to: 12 }, { settleMs: 300 });
    expect(read.missing).toEqual(range(1, 11));
    expect(read.messages.map((m) => m.seq)).toEqual([12]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250); // the bounded wait was paid once
    const again = Date.now();
    const known = await rest.readRange(short.id, { from: 1, to: 12 }, { settleMs: 5000, knownMissing: lost });
    expect(known.missing).toEqual(range(1, 11));
    expect(Date.now() - again).toBeLessThan(2000); // known losses are not waited for
    expect(seqRuns(known.missing)).toEqual([{ from: 1, to: 11 }]);
  });

  it("a lost newest message is reported only when the caller knows it existed", async () => {
    const server = await startDev({ storage: { mode: "real", unflushedNewest: 5, rings: 1 } });
    const rest = new FleetLMRest({ baseUrl: server.url });
    const a = await rest.createSession({ userId: "u1", agentId: "bot" });
    const b = await rest.createSession({ userId: "u2", agentId: "bot" });
    await fill(rest, a.id, 2);
    await fill(rest, b.id, 2); // b's #1, #2 overwrite a's in the shared ring
    expect((await rest.readRange(a.id, { from: 1, to: 2 }, { settleMs: 0 })).missing).toEqual([]);
    expect((await rest.readRange(a.id, { from: 1, to: 2 }, { settleMs: 0, existsUpTo: 2 })).missing).toEqual([1, 2]);
  });
});

describe("reads that make each message in the checking pass (`as`)", () => {
  it("a holed range gives exactly its seqs, each made from checked fields; a malformed message is left out and reported", async () => {
    const server = await startDev({ storage: { mode: "real", unflushedNewest: 3, rings: 0 } });
    const malformed: MalformedRecord[] = [];
    const rest = new FleetLMRest({ baseUrl: server.url, onMalformed: (m) => malformed.push(m) });
    const s = await rest.createSession({ userId: "alice", agentId: "bot" });
    await fill(rest, s.id, 150);
    const made: MessageFields[] = [];
    const as = (fields: MessageFields) => {
      made.push(fields);
      return { seq: fields.seq, text: fields.content.text, at: fields.inserted_at };
    };
    const read = await rest.readRange(s.id, { from: 11, to: 110 }, { as });
    expect(read.messages.map((m) => m.seq)).toEqual(range(11, 110));
    expect(read.messages.map((m) => m.text)).toEqual(range(11, 110).map((n) => `m${n}`));
    // the same records as the SDK's own Message, field for field, without its Date
    const plain = await rest.readRange(s.id, { from: 11, to: 110 });
    expect(read.messages.map((m) => m.at)).toEqual(plain.messages.map((m) => m.inserted_at));
    expect(made.every((f) => !("insertedAt" in f) && typeof f.metadata === "object")).toBe(true);
    // a message no FleetLM would send (kind not a string): the maker never sees it, the list goes on
    const listed = await rest.listMessages(s.id, { afterSeq: 0, limit: 5, as });
    expect(listed.map((m) => m.seq)).toEqual([1, 2, 148, 149, 150]); // one plain page: the unflushed tail first (§13.1)
    const broken = {
      id: "broken",
      session_id: s.id,
      seq: 0,
      sender_id: "bot",
      recipient_id: "alice",
      kind: 42 as never,
      content: {},
      metadata: {},
      inserted_at: Date.now() * 1000,
    };
    const other = await rest.createSession({ userId: "bob", agentId: "bot" });
    server.store.seed(
      [],
      [broken, { ...broken, id: "fine", kind: "text", content: { text: "fine" } }].map((m) => ({ ...m, session_id: other.id })),
    );
    made.length = 0;
    const mixed = await rest.listMessages(other.id, { as });
    expect(mixed.map((m) => m.text)).toEqual(["fine"]);
    expect(made.map((f) => f.id)).toEqual(["fine"]);
    expect(malformed).toMatchObject([{ what: "message", id: "broken", index: 0 }]);
  });
});

describe("schemas accept what real FleetLM returns", () => {
  it("null message_history_limit/headers list and get; one malformed agent is reported, not fatal", async () => {
    const server = await startDev();
    const malformed: MalformedRecord[] = [];
    const rest = new FleetLMRest({ baseUrl: server.url, onMalformed: (m) => malformed.push(m) });
    await rest.createAgent({ id: "nully", name: "Nully", origin_url: "http://127.0.0.1:9", message_history_limit: null, headers: null });
    await rest.createAgent({ id: "plain", name: "Plain", origin_url: "http://127.0.0.1:9" });
    expect(await rest.getAgent("nully")).toMatchObject({ message_history_limit: null, headers: null });
    // a record no FleetLM would send (status outside the enum) next to good ones
    const broken = { ...server.store.getAgent("plain")!, id: "broken", name: "Broken", status: "zombie" as never };
    server.store.insertAgent(broken);
    const agents = await rest.listAgents();
    expect(agents.map((a) => a.id)).toEqual(["nully", "plain"]);
    expect(malformed).toHaveLength(1);
    expect(malformed[0]).toMatchObject({ what: "agent", id: "broken", index: 0 });
    const report = await rest.listAgentsReport();
    expect(report.malformed.map((m) => m.id)).toEqual(["broken"]);
  });

  it("stoppedBy reads an abort's stopped_by from _finish_chunk (and the old top-level place)", () => {
    const by = { operator_id: "op1", operator_name: "Ann" };
    expect(stoppedBy({ termination: "abort", _finish_chunk: { type: "abort", messageMetadata: { stopped_by: by } } })).toEqual(by);
    expect(stoppedBy({ termination: "abort", stopped_by: by })).toEqual(by);
    expect(stoppedBy({ termination: "abort", _finish_chunk: { type: "abort" } })).toBeNull();
    expect(stoppedBy(null)).toBeNull();
  });
});

describe("a stream FleetLM refuses", () => {
  it("the live message is marked refused (not stored by FleetLM) and no assistant message follows", async () => {
    const server = await startDev();
    // An agent whose second delta is a number: FleetLM's assembler raises there and the call fails.
    const agent = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/json" });
        const lines = [
          { type: "text-start", id: "t" },
          { type: "text-delta", id: "t", delta: "Hel" },
          { type: "text-delta", id: "t", delta: 7 },
          { type: "finish" },
        ];
        res.end(lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
      });
    });
    await new Promise<void>((r) => agent.listen(0, "127.0.0.1", () => r()));
    onCleanup(() => new Promise<void>((r) => agent.close(() => r())));
    const rest = new FleetLMRest({ baseUrl: server.url });
    await rest.createAgent({ id: "strict", name: "Strict", origin_url: `http://127.0.0.1:${(agent.address() as AddressInfo).port}` });
    const client = makeClient(server, { userId: "alice", agentId: "strict" });
    const lives: Array<LiveMessage | null> = [];
    client.on("live", (l) => lives.push(l));
    const { messages } = record(client);
    await client.connect();
    await client.send({ content: { text: "hi" } });
    await until(() => expect(lives.at(-1)?.refused).toBe("assembler_error"));
    expect(lives.at(-1)!.content.parts).toEqual([{ type: "text", text: "Hel", state: "streaming" }]);
    await until(() => expect(server.webhookOutcomes()).toHaveLength(1));
    expect(server.webhookOutcomes()[0]!.outcome).toMatchObject({ reason: "assembler_error" });
    expect(messages.map((m) => m.kind)).toEqual(["text"]);
  });
});
