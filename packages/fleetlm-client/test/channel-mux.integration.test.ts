// FleetLMChannelMux against the dev server: many session channels on one agent socket, join replies from
// `last_seq`, pushes, refusals, paced joins, crashes, socket drops and dead links.
import { describe, expect, it } from "vitest";
import { FleetLMChannelMux, FleetLMNetworkError, FleetLMRest, type ChannelMuxHandler } from "@fleetlm/client";
import { appendSilently, onCleanup, startDev, until } from "./support/dev.js";

type Heard = { joined: string[]; refused: string[]; lost: string[]; seqs: Map<string, number[]>; replies: Map<string, number[]> };

/** A handler that records everything and joins from the newest seq it has seen. */
function recorder(): { handler: ChannelMuxHandler; heard: Heard } {
  const heard: Heard = { joined: [], refused: [], lost: [], seqs: new Map(), replies: new Map() };
  const newest = (topic: string) => Math.max(0, ...(heard.seqs.get(topic) ?? []), ...(heard.replies.get(topic) ?? []));
  const handler: ChannelMuxHandler = {
    params: (topic) => ({ last_seq: newest(topic) }),
    joined: (topic, response) => {
      heard.joined.push(topic);
      const seqs = ((response as { messages?: { seq: number }[] }).messages ?? []).map((m) => m.seq);
      heard.replies.set(topic, [...(heard.replies.get(topic) ?? []), ...seqs]);
    },
    refused: (topic) => heard.refused.push(topic),
    event: (topic, event, payload) => {
      if (event !== "message") return;
      heard.seqs.set(topic, [...(heard.seqs.get(topic) ?? []), (payload as { seq: number }).seq]);
    },
    lost: (topic) => heard.lost.push(topic),
  };
  return { handler, heard };
}

async function setup(options: { sessions?: number; heartbeatMs?: number; maxJoining?: number } = {}) {
  const server = await startDev();
  const rest = new FleetLMRest({ baseUrl: server.url });
  const sessions = await Promise.all(Array.from({ length: options.sessions ?? 3 }, (_, i) => rest.createSession({ userId: `user-${i}`, agentId: "bot" })));
  const { handler, heard } = recorder();
  const mux = new FleetLMChannelMux({
    socketUrl: server.socketUrl,
    identity: { agent_id: "bot" },
    handler,
    heartbeatMs: options.heartbeatMs,
    maxJoining: options.maxJoining,
    reconnect: { baseMs: 50, maxMs: 200 },
    rejoin: { baseMs: 50, maxMs: 200 },
  });
  onCleanup(() => mux.close());
  return { server, rest, sessions, mux, heard, topic: (i: number) => `session:${sessions[i]!.id}` };
}

