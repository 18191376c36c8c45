// Phoenix Channels wire rules (§4): handshake, frames, heartbeat, join/leave/duplicate join, crashes.
import { describe, expect, it } from "vitest";
import { append, createSession, rawSocket, startServer, upgradeStatus, waitFor, sleep, apiFor } from "./helpers.js";

describe("§4.1 handshake", () => {
  it("refuses missing identity and bad vsn with 403, other paths with 404", async () => {
    const server = await startServer();
    expect(await upgradeStatus(server, "/socket/websocket?vsn=2.0.0")).toBe(403);
    expect(await upgradeStatus(server, "/socket/websocket?user_id=a&vsn=3.0.0")).toBe(403);
    expect(await upgradeStatus(server, "/socket/websocket?user_id=a&vsn=banana")).toBe(403);
    expect(await upgradeStatus(server, "/socket/longpoll?user_id=a")).toBe(404);
    expect(await upgradeStatus(server, "/socket/websocket?user_id=&vsn=2.0.0")).toBe(101);
    expect(await upgradeStatus(server, "/socket/websocket?agent_id=bot&vsn=2.0.1")).toBe(101);
    expect(await upgradeStatus(server, "/socket/websocket?user_id=a")).toBe(101);
    const api = apiFor(server);
    const plain = await api("GET", "/socket/websocket?user_id=a&vsn=2.0.0");
    expect(plain.status).toBe(400);
    expect((await api("GET", "/socket/websocket?vsn=2.0.0")).status).toBe(403);
  });

  it("user_id wins over agent_id", async () => {
    const server = await startServer();
    const s = await createSession(server, "alice", "bot");
    const raw = await rawSocket(server, "user_id=mallory&agent_id=bot&vsn=2.0.0");
    raw.send(["1", "1", `session:${s.id}`, "phx_join", {}]);
    const reply = await raw.next((f) => f[3] === "phx_reply");
    expect(reply[4]).toEqual({ status: "error", response: { reason: "unauthorized" } });
  });
});

