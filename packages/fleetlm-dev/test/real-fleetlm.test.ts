// Wire-visible behaviours of FleetLM 78f77d1 reproduced in every mode (protocol §13.3, issue 13 item 3–6),
// each against the Elixir source it comes from.
import { describe, expect, it, vi } from "vitest";
import { Hub } from "../src/core/hub.js";
import { Inboxes, inboxDeltaTopic } from "../src/core/inbox-server.js";
import { MemoryStore } from "../src/store/memory.js";
import { webhookUrl } from "../src/index.js";
import { apiFor, append, collect, connect, createAgent, createSession, join, ndjson, push, startAgent, startServer, waitFor } from "./helpers.js";

describe("agents: nullable message_history_limit and headers (create_agents.exs)", () => {
  it("null is accepted on create and update, stored and returned as null; a list with it is fine", async () => {
    const server = await startServer();
    const api = apiFor(server);
    const created = await api("POST", "/api/agents", {
      agent: { id: "nully", name: "Nully", origin_url: "http://127.0.0.1:9", message_history_limit: null, headers: null },
    });
    expect(created.status).toBe(201);
    expect(created.body.agent).toMatchObject({ id: "nully", message_history_limit: null, headers: null });
    expect((await api("GET", "/api/agents/nully")).body.agent).toMatchObject({ message_history_limit: null, headers: null });
    await createAgent(server, { id: "plain", name: "Plain", origin_url: "http://127.0.0.1:9" });
    const updated = await api("PUT", "/api/agents/plain", { agent: { headers: null } });
    expect(updated.status).toBe(200);
    expect(updated.body.agent.headers).toBeNull();
    const list = await api("GET", "/api/agents");
    expect(list.body.agents.map((a: any) => [a.id, a.message_history_limit, a.headers])).toEqual([
      ["nully", null, null],
      ["plain", 50, null],
    ]);
    // required fields still are
    const bad = await api("POST", "/api/agents", { agent: { id: "x", name: "X", origin_url: null } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.origin_url).toEqual(["can't be blank"]);
  });

  it("a null history limit makes the webhook call crash (get_messages guards is_integer(limit)); nothing is stored", async () => {
    const server = await startServer();
    const agent = await startAgent((_c, res) => ndjson(res, [{ type: "finish" }]));
    await createAgent(server, { id: "bot", name: "Bot", origin_url: agent.url, message_history_limit: null });
    const s = await createSession(server, "alice", "bot");
    await append(server, s.id, { user_id: "alice", content: { text: "hi" } });
    await waitFor(() => server.webhookOutcomes().length === 1, 5000, "outcome");
    expect(server.webhookOutcomes()[0]!.outcome).toMatchObject({ ok: false, reason: "crash" });
    expect(agent.calls).toHaveLength(0);
    expect(server.store.listMessages(s.id, 0, 10)).toHaveLength(1);
  });
});

describe("the strict assembler (assembler.ex): bad chunks fail the call, nothing is stored", () => {
  async function world(chunks: unknown[]) {
    const server = await startServer();
    const agent = await startAgent((_c, res) => ndjson(res, chunks));
    await createAgent(server, { id: "bot", name: "Bot", origin_url: agent.url });
    const s = await createSession(server, "alice", "bot");
    const socket = await connect(server, { user_id: "alice" });
    const channel = socket.channel(`session:${s.id}`, {});
    const chunksSeen = collect(channel, "stream_chunk");
    await join(channel);
    await append(server, s.id, { user_id: "alice", content: { text: "hi" } });
    await waitFor(() => server.webhookOutcomes().length === 1, 5000, "outcome");
    return { server, s, chunksSeen, outcome: server.webhookOutcomes()[0]!.outcome };
  }

  it.each([
    ["a numeric delta", { type: "text-delta", id: "t", delta: 42 }],
    ["a non-object messageMetadata", { type: "message-metadata", messageMetadata: "fast" }],
  ])("%s: the chunk is still broadcast, then the call fails", async (_name, bad) => {
    const { server, s, chunksSeen, outcome } = await world([{ type: "text-start", id: "t" }, bad, { type: "finish" }]);
    expect(outcome).toMatchObject({ ok: false, reason: "assembler_error" });
    await waitFor(() => chunksSeen.length === 2, 2000, "chunks");
    expect(chunksSeen.map((c) => c.chunk)).toEqual([{ type: "text-start", id: "t" }, bad]);
    expect(server.store.listMessages(s.id, 0, 10).map((m) => m.kind)).toEqual(["text"]);
  });

  it("abort does not merge its messageMetadata: only metadata._finish_chunk has it", async () => {
    const abort = { type: "abort", messageMetadata: { stopped_by: "operator" } };
    const { server, s, outcome } = await world([{ type: "start", messageMetadata: { latency_ms: 5 } }, abort]);
    expect(outcome).toEqual({ ok: true });
    const reply = server.store.listMessages(s.id, 0, 10)[1]!;
    expect(reply.metadata).toEqual({ latency_ms: 5, termination: "abort", _finish_chunk: abort });
  });
});

describe("webhook_path with a trailing slash (client.ex build_agent_url: Path.join)", () => {
  it("drops it, but an empty relative path keeps the origin's path as is", async () => {
    expect(webhookUrl("http://a.test", "/webhook/")).toBe("http://a.test/webhook");
    expect(webhookUrl("http://a.test/base/", "hooks//")).toBe("http://a.test/base/hooks");
    expect(webhookUrl("http://a.test/base/", "/")).toBe("http://a.test/base/");
    expect(webhookUrl("http://a.test/base", "")).toBe("http://a.test/base");
    const server = await startServer();
    const agent = await startAgent((_c, res) => ndjson(res, [{ type: "finish" }]));
    await createAgent(server, { id: "bot", name: "Bot", origin_url: agent.url, webhook_path: "/in/" });
    const s = await createSession(server, "alice", "bot");
    await append(server, s.id, { user_id: "alice", content: {} });
    await waitFor(() => agent.calls.length === 1, 5000, "call");
    expect(agent.calls[0]!.path).toBe("/in");
  });
});

describe("session channel: `send` without content (session_channel.ex catch-all clause)", () => {
  it("replies invalid_message_format and the channel lives on", async () => {
    const server = await startServer();
    const s = await createSession(server, "alice", "bot");
    const socket = await connect(server, { user_id: "alice" });
    const channel = socket.channel(`session:${s.id}`, {});
    await join(channel);
    const errors: unknown[] = [];
    channel.onError((e) => void errors.push(e));
    const reply = await push(channel, "send", { text: "no content key" });
    expect(reply).toEqual({
      status: "error",
      response: {
        error: "invalid_message_format",
        details: "content must be a map, metadata must be a map",
        received: '%{"text" => "no content key"}',
      },
    });
    expect(await push(channel, "send", { content: { content: { text: "after" } } })).toEqual({ status: "ok", response: { seq: 1 } });
    expect(errors).toEqual([]);
  });
});

describe('session create with "metadata": null', () => {
  it("is a 500 (NOT NULL column) and creates nothing", async () => {
    const server = await startServer();
    const api = apiFor(server);
    const res = await api("POST", "/api/sessions", { user_id: "alice", agent_id: "bot", metadata: null });
    expect(res.status).toBe(500);
    expect(server.store.listSessions(undefined, 50)).toEqual([]);
  });
});

describe("inbox threshold flush re-arms the batch timer (inbox_server.ex flush_batch)", () => {
  it("after a quiet tick stopped it, a 50-dirty flush starts the 1 s timer again", () => {
    vi.useFakeTimers();
    try {
      const store = new MemoryStore();
      const hub = new Hub();
      const inboxes = new Inboxes(store, hub, { quirks: true, flushMs: 1000 });
      const deltas: unknown[] = [];
      hub.subscribe(inboxDeltaTopic("alice", true), () => void deltas.push(1));
      inboxes.join("alice");
      const note = (i: number) => inboxes.notify("alice", { session_id: `s${i}`, agent_id: "bot", sender_id: "alice", at: "2026-01-01T00:00:00", atMicros: i });
      vi.advanceTimersByTime(1000); // quiet first tick: the periodic flush stops (quirk 4)
      note(0);
      vi.advanceTimersByTime(3000);
      expect(deltas).toHaveLength(0);
      for (let i = 1; i < 50; i++) note(i); // 50 dirty: threshold flush
      expect(deltas).toHaveLength(1);
      note(100); // one more: the re-armed timer flushes it
      vi.advanceTimersByTime(1000);
      expect(deltas).toHaveLength(2);
      inboxes.stopAll();
    } finally {
      vi.useRealTimers();
    }
  });
});
