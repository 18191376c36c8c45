// FleetLMClient against the dev server, faithful (quirks) and fixed modes: delivery guarantees,
// reconnects, sends, live assembly.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Socket } from "phoenix";
import { WebSocket } from "ws";
import { describe, expect, it } from "vitest";
import { FleetLMChannelError, FleetLMRest, type LiveMessage, type StreamChunkEvent } from "@fleetlm/client";
import { appendSilently, makeClient, onCleanup, range, record, startDev, until } from "./support/dev.js";

describe.each([
  { quirks: true, mode: "faithful" },
  { quirks: false, mode: "fixed" },
])("FleetLMClient against the dev server ($mode)", ({ quirks }) => {
  it("runs the documented usage: creates a session, joins, sends, receives each message once", async () => {
    const server = await startDev({ quirks });
    const client = makeClient(server, { userId: "alice", agentId: "some-agent" });
    const { seqs, messages, errors } = record(client);
    await client.connect();
    expect(client.sessionId).toMatch(/^[A-Za-z0-9_-]{22}$/);

    // A raw phoenix subscriber sees what FleetLM really broadcasts (twice per WS send in faithful mode).
    const raw: number[] = [];
    const socket = new Socket(server.socketUrl, { transport: WebSocket as never, params: { user_id: "alice" } });
    socket.connect();
    onCleanup(() => new Promise<void>((resolve) => socket.disconnect(() => resolve())));
    const channel = socket.channel(`session:${client.sessionId}`, { last_seq: 0 });
    channel.on("message", (m: { seq: number }) => {
      raw.push(m.seq);
    });
    await new Promise((resolve) => channel.join().receive("ok", resolve));

    expect(await client.send({ kind: "text", content: { text: "Hello FleetLM!" } })).toBe(1);
    expect(await client.send({ kind: "text", content: { text: "again" }, metadata: { n: 2 } })).toBe(2);
    await until(() => expect(raw).toEqual(quirks ? [1, 1, 2, 2] : [1, 2]));
    await until(() => expect(seqs).toEqual([1, 2]));
    // A third message proves nothing else (such as a late duplicate) is still queued behind the first two.
    await client.send({ content: { text: "three" } });
    await until(() => expect(seqs).toEqual([1, 2, 3]));
    expect(messages[0]!.content).toEqual({ text: "Hello FleetLM!" });
    expect(messages[0]!.sender_id).toBe("alice");
    expect(messages[1]!.metadata).toEqual({ n: 2 });
    expect(client.lastSeq).toBe(3);
    expect(errors).toEqual([]);
  });

  it("fills a gap from REST before emitting a later seq", async () => {
    const server = await startDev({ quirks });
    const rest = new FleetLMRest({ baseUrl: server.url });
    const session = await rest.createSession({ userId: "alice", agentId: "bot" });
    const client = makeClient(server, { userId: "alice", sessionId: session.id });
    const { seqs, errors } = record(client);
    await client.connect();
    await rest.appendMessage(session.id, { userId: "alice", content: { text: "1" } });
    await until(() => expect(seqs).toEqual([1]));

    // Seqs 2-4 are stored without a broadcast; seq 5 then arrives live with a hole before it.
    expect(appendSilently(server, session.id, 3)).toEqual([2, 3, 4]);
    await rest.appendMessage(session.id, { agentId: "bot", content: { text: "5" } });
    await until(() => expect(seqs).toEqual([1, 2, 3, 4, 5]));
    expect(errors).toEqual([]);
  });

  it("delivers concurrent appends from REST and both participants' sockets once, in order, to both", async () => {
    const server = await startDev({ quirks });
    const rest = new FleetLMRest({ baseUrl: server.url });
    const session = await rest.createSession({ userId: "alice", agentId: "bot" });
    const user = makeClient(server, { userId: "alice", sessionId: session.id });
    const agent = makeClient(server, { agentId: "bot", sessionId: session.id });
    const seen = [record(user), record(agent)];
    await Promise.all([user.connect(), agent.connect()]);

    const sends: Array<Promise<unknown>> = [];
    for (let i = 0; i < 40; i++) {
      sends.push(user.send({ content: { text: `u${i}` } }));
      sends.push(agent.send({ kind: "assistant", content: { text: `a${i}` } }));
      sends.push(rest.appendMessage(session.id, { agentId: "bot", content: { text: `r${i}` } }));
    }
    const results = await Promise.all(sends);
    const assigned = results.map((r) => (typeof r === "number" ? r : (r as { seq: number }).seq)).sort((a, b) => a - b);
    expect(assigned).toEqual(range(1, 120));
    for (const { seqs, errors } of seen) {
      await until(() => expect(seqs).toEqual(range(1, 120)));
      expect(errors).toEqual([]);
    }
  });

  it("pages through REST after a full join reply of 100 (250 stored)", async () => {
    const server = await startDev({ quirks });
    const rest = new FleetLMRest({ baseUrl: server.url });
    const session = await rest.createSession({ userId: "alice", agentId: "bot" });
    appendSilently(server, session.id, 250);
    const reads: string[] = [];
    const client = makeClient(server, {
      userId: "alice",
      sessionId: session.id,
      onRequest: ({ method, url }) => reads.push(`${method} ${new URL(url).search}`),
    });
    const { seqs } = record(client);
    await client.connect();
    // connect() resolves once the replay is delivered.
    expect(seqs).toEqual(range(1, 250));
    expect(reads).toContain("GET ?after_seq=100&limit=100");
    expect(reads).toContain("GET ?after_seq=200&limit=100");

    await rest.appendMessage(session.id, { userId: "alice", content: { text: "live" } });
    await until(() => expect(seqs).toEqual(range(1, 251)));
  });

  it("resumes from lastSeq: a client that starts at 40 gets 41.. only", async () => {
    const server = await startDev({ quirks });
    const rest = new FleetLMRest({ baseUrl: server.url });
    const session = await rest.createSession({ userId: "alice", agentId: "bot" });
    appendSilently(server, session.id, 45);
    const client = makeClient(server, { userId: "alice", sessionId: session.id, lastSeq: 40 });
    const { seqs } = record(client);
    await client.connect();
    expect(seqs).toEqual(range(41, 45));
  });

  it("reconnects after the server closes the socket with code 1000 and replays what was missed", async () => {
    const server = await startDev({ quirks });
    const rest = new FleetLMRest({ baseUrl: server.url });
    const session = await rest.createSession({ userId: "alice", agentId: "bot" });
    const client = makeClient(server, { userId: "alice", sessionId: session.id });
    const { seqs, events } = record(client);
    const closes: Array<number | null> = [];
    client.on("disconnected", (e) => closes.push(e.code));
    await client.connect();
    await rest.appendMessage(session.id, { userId: "alice", content: { text: "before" } });
    await until(() => expect(seqs).toEqual([1]));

    server.faults.closeSockets(1000);
    await until(() => expect(closes).toEqual([1000]));
    appendSilently(server, session.id, 2); // missed while away
    await until(() => expect(events.filter((e) => e === "joined")).toHaveLength(2));
    await rest.appendMessage(session.id, { userId: "alice", content: { text: "after" } });
    await until(() => expect(seqs).toEqual([1, 2, 3, 4]));
    expect(events).toContain("reconnecting");
    expect(events.filter((e) => e === "connected")).toHaveLength(2);
  });

  it("reconnects after a code-1000 close even when phoenix would not (phoenix 1.8.1 behaviour)", async () => {
    const server = await startDev({ quirks });
    const rest = new FleetLMRest({ baseUrl: server.url });
    const session = await rest.createSession({ userId: "alice", agentId: "bot" });
    const client = makeClient(server, { userId: "alice", sessionId: session.id });
    const { seqs, events } = record(client);
    await client.connect();
    // Emulate the stock client that FleetLM's examples lock: no reconnect of its own after a clean close.
    const phoenix = (client as unknown as { socket: { phoenix: { reconnectTimer: { scheduleTimeout: () => void } } } }).socket.phoenix;
    phoenix.reconnectTimer.scheduleTimeout = () => {};

    server.faults.closeSockets(1000);
    await until(() => expect(events).toContain("disconnected"));
    appendSilently(server, session.id, 3);
    await until(() => expect(seqs).toEqual([1, 2, 3]));
    expect(events.filter((e) => e === "connected")).toHaveLength(2);
  });

  it("reconnects when heartbeats go unanswered, without losing or repeating messages", async () => {
    const server = await startDev({ quirks });
    const rest = new FleetLMRest({ baseUrl: server.url });
    const session = await rest.createSession({ userId: "alice", agentId: "bot" });
    const client = makeClient(server, { userId: "alice", sessionId: session.id, heartbeatIntervalMs: 100 });
    const { seqs, events } = record(client);
    await client.connect();
    await client.send({ content: { text: "1" } });

    server.faults.dropHeartbeats(true);
    await until(() => expect(events).toContain("reconnecting"));
    appendSilently(server, session.id, 2);
    server.faults.dropHeartbeats(false);
    await until(() => expect(events.filter((e) => e === "joined").length).toBeGreaterThanOrEqual(2));
    await client.send({ content: { text: "4" } });
    await until(() => expect(seqs).toEqual([1, 2, 3, 4]));
  });

  it("rejects send() with FleetLM's error reply as FleetLMChannelError", async () => {
    const server = await startDev({ quirks });
    const client = makeClient(server, { userId: "alice", agentId: "bot" });
    await client.connect();
    const error = await client.send({ content: "not a map" as never }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FleetLMChannelError);
    expect((error as FleetLMChannelError).reason).toBe("invalid_message_format");
    expect((error as FleetLMChannelError).response.details).toBe("content must be a map, metadata must be a map");
  });

  it("rejects connect() for a stranger with FleetLMChannelError('unauthorized')", async () => {
    const server = await startDev({ quirks });
    const session = await new FleetLMRest({ baseUrl: server.url }).createSession({ userId: "alice", agentId: "bot" });
    const client = makeClient(server, { userId: "mallory", sessionId: session.id });
    const error = await client.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FleetLMChannelError);
    expect((error as FleetLMChannelError).reason).toBe("unauthorized");
    const missing = makeClient(server, { userId: "alice", sessionId: "AZoR2f8ucn2Y1pZ0hK_3ZQ" });
    expect(((await missing.connect().catch((e: unknown) => e)) as FleetLMChannelError).reason).toBe("not found");
  });

  it("acts as the agent with agentId alone", async () => {
    const server = await startDev({ quirks });
    const session = await new FleetLMRest({ baseUrl: server.url }).createSession({ userId: "alice", agentId: "bot" });
    const client = makeClient(server, { agentId: "bot", sessionId: session.id });
    const { messages } = record(client);
    await client.connect();
    expect(await client.send({ kind: "assistant", content: { text: "hi from the agent" } })).toBe(1);
    await until(() => expect(messages.map((m) => m.sender_id)).toEqual(["bot"]));
  });

  it("pages history forward and backward, reads the latest N, and marks read", async () => {
    const server = await startDev({ quirks });
    const session = await new FleetLMRest({ baseUrl: server.url }).createSession({ userId: "alice", agentId: "bot" });
    appendSilently(server, session.id, 30);
    const client = makeClient(server, { userId: "alice", sessionId: session.id });
    expect((await client.history({ afterSeq: 10, limit: 5 })).map((m) => m.seq)).toEqual(range(11, 15));
    expect((await client.history({ beforeSeq: 10, limit: 4 })).map((m) => m.seq)).toEqual(range(6, 9));
    expect((await client.history({ beforeSeq: 3, limit: 10 })).map((m) => m.seq)).toEqual([1, 2]);
    expect((await client.latest(3)).map((m) => m.seq)).toEqual([28, 29, 30]);
    expect((await client.markRead(30)).id).toBe(session.id);
    expect(server.store.getCursor(session.id, "alice")?.last_seq).toBe(30);
  });

  it("streams chunks, assembles the live reply, and replaces it with the persisted assistant message", async () => {
    const server = await startDev({ quirks, demo: true });
    const client = makeClient(server, { userId: "alice", agentId: "demo-agent" });
    const chunks: StreamChunkEvent[] = [];
    const lives: Array<LiveMessage | null> = [];
    const { messages } = record(client);
    client.on("chunk", (c) => chunks.push(c));
    client.on("live", (l) => lives.push(l));
    await client.connect();
    await client.send({ kind: "text", content: { text: "Hello FleetLM!" } });
    await until(() => expect(messages.map((m) => m.kind)).toEqual(["text", "assistant"]), 20_000);
    await until(() => expect(lives.at(-1)).toBeNull());

    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.every((c) => c.agentId === "demo-agent")).toBe(true);
    const finished = lives.filter((l): l is LiveMessage => l !== null && l.finished).at(-1);
    expect(finished).toBeDefined();
    // The live message assembled from chunks is what FleetLM stored.
    expect(finished!.content).toEqual(messages[1]!.content);
    expect(client.live).toBeNull();
  });
});

