// Agent webhooks (§8): URL, request, NDJSON handling, assembly end to end, serialisation and §8.8 failures.
import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { webhookUrl } from "../src/index.js";
import {
  append,
  collect,
  connect,
  createAgent,
  createSession,
  echoChunks,
  join,
  ndjson,
  sleep,
  startAgent,
  startServer,
  waitFor,
  apiFor,
  type AgentCall,
} from "./helpers.js";

async function world(
  respond: (call: AgentCall, res: ServerResponse, index: number) => void | Promise<void>,
  agentFields: Record<string, unknown> = {},
  quirks = true,
) {
  const server = await startServer({ quirks });
  const agent = await startAgent(respond);
  await createAgent(server, { id: "bot", name: "Bot", origin_url: agent.url, ...agentFields });
  const session = await createSession(server, "alice", "bot");
  const say = (text: string) => append(server, session.id, { user_id: "alice", content: { text } });
  const stored = () => server.store.listMessages(session.id, 0, 1000);
  return { server, agent, session, say, stored };
}

const slowWrite = async (res: ServerResponse, chunks: unknown[], gapMs: number) => {
  res.writeHead(200, { "content-type": "application/x-ndjson" });
  for (const c of chunks) {
    res.write(JSON.stringify(c) + "\n");
    await sleep(gapMs);
  }
  res.end();
};

describe("item 43: webhook URL joining", () => {
  it("joins origin paths and webhook paths like FleetLM", () => {
    expect(webhookUrl("https://api.example.com/base", "/webhook")).toBe("https://api.example.com/base/webhook");
    expect(webhookUrl("https://api.example.com/base/nested", "callback")).toBe("https://api.example.com/base/nested/callback");
    expect(webhookUrl("https://api.example.com/base", "https://hooks.example.net/agent")).toBe("https://hooks.example.net/agent");
    expect(webhookUrl("http://localhost:3000", "/api/fleetlm/webhook")).toBe("http://localhost:3000/api/fleetlm/webhook");
    expect(webhookUrl("http://localhost:3000/?drop=1", "/hook?keep=1#frag")).toBe("http://localhost:3000/hook?keep=1#frag");
    expect(webhookUrl("http://localhost:3000/base/", "/hook")).toBe("http://localhost:3000/base/hook");
  });
});

describe("§8.2–8.3 request", () => {
  it("item 44: POSTs the history with the triggering seq; the reply is stored as the agent with kind assistant", async () => {
    const w = await world((_c, res) => ndjson(res, echoChunks("ack")), { webhook_path: "/hooks/in", headers: { "X-Api-Key": "secret" } });
    const m = await w.say("Hello");
    await w.server.webhooksIdle();
    expect(w.agent.calls).toHaveLength(1);
    const call = w.agent.calls[0]!;
    expect(call.path).toBe("/hooks/in");
    expect(call.headers["content-type"]).toBe("application/json");
    expect(call.headers["accept"]).toBe("application/json");
    expect(call.headers["x-api-key"]).toBe("secret");
    expect(call.body).toEqual({
      session_id: w.session.id,
      agent_id: "bot",
      user_id: "alice",
      messages: [
        { seq: m.seq, sender_id: "alice", kind: "text", content: { text: "Hello" }, inserted_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/) },
      ],
    });
    const reply = w.stored()[1]!;
    expect(reply).toMatchObject({ seq: 2, sender_id: "bot", recipient_id: "alice", kind: "assistant" });
    expect(reply.content).toEqual({ id: expect.any(String), role: "assistant", parts: [{ type: "text", text: "ack", state: "done" }] });
    expect(reply.metadata).toEqual({ termination: "finish", _finish_chunk: { type: "finish" } });
  });

  it.each([
    { mode: "tail", limit: 2, seqs: [4, 5] },
    { mode: "last", limit: 50, seqs: [5] },
    { mode: "entire", limit: 2, seqs: [1, 2, 3, 4, 5] },
  ])("history mode $mode (intended behaviour, not quirk 8)", async ({ mode, limit, seqs }) => {
    const w = await world((_c, res) => ndjson(res, []), { message_history_mode: mode, message_history_limit: limit });
    for (let i = 1; i <= 4; i++) await append(w.server, w.session.id, { agent_id: "bot", content: { i } });
    await w.say("fifth");
    await w.server.webhooksIdle();
    expect(w.agent.calls[0]!.body.messages.map((m: any) => m.seq)).toEqual(seqs);
    expect(Object.keys(w.agent.calls[0]!.body.messages[0]).sort()).toEqual(["content", "inserted_at", "kind", "sender_id", "seq"]);
  });

  it("calls are serialized per session, one per user message, never merged, with the history at call start", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const w = await world(async (_c, res, i) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await sleep(150);
      ndjson(res, echoChunks(`reply${i}`));
      inFlight--;
    });
    await w.say("one");
    await sleep(30);
    await w.say("two");
    await w.say("three");
    await w.server.webhooksIdle();
    expect(w.agent.calls).toHaveLength(3);
    expect(maxInFlight).toBe(1);
    // The second call starts after the first reply was stored, so it sees it.
    const second = w.agent.calls[1]!.body.messages.map((m: any) => m.kind);
    expect(second).toContain("assistant");
    expect(w.stored().filter((m) => m.kind === "assistant")).toHaveLength(3);
    expect(w.stored().map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("agent messages, stranger messages and agent-socket sends trigger nothing", async () => {
    const w = await world((_c, res) => ndjson(res, echoChunks()));
    await append(w.server, w.session.id, { agent_id: "bot", content: {} });
    await append(w.server, w.session.id, { user_id: "someone-else", content: {} });
    const socket = await connect(w.server, { agent_id: "bot" });
    const channel = socket.channel(`session:${w.session.id}`, {});
    await join(channel);
    await new Promise((r) => channel.push("send", { content: { content: { text: "as agent" } } }).receive("ok", r));
    await w.server.webhooksIdle();
    expect(w.agent.calls).toHaveLength(0);
  });

  it("a WS send by the session user triggers one call even when broadcast twice", async () => {
    const w = await world((_c, res) => ndjson(res, echoChunks()));
    const socket = await connect(w.server, { user_id: "alice" });
    const channel = socket.channel(`session:${w.session.id}`, {});
    await join(channel);
    await new Promise((r) => channel.push("send", { content: { content: { text: "hi" } } }).receive("ok", r));
    await waitFor(() => w.stored().length === 2, 5000, "assistant reply");
    expect(w.agent.calls).toHaveLength(1);
  });
});