describe("FleetLMChannelMux", () => {
  it("joins many sessions on one socket, pacing the joins, and hears every message pushed", async () => {
    const { server, rest, sessions, mux, heard, topic } = await setup({ sessions: 60, maxJoining: 7 });
    await mux.connect();
    server.faults.delayJoins(1_000);
    for (let i = 0; i < sessions.length; i++) mux.join(topic(i));
    // No more than maxJoining joins wait for their answer at once.
    await until(() => expect(server.faults.joins().received).toBe(7));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.faults.joins().received).toBe(7);
    server.faults.delayJoins(0);
    await until(() => expect(mux.joinedCount()).toBe(60));
    expect(new Set(heard.joined).size).toBe(60);
    expect(server.faults.joins().received).toBe(60);
    await rest.appendMessage(sessions[5]!.id, { userId: "user-5", content: { text: "hi" } });
    await rest.appendMessage(sessions[5]!.id, { agentId: "bot", content: { text: "hello" } });
    await until(() => expect(heard.seqs.get(topic(5))).toEqual([1, 2]));
    expect([...heard.seqs.keys()]).toEqual([topic(5)]);
    // One socket carried all of it: every frame the server got was a join, a message was sent over REST.
    expect(server.load().framesByKind["session:phx_join"]).toBe(60);
  });

  it("refuses another agent's session once and does not retry it", async () => {
    const { server, rest, mux, heard } = await setup({ sessions: 1 });
    const other = await rest.createSession({ userId: "carol", agentId: "someone-else" });
    await mux.connect();
    mux.join(`session:${other.id}`);
    mux.join("session:no-such-session");
    await until(() => expect(heard.refused.sort()).toEqual([`session:${other.id}`, "session:no-such-session"].sort()));
    expect(mux.size).toBe(0);
    const received = server.faults.joins().received;
    await new Promise((resolve) => setTimeout(resolve, 400)); // longer than the rejoin backoff of the test
    expect(server.faults.joins().received).toBe(received);
  });

  it("leaves a channel: its later messages are not heard, and joining again replays from last_seq", async () => {
    const { rest, sessions, mux, heard, topic } = await setup({ sessions: 1 });
    await mux.connect();
    mux.join(topic(0));
    await until(() => expect(mux.isJoined(topic(0))).toBe(true));
    await rest.appendMessage(sessions[0]!.id, { userId: "user-0", content: { text: "one" } });
    await until(() => expect(heard.seqs.get(topic(0))).toEqual([1]));
    mux.leave(topic(0));
    expect(mux.has(topic(0))).toBe(false);
    await rest.appendMessage(sessions[0]!.id, { userId: "user-0", content: { text: "two" } });
    await rest.appendMessage(sessions[0]!.id, { userId: "user-0", content: { text: "three" } });
    mux.join(topic(0));
    // The rejoin asks from seq 1: the reply carries 2 and 3, nothing was pushed meanwhile.
    await until(() => expect(heard.replies.get(topic(0))).toEqual([2, 3]));
    expect(heard.seqs.get(topic(0))).toEqual([1]);
  });

  it("rejoins every channel after the server closes the socket, from the newest seq seen", async () => {
    const { server, rest, sessions, mux, heard, topic } = await setup({ sessions: 4 });
    const connects: boolean[] = [];
    mux.on("connected", ({ reconnect }) => connects.push(reconnect));
    await mux.connect();
    for (let i = 0; i < 4; i++) mux.join(topic(i));
    await until(() => expect(mux.joinedCount()).toBe(4));
    await rest.appendMessage(sessions[1]!.id, { userId: "user-1", content: { text: "before" } });
    await until(() => expect(heard.seqs.get(topic(1))).toEqual([1]));
    server.faults.closeSockets(1011);
    await until(() => expect(heard.lost.length).toBe(4));
    // Stored while the socket was down, with no broadcast: only the rejoin's reply can tell.
    appendSilently(server, sessions[1]!.id, 2, "user-1");
    await until(() => expect(mux.joinedCount()).toBe(4));
    await until(() => expect(heard.replies.get(topic(1))).toEqual([2, 3]));
    expect(connects).toEqual([false, true]);
  });

  it("drops a link whose heartbeats go unanswered and rejoins over a new one", async () => {
    const { server, mux, topic } = await setup({ sessions: 2, heartbeatMs: 100 });
    const drops: (number | null)[] = [];
    mux.on("disconnected", ({ code }) => drops.push(code));
    await mux.connect();
    mux.join(topic(0));
    mux.join(topic(1));
    await until(() => expect(mux.joinedCount()).toBe(2));
    server.faults.dropHeartbeats(true);
    await until(() => expect(drops.length).toBeGreaterThan(0));
    server.faults.dropHeartbeats(false);
    await until(() => expect(mux.joinedCount()).toBe(2));
    expect(mux.isConnected).toBe(true);
  });

  it("retries a join the server answers too late and ends joined once the answers stop", async () => {
    const { server, topic } = await setup({ sessions: 1 });
    const { handler, heard } = recorder();
    const slow = new FleetLMChannelMux({
      socketUrl: server.socketUrl,
      identity: { agent_id: "bot" },
      handler,
      joinTimeoutMs: 300,
      rejoin: { baseMs: 50, maxMs: 50 },
    });
    onCleanup(() => slow.close());
    await slow.connect();
    server.faults.delayJoins(1_000);
    slow.join(topic(0));
    await until(() => expect(server.faults.joins().received).toBeGreaterThanOrEqual(2));
    expect(slow.isJoined(topic(0))).toBe(false);
    server.faults.delayJoins(0);
    // Every late answer arrives (each late join closes the channel joined before it, as Phoenix does): the mux
    // ignores replies to joins it gave up on and ends joined.
    await until(() => {
      const { received, answered } = server.faults.joins();
      expect(answered).toBe(received);
      expect(slow.isJoined(topic(0))).toBe(true);
    });
    expect(heard.refused).toEqual([]);
  });

  it("reports a throwing handler as an error and keeps following its channels", async () => {
    const { server, rest, sessions, topic } = await setup({ sessions: 1 });
    const { handler, heard } = recorder();
    let throwing = true;
    const mux = new FleetLMChannelMux({
      socketUrl: server.socketUrl,
      identity: { agent_id: "bot" },
      handler: {
        ...handler,
        event: (t, event, payload) => {
          if (throwing) throw new Error("handler bug");
          handler.event(t, event, payload);
        },
      },
    });
    onCleanup(() => mux.close());
    const errors: string[] = [];
    mux.on("error", (error) => errors.push(error.message));
    await mux.connect();
    mux.join(topic(0));
    await until(() => expect(mux.isJoined(topic(0))).toBe(true));
    await rest.appendMessage(sessions[0]!.id, { userId: "user-0", content: { text: "one" } });
    await until(() => expect(errors).toEqual(["handler bug"]));
    throwing = false;
    await rest.appendMessage(sessions[0]!.id, { userId: "user-0", content: { text: "two" } });
    await until(() => expect(heard.seqs.get(topic(0))).toEqual([2]));
    expect(mux.isJoined(topic(0))).toBe(true);
  });

  it("shares one connect between callers, and a close() before the open rejects it instead of leaving it pending", async () => {
    const { server } = await setup({ sessions: 0 });
    const { handler } = recorder();
    const opened = new FleetLMChannelMux({ socketUrl: server.socketUrl, identity: { agent_id: "bot" }, handler });
    onCleanup(() => opened.close());
    const [a, b] = [opened.connect(), opened.connect()];
    expect(a).toBe(b);
    await a;
    expect(server.load().framesByKind).toEqual({});
    const closed = new FleetLMChannelMux({ socketUrl: server.socketUrl, identity: { agent_id: "bot" }, handler });
    const connecting = closed.connect();
    await closed.close();
    await expect(connecting).rejects.toThrow(/closed before it opened/);
  });

  it("rejects the first connect when nothing listens, and does not reconnect", async () => {
    const { server } = await setup({ sessions: 0 });
    const url = server.socketUrl;
    await server.close();
    const { handler } = recorder();
    const mux = new FleetLMChannelMux({ socketUrl: url, identity: { agent_id: "bot" }, handler });
    onCleanup(() => mux.close());
    mux.join("session:a");
    mux.join("session:b");
    await expect(mux.connect()).rejects.toBeInstanceOf(FleetLMNetworkError);
    expect(mux.isConnected).toBe(false);
    // What the owner must place elsewhere: the topics it asked for, none joined.
    expect(mux.topics()).toEqual(["session:a", "session:b"]);
    expect(mux.joinedCount()).toBe(0);
  });
});