describe("FleetLMClient across a server restart (dataDir)", () => {
  it.each([true, false])("delivers every message exactly once, in order (quirks %s)", async (quirks) => {
    const dataDir = mkdtempSync(join(tmpdir(), "fleetlm-client-"));
    onCleanup(() => rmSync(dataDir, { recursive: true, force: true }));
    const first = await startDev({ quirks, dataDir });
    const rest = new FleetLMRest({ baseUrl: first.url, retries: 0 });
    const session = await rest.createSession({ userId: "alice", agentId: "bot" });
    const client = makeClient(first, { userId: "alice", sessionId: session.id });
    const { seqs, events, messages } = record(client);
    await client.connect();
    for (const text of ["a", "b", "c"]) await client.send({ content: { text } });
    await until(() => expect(seqs).toEqual([1, 2, 3]));

    await first.close();
    await until(() => expect(events).toContain("disconnected"));
    await until(() => expect(events.filter((e) => e === "reconnecting").length).toBeGreaterThan(1));

    const second = await startDev({ quirks, dataDir, port: first.port });
    // Appended before the client is back: only the rejoin's last_seq replay can bring these.
    expect(appendSilently(second, session.id, 4)).toEqual([4, 5, 6, 7]);
    await until(() => expect(seqs).toEqual(range(1, 7)));
    for (const text of ["x", "y"]) await client.send({ content: { text } });
    await new FleetLMRest({ baseUrl: second.url }).appendMessage(session.id, { agentId: "bot", content: { text: "z" } });
    await until(() => expect(seqs).toEqual(range(1, 10)));
    expect(new Set(messages.map((m) => m.seq)).size).toBe(messages.length);
    expect(events.filter((e) => e === "connected")).toHaveLength(2);
  });
});