describe("§8.4–8.6 streaming and assembly", () => {
  it("forwards every chunk before the stored message, tolerating CRLF, blank lines and a final unterminated line", async () => {
    const w = await world((_c, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        [
          JSON.stringify({ type: "start", messageId: "m-1", messageMetadata: { mode: "x" } }),
          "",
          JSON.stringify({ type: "text-start", id: "t" }) + "\r",
          JSON.stringify({ type: "custom-thing", any: 1 }),
          JSON.stringify({ type: "error", errorText: "not fatal" }),
          JSON.stringify({ type: "text-delta", id: "t", delta: "Hi" }),
          JSON.stringify({ type: "finish", messageMetadata: { latency_ms: 12 } }),
        ].join("\n"),
      );
    });
    const socket = await connect(w.server, { user_id: "alice" });
    const channel = socket.channel(`session:${w.session.id}`, {});
    const events: Array<[string, any]> = [];
    channel.on("stream_chunk", (p) => void events.push(["chunk", p]));
    channel.on("message", (p) => void events.push(["message", p]));
    await join(channel);
    await w.say("go");
    await waitFor(() => events.some(([k, p]) => k === "message" && p.kind === "assistant"), 5000, "assistant");
    const kinds = events.filter(([k, p]) => k === "chunk" || p.kind === "assistant").map(([k, p]) => (k === "chunk" ? p.chunk.type : "MESSAGE"));
    expect(kinds).toEqual(["start", "text-start", "custom-thing", "error", "text-delta", "finish", "MESSAGE"]);
    const stored = w.stored()[1]!;
    expect(stored.content).toEqual({ id: "m-1", role: "assistant", parts: [{ type: "text", text: "Hi", state: "done" }] });
    expect(stored.metadata).toMatchObject({ mode: "x", latency_ms: 12, termination: "finish" });
    expect(w.server.webhookOutcomes().at(-1)!.outcome.ok).toBe(true);
  });

  it("items 35–42 end to end: every chunk type lands in the stored message", async () => {
    const chunks = [
      { type: "start" },
      { type: "start-step" },
      { type: "reasoning-start", id: "r" },
      { type: "reasoning-delta", id: "r", delta: "Let me think..." },
      { type: "reasoning-end", id: "r" },
      { type: "text-start", id: "t", providerMetadata: { p: 1 } },
      { type: "text-delta", id: "t", delta: "Hel" },
      { type: "text-delta", id: "t", delta: "lo" },
      { type: "text-end", id: "t" },
      { type: "tool-input-start", toolCallId: "call-1", toolName: "weather" },
      { type: "tool-input-delta", toolCallId: "call-1", inputTextDelta: '{"city":' },
      { type: "tool-input-delta", toolCallId: "call-1", inputTextDelta: '"Paris"}' },
      { type: "tool-input-available", toolCallId: "call-1", toolName: "weather", input: { city: "Paris" } },
      { type: "tool-output-available", toolCallId: "call-1", output: { temperature: 20 } },
      { type: "tool-input-start", toolCallId: "call-2", toolName: "delete_user" },
      { type: "tool-input-available", toolCallId: "call-2", toolName: "delete_user", input: { id: 1 } },
      { type: "tool-approval-request", toolCallId: "call-2", approvalId: "approval-1" },
      { type: "tool-output-denied", toolCallId: "call-2" },
      { type: "data-chart", id: "c", data: { v: 1 } },
      { type: "data-chart", id: "c", data: { v: 2 } },
      { type: "text-delta", delta: "no id, ignored" },
      { type: "finish-step" },
      { type: "finish", messageMetadata: { latency_ms: 123 } },
      { type: "text-start", id: "t2" },
      { type: "text-delta", id: "t2", delta: "second" },
      { type: "abort" },
      { type: "text-start", id: "t3" },
      { type: "text-delta", id: "t3", delta: "never finished" },
    ];
    const w = await world((_c, res) => ndjson(res, chunks));
    await w.say("go");
    await w.server.webhooksIdle();
    const [, first, second, extra] = w.stored();
    expect(extra).toBeUndefined(); // item: a stream without finish stores nothing for the open message
    expect(first!.metadata).toMatchObject({ latency_ms: 123, termination: "finish" });
    expect(first!.content.parts).toEqual([
      { type: "step-start" },
      { type: "reasoning", text: "Let me think...", state: "done" },
      { type: "text", text: "Hello", state: "done", providerMetadata: { p: 1 } },
      { type: "tool-weather", toolCallId: "call-1", toolName: "weather", state: "output-available", input: { city: "Paris" }, output: { temperature: 20 } },
      { type: "tool-delete_user", toolCallId: "call-2", toolName: "delete_user", state: "output-denied", input: { id: 1 }, approval: { id: "approval-1" } },
      { type: "data-chart", id: "c", data: { v: 2 } },
    ]);
    expect(second!.metadata.termination).toBe("abort");
    expect(second!.content.parts).toEqual([{ type: "text", text: "second", state: "done" }]);
  });

  it("timeout_ms is an idle timeout between packets, not a total deadline", async () => {
    const chunks = [...echoChunks("slow but steady")];
    const w = await world((_c, res) => slowWrite(res, chunks, 120), { timeout_ms: 400 });
    await w.say("go");
    await w.server.webhooksIdle();
    expect(w.server.webhookOutcomes().at(-1)!.outcome).toEqual({ ok: true });
    expect(w.stored()).toHaveLength(2);
  });
});