describe("§4.2–4.3 frames", () => {
  it("heartbeat gets an ok reply with null join_ref", async () => {
    const server = await startServer();
    const raw = await rawSocket(server, "user_id=a&vsn=2.0.0");
    raw.send([null, "5", "phoenix", "heartbeat", {}]);
    expect(await raw.next((f) => f[1] === "5")).toEqual([null, "5", "phoenix", "phx_reply", { status: "ok", response: {} }]);
  });

  it("unmatched topics: join and events get {reason: unmatched topic} with null join_ref", async () => {
    const server = await startServer();
    const raw = await rawSocket(server, "user_id=a&vsn=2.0.0");
    raw.send(["1", "1", "room:lobby", "phx_join", {}]);
    expect(await raw.next((f) => f[1] === "1")).toEqual([null, "1", "room:lobby", "phx_reply", { status: "error", response: { reason: "unmatched topic" } }]);
    raw.send(["9", "2", "session:x", "send", { content: { content: {} } }]);
    expect(await raw.next((f) => f[1] === "2")).toEqual([null, "2", "session:x", "phx_reply", { status: "error", response: { reason: "unmatched topic" } }]);
  });

  it("join reply, replies and pushes carry the channel's join_ref; leave replies then closes", async () => {
    const server = await startServer({ quirks: false });
    const s = await createSession(server, "alice", "bot");
    const raw = await rawSocket(server, "user_id=alice&vsn=2.0.0");
    const topic = `session:${s.id}`;
    raw.send(["3", "3", topic, "phx_join", { last_seq: 0 }]);
    expect(await raw.next((f) => f[1] === "3")).toEqual(["3", "3", topic, "phx_reply", { status: "ok", response: { session_id: s.id, messages: [] } }]);
    raw.send([null, "4", topic, "send", { content: { content: { text: "x" } } }]);
    expect(await raw.next((f) => f[1] === "4")).toEqual(["3", "4", topic, "phx_reply", { status: "ok", response: { seq: 1 } }]);
    const push = await raw.next((f) => f[3] === "message");
    expect(push.slice(0, 3)).toEqual(["3", null, topic]);
    // the reply comes before the message event for the sender
    expect(raw.frames.findIndex((f) => f[1] === "4")).toBeLessThan(raw.frames.indexOf(push));
    raw.send(["3", "6", topic, "phx_leave", {}]);
    expect(await raw.next((f) => f[1] === "6")).toEqual(["3", "6", topic, "phx_reply", { status: "ok", response: {} }]);
    expect(await raw.next((f) => f[3] === "phx_close")).toEqual(["3", "3", topic, "phx_close", {}]);
    // leaving again (not joined) is still ok
    raw.send(["3", "7", topic, "phx_leave", {}]);
    expect(await raw.next((f) => f[1] === "7")).toEqual(["3", "7", topic, "phx_reply", { status: "ok", response: {} }]);
    // no pushes after leaving
    await append(server, s.id, { user_id: "alice", content: { text: "after" } });
    await sleep(100);
    expect(raw.frames.filter((f) => f[3] === "message")).toHaveLength(1);
  });

  it("duplicate join closes the old channel first and moves pushes to the new join_ref", async () => {
    const server = await startServer();
    const s = await createSession(server, "alice", "bot");
    const raw = await rawSocket(server, "user_id=alice&vsn=2.0.0");
    const topic = `session:${s.id}`;
    raw.send(["1", "1", topic, "phx_join", {}]);
    await raw.next((f) => f[1] === "1");
    raw.send(["2", "2", topic, "phx_join", {}]);
    await raw.next((f) => f[1] === "2");
    const close = raw.frames.findIndex((f) => f[3] === "phx_close");
    expect(raw.frames[close]).toEqual(["1", "1", topic, "phx_close", {}]);
    expect(close).toBeLessThan(raw.frames.findIndex((f) => f[1] === "2"));
    await append(server, s.id, { user_id: "alice", content: { text: "x" } });
    const msgs = await waitFor(() => {
      const m = raw.frames.filter((f) => f[3] === "message");
      return m.length > 0 && m;
    });
    await sleep(50);
    expect(raw.frames.filter((f) => f[3] === "message")).toHaveLength(1);
    expect(msgs[0][0]).toBe("2");
  });

  it("an unknown event crashes the channel: phx_error, no reply (quirk 27)", async () => {
    const server = await startServer();
    const s = await createSession(server, "alice", "bot");
    const raw = await rawSocket(server, "user_id=alice&vsn=2.0.0");
    const topic = `session:${s.id}`;
    raw.send(["1", "1", topic, "phx_join", {}]);
    await raw.next((f) => f[1] === "1");
    raw.send(["1", "2", topic, "typing", {}]);
    expect(await raw.next((f) => f[3] === "phx_error")).toEqual(["1", "1", topic, "phx_error", {}]);
    await sleep(100);
    expect(raw.frames.find((f) => f[1] === "2")).toBeUndefined();
    // the channel is gone: events are now unmatched
    raw.send(["1", "3", topic, "send", { content: { content: {} } }]);
    expect((await raw.next((f) => f[1] === "3"))[4]).toEqual({ status: "error", response: { reason: "unmatched topic" } });
    // inbox channels crash on every event
    raw.send(["4", "4", "inbox:alice", "phx_join", {}]);
    await raw.next((f) => f[1] === "4");
    raw.send(["4", "5", "inbox:alice", "ping", {}]);
    expect(await raw.next((f) => f[3] === "phx_error" && f[2] === "inbox:alice")).toEqual(["4", "4", "inbox:alice", "phx_error", {}]);
  });

  it("join params: last_seq filters, junk means 0, an object crashes the join; oldest 100 only", async () => {
    const server = await startServer();
    const s = await createSession(server, "alice", "bot");
    const rows = [];
    for (let i = 0; i < 130; i++)
      rows.push({
        id: `m${i}`,
        session_id: s.id,
        seq: i + 1,
        sender_id: "alice",
        recipient_id: "bot",
        kind: "text",
        content: { i },
        metadata: {},
        inserted_at: Date.now() * 1000,
      });
    server.store.seed([], rows);
    const raw = await rawSocket(server, "user_id=alice&vsn=2.0.0");
    const topic = `session:${s.id}`;
    const joinWith = async (ref: string, params: unknown) => {
      raw.send([ref, ref, topic, "phx_join", params]);
      return (await raw.next((f) => f[1] === ref))[4];
    };
    const all = await joinWith("1", {});
    expect(all.response.messages.map((m: any) => m.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect((await joinWith("2", { last_seq: 120 })).response.messages.map((m: any) => m.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 121));
    expect((await joinWith("3", { last_seq: "125abc" })).response.messages).toHaveLength(5);
    expect((await joinWith("4", { last_seq: -5 })).response.messages).toHaveLength(100);
    expect((await joinWith("5", { last_seq: "junk" })).response.messages).toHaveLength(100);
    expect(await joinWith("6", { last_seq: { a: 1 } })).toEqual({ status: "error", response: { reason: "join crashed" } });
  });

  it("vsn 1.0.0 speaks object frames without join_ref", async () => {
    const server = await startServer();
    const s = await createSession(server, "alice", "bot");
    const raw = await rawSocket(server, "user_id=alice");
    raw.send({ topic: `session:${s.id}`, event: "phx_join", payload: {}, ref: "1" });
    expect(await raw.next((f) => f.ref === "1")).toEqual({
      topic: `session:${s.id}`,
      event: "phx_reply",
      payload: { status: "ok", response: { session_id: s.id, messages: [] } },
      ref: "1",
    });
    raw.send({ topic: "phoenix", event: "heartbeat", payload: {}, ref: "2" });
    expect(await raw.next((f) => f.ref === "2")).toEqual({ topic: "phoenix", event: "phx_reply", payload: { status: "ok", response: {} }, ref: "2" });
  });

  it("closes sockets that stay silent past the idle timeout", async () => {
    const server = await startServer({ timings: { socketIdleMs: 200 } });
    const raw = await rawSocket(server, "user_id=a&vsn=2.0.0");
    await waitFor(() => raw.closed.code !== undefined, 3000, "idle close");
  });
});

describe("§5.3 send forms", () => {
  it("accepts the three forms and rejects the rest with invalid_message_format", async () => {
    const server = await startServer({ quirks: false });
    const s = await createSession(server, "alice", "bot");
    const raw = await rawSocket(server, "user_id=alice&vsn=2.0.0");
    const topic = `session:${s.id}`;
    raw.send(["1", "1", topic, "phx_join", {}]);
    await raw.next((f) => f[1] === "1");
    let ref = 10;
    const send = async (payload: unknown) => {
      const r = String(ref++);
      raw.send(["1", r, topic, "send", payload]);
      return (await raw.next((f) => f[1] === r))[4];
    };
    expect(await send({ content: { kind: "note", content: { a: 1 }, metadata: { m: 1 } } })).toEqual({ status: "ok", response: { seq: 1 } });
    expect(await send({ content: { kind: "", content: { a: 2 }, metadata: "dropped" } })).toEqual({ status: "ok", response: { seq: 2 } });
    expect(await send({ content: { kind: 7, content: { a: 3 }, metadata: { kept: false } } })).toEqual({ status: "ok", response: { seq: 3 } });
    const stored = server.store.listMessages(s.id, 0, 10);
    expect(stored.map((m) => [m.kind, m.metadata])).toEqual([
      ["note", { m: 1 }],
      ["", {}],
      ["text", {}],
    ]);
    expect(await send({ content: "hi" })).toEqual({
      status: "error",
      response: { error: "invalid_message_format", details: "content must be a map, metadata must be a map", received: '%{"content" => "hi"}' },
    });
    expect((await send({ content: { content: "x" } })).response.error).toBe("invalid_message_format");
    expect((await send({ content: { text: "no inner content" } })).response.error).toBe("invalid_message_format");
  });
});
