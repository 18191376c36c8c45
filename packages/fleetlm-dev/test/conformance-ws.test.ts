// §11 WebSocket items (22–27, 32) through the official phoenix client, in both quirk modes where they differ.
import { describe, expect, it } from "vitest";
import { append, collect, connect, createAgent, createSession, join, ndjson, startAgent, startServer, waitFor } from "./helpers.js";

describe.each([
  { quirks: true, label: "faithful" },
  { quirks: false, label: "--no-quirks" },
])("§11 WebSocket items ($label)", ({ quirks }) => {
  it("item 22: join replays the stored message with the session id", async () => {
    const server = await startServer({ quirks });
    const s = await createSession(server, "user:alice", "agent:echo");
    await append(server, s.id, { user_id: "user:alice", content: { text: "hello" } });
    const socket = await connect(server, { user_id: "user:alice" });
    const reply = await join(socket.channel(`session:${s.id}`, {}));
    expect(reply.status).toBe("ok");
    expect(reply.response.session_id).toBe(s.id);
    expect(reply.response.messages).toHaveLength(1);
    expect(reply.response.messages[0]).toMatchObject({ seq: 1, content: { text: "hello" }, sender_id: "user:alice", kind: "text", metadata: {} });
    expect(reply.response.messages[0].inserted_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  });

  it("item 23: a non-participant gets {reason: unauthorized}", async () => {
    const server = await startServer({ quirks });
    const s = await createSession(server, "user:alice", "agent:echo");
    const socket = await connect(server, { user_id: "user:mallory" });
    const reply = await join(socket.channel(`session:${s.id}`, {}));
    expect(reply).toEqual({ status: "error", response: { reason: "unauthorized" } });
  });

  it("item 24: stream_chunk is forwarded unchanged with the agent id", async () => {
    const server = await startServer({ quirks });
    const agent = await startAgent((_call, res) => ndjson(res, [{ type: "text-delta", delta: "Hi" }, { type: "finish" }]));
    await createAgent(server, { id: "agent:echo", name: "Echo", origin_url: agent.url });
    const s = await createSession(server, "user:alice", "agent:echo");
    const socket = await connect(server, { user_id: "user:alice" });
    const channel = socket.channel(`session:${s.id}`, {});
    const chunks = collect(channel, "stream_chunk");
    await join(channel);
    await append(server, s.id, { user_id: "user:alice", content: { text: "hey" } });
    await waitFor(() => chunks.length >= 2, 5000, "stream chunks");
    expect(chunks[0]).toEqual({ agent_id: "agent:echo", chunk: { type: "text-delta", delta: "Hi" } });
    expect(chunks[1]).toEqual({ agent_id: "agent:echo", chunk: { type: "finish" } });
  });

  it("item 24: an agent socket joins its session and receives the same pushes", async () => {
    const server = await startServer({ quirks });
    const s = await createSession(server, "user:alice", "agent:echo");
    const socket = await connect(server, { agent_id: "agent:echo" });
    const channel = socket.channel(`session:${s.id}`, {});
    const messages = collect(channel, "message");
    expect((await join(channel)).status).toBe("ok");
    await append(server, s.id, { user_id: "user:alice", content: { text: "to agent" } });
    await waitFor(() => messages.length === 1);
  });

  it("item 25, item 26: every append produces a message event with microsecond timestamp", async () => {
    const server = await startServer({ quirks });
    const s = await createSession(server, "alice", "bob");
    const socket = await connect(server, { user_id: "alice" });
    const channel = socket.channel(`session:${s.id}`, {});
    const messages = collect(channel, "message");
    await join(channel);
    await append(server, s.id, { user_id: "alice", content: { text: "1" } });
    await append(server, s.id, { user_id: "alice", content: { text: "2" } });
    await append(server, s.id, { agent_id: "bob", content: { text: "3" } });
    await waitFor(() => messages.length === 3);
    expect(messages.map((m) => [m.seq, m.sender_id, m.session_id])).toEqual([
      [1, "alice", s.id],
      [2, "alice", s.id],
      [3, "bob", s.id],
    ]);
    expect(Object.keys(messages[0]).sort()).toEqual(["content", "id", "inserted_at", "kind", "metadata", "sender_id", "seq", "session_id"]);
    expect(messages[0].inserted_at).toMatch(/\.\d{6}$/);
    // The live event carries the stored id (only the REST response and WS duplicates are random).
    const stored = server.store.listMessages(s.id, 0, 10);
    expect(messages.map((m) => m.id)).toEqual(stored.map((m) => m.id));
  });

  it("item 27: inbox snapshots within 2 s, unread counts, most recent first", async () => {
    const server = await startServer({ quirks });
    const s1 = await createSession(server, "alice", "bob");
    const s2 = await createSession(server, "alice", "charlie");
    const socket = await connect(server, { user_id: "alice" });
    const inbox = socket.channel("inbox:alice", {});
    const deltas = collect(inbox, "inbox_delta");
    const joined = await join(inbox);
    expect(joined.status).toBe("ok");
    expect(joined.response.inbox).toHaveLength(2);
    expect(joined.response.inbox.every((e: any) => e.unread_count === 0 && e.last_activity_at === null && e.last_sender_id === null)).toBe(true);
    await append(server, s1.id, { agent_id: "bob", content: { text: "from bob" } });
    const first = await waitFor(() => deltas.find((d) => d.inbox.some((e: any) => e.session_id === s1.id && e.unread_count === 1)), 2000, "delta 1");
    const e1 = first.inbox.find((e: any) => e.session_id === s1.id);
    expect(e1).toMatchObject({ agent_id: "bob", unread_count: 1, last_sender_id: "bob" });
    expect(e1.last_activity_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    await append(server, s2.id, { agent_id: "charlie", content: { text: "from charlie" } });
    const second = await waitFor(() => deltas.find((d) => d.inbox[0].session_id === s2.id && d.inbox[0].unread_count === 1), 2000, "delta 2");
    expect(second.inbox).toHaveLength(2);
    expect(second.inbox.map((e: any) => e.session_id)).toEqual([s2.id, s1.id]);
  });

  it("item 32: joining an unknown session is {reason: 'not found'}", async () => {
    const server = await startServer({ quirks });
    const socket = await connect(server, { user_id: "alice" });
    const reply = await join(socket.channel("session:AZoR2f8ucn2Y1pZ0hK_3ZQ", {}));
    expect(reply).toEqual({ status: "error", response: { reason: "not found" } });
  });
});