describe("§8.8 failures never crash the server and never block later calls", () => {
  it("item 34: a failing call is not retried; the next user message makes a second call", async () => {
    const w = await world(
      (_c, res) => {
        // an empty body, since a non-2xx body is parsed as NDJSON too
        res.writeHead(500);
        res.end();
      },
      { webhook_path: "/stub", timeout_ms: 1000 },
    );
    await w.say("first");
    await w.server.webhooksIdle();
    await sleep(100);
    expect(w.agent.calls).toHaveLength(1);
    await w.say("second");
    await w.server.webhooksIdle();
    expect(w.agent.calls).toHaveLength(2);
    expect(w.server.webhookOutcomes().map((o) => o.outcome)).toEqual([
      { ok: false, reason: "http_error", detail: "500" },
      { ok: false, reason: "http_error", detail: "500" },
    ]);
  });

  it("disabled or missing agents are never called", async () => {
    const w = await world((_c, res) => ndjson(res, echoChunks()));
    await apiFor(w.server)("DELETE", "/api/agents/bot");
    await w.say("hello?");
    await w.server.webhooksIdle();
    expect(w.agent.calls).toHaveLength(0);
    const orphan = await createSession(w.server, "alice", "ghost");
    await append(w.server, orphan.id, { user_id: "alice", content: {} });
    await w.server.webhooksIdle();
    expect(w.server.webhookOutcomes().map((o) => o.outcome.ok)).toEqual([false, false]);
  });

  it("connection refused and idle timeouts fail cleanly, keeping chunks already streamed", async () => {
    const server = await startServer();
    await createAgent(server, { id: "dead", name: "Dead", origin_url: "http://127.0.0.1:1", timeout_ms: 500 });
    const s = await createSession(server, "alice", "dead");
    await append(server, s.id, { user_id: "alice", content: {} });
    await server.webhooksIdle();
    expect(server.webhookOutcomes()[0]!.outcome).toMatchObject({ ok: false, reason: "connect" });

    const w = await world(
      async (_c, res) => {
        res.writeHead(200);
        res.write(JSON.stringify({ type: "text-start", id: "t" }) + "\n");
        await sleep(1000);
        res.end();
      },
      { timeout_ms: 200 },
    );
    const socket = await connect(w.server, { user_id: "alice" });
    const channel = socket.channel(`session:${w.session.id}`, {});
    const chunks = collect(channel, "stream_chunk");
    await join(channel);
    await w.say("go");
    await w.server.webhooksIdle();
    expect(w.server.webhookOutcomes()[0]!.outcome).toEqual({ ok: false, reason: "timeout" });
    expect(chunks).toHaveLength(1);
    expect(w.stored()).toHaveLength(1);
  });

  it("non-2xx bodies are still parsed: a finish stores a message, then the call fails", async () => {
    const w = await world((_c, res) => ndjson(res, echoChunks("stored anyway"), 503));
    await w.say("go");
    await w.server.webhooksIdle();
    expect(w.stored()).toHaveLength(2);
    expect(w.server.webhookOutcomes()[0]!.outcome).toEqual({ ok: false, reason: "http_error", detail: "503" });
  });

  it("a bad JSON line (including SSE framing) stops processing; earlier messages stay stored", async () => {
    const w = await world((_c, res, i) => {
      if (i === 0) ndjson(res, [...echoChunks("kept"), "{not json", ...echoChunks("never")]);
      else ndjson(res, ['data: {"type":"text-start","id":"t"}']);
    });
    await w.say("one");
    await w.server.webhooksIdle();
    await w.say("two");
    await w.server.webhooksIdle();
    expect(
      w
        .stored()
        .filter((m) => m.kind === "assistant")
        .map((m) => (m.content as any).parts[0].text),
    ).toEqual(["kept"]);
    expect(w.server.webhookOutcomes().map((o) => o.outcome.ok === false && o.outcome.reason)).toEqual(["bad_json", "bad_json"]);
  });

  it("a chunk without type is forwarded, then the call fails with missing_type (legacy chat-demo agent)", async () => {
    const w = await world((_c, res) => ndjson(res, [{ kind: "text", content: { text: "legacy" } }, ...echoChunks()]));
    const socket = await connect(w.server, { user_id: "alice" });
    const channel = socket.channel(`session:${w.session.id}`, {});
    const chunks = collect(channel, "stream_chunk");
    await join(channel);
    await w.say("go");
    await w.server.webhooksIdle();
    await sleep(50);
    expect(chunks).toEqual([{ agent_id: "bot", chunk: { kind: "text", content: { text: "legacy" } } }]);
    expect(w.server.webhookOutcomes()[0]!.outcome).toMatchObject({ ok: false, reason: "missing_type" });
    expect(w.stored()).toHaveLength(1);
  });

  it.each([
    { quirks: true, calls: 1 },
    { quirks: false, calls: 2 },
  ])("a non-object JSON line crashes the worker (quirks=$quirks: queued follow-ups $calls call(s))", async ({ quirks, calls }) => {
    const w = await world(
      async (_c, res) => {
        await sleep(100);
        ndjson(res, ["[1,2]"]);
      },
      {},
      quirks,
    );
    await w.say("one");
    await sleep(20);
    await w.say("two (queued)");
    await w.server.webhooksIdle();
    expect(w.agent.calls).toHaveLength(calls);
    expect(w.server.webhookOutcomes()[0]!.outcome).toMatchObject({ ok: false, reason: "crash" });
    // the next user message starts over
    await w.say("three");
    await w.server.webhooksIdle();
    expect(w.agent.calls).toHaveLength(calls + 1);
  });

  it("an agent that hangs up mid-stream fails the call without losing stored data", async () => {
    const w = await world((_c, res) => {
      res.writeHead(200);
      res.write(JSON.stringify({ type: "text-start", id: "t" }) + "\n");
      setTimeout(() => res.destroy(), 50);
    });
    await w.say("go");
    await w.server.webhooksIdle();
    expect(w.server.webhookOutcomes()[0]!.outcome.ok).toBe(false);
    expect((await apiFor(w.server)("GET", `/api/sessions/${w.session.id}/messages`)).body.messages).toHaveLength(1);
  });
});
