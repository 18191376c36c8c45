// Inbox subscriptions and the shared socket (the Console gateway's shape: one agent-identity socket
// carrying many SessionStreams and FleetLMInboxes).
import { describe, expect, it } from "vitest";
import { FleetLMInbox, FleetLMRest, FleetLMSocket, SessionStream, type InboxEntry, type Message } from "@fleetlm/client";
import { makeClient, onCleanup, range, startDev, until } from "./support/dev.js";

const fast = { reconnect: { baseMs: 50, maxMs: 400 }, rejoinAfterMs: () => 100 };

function watch(inbox: FleetLMInbox) {
  const snapshots: InboxEntry[][] = [];
  const deltas: InboxEntry[][] = [];
  const errors: Error[] = [];
  inbox.on("snapshot", (s) => snapshots.push(s));
  inbox.on("delta", (d) => deltas.push(d));
  inbox.on("error", (e) => errors.push(e));
  return { snapshots, deltas, errors };
}

describe.each([true, false])("FleetLMInbox (quirks %s)", (quirks) => {
  it("emits the join snapshot and then deltas or periodic snapshots with the counts", async () => {
    const server = await startDev({ quirks, timings: { inboxFlushMs: 100 } });
    const rest = new FleetLMRest({ baseUrl: server.url });
    const withBob = await rest.createSession({ userId: "alice", agentId: "bob" });
    const withCarol = await rest.createSession({ userId: "alice", agentId: "carol" });

    const inbox = new FleetLMInbox({ userId: "alice", socketUrl: server.socketUrl, rejoinIntervalMs: 150, ...fast });
    onCleanup(() => inbox.stop());
    const seen = watch(inbox);
    const first = await inbox.start();
    expect(first.map((e) => e.session_id).sort()).toEqual([withBob.id, withCarol.id].sort());
    expect(first.every((e) => e.unread_count === 0 && e.last_activity_at === null)).toBe(true);

    await rest.appendMessage(withBob.id, { agentId: "bob", content: { text: "hi" } });
    await until(() => {
      const bob = inbox.entries.find((e) => e.session_id === withBob.id);
      expect(bob).toMatchObject({ unread_count: 1, last_sender_id: "bob" });
      expect(bob!.lastActivityAt).toBeInstanceOf(Date);
    });
    await rest.appendMessage(withCarol.id, { agentId: "carol", content: { text: "hi" } });
    await until(() => expect(inbox.entries[0]).toMatchObject({ session_id: withCarol.id, unread_count: 1 }));
    // The periodic rejoin keeps producing snapshots, whatever the server's delta timer does (quirk 4).
    await until(() => expect(seen.snapshots.length).toBeGreaterThanOrEqual(3));
    expect(seen.errors).toEqual([]);
  });

  it("without a rejoin interval, reports server pushes as deltas", async () => {
    const server = await startDev({ quirks, timings: { inboxFlushMs: 500 } });
    const rest = new FleetLMRest({ baseUrl: server.url });
    const session = await rest.createSession({ userId: "alice", agentId: "bob" });
    const client = makeClient(server, { userId: "alice", sessionId: session.id });
    const inbox = client.inbox();
    onCleanup(() => inbox.stop());
    const seen = watch(inbox);
    await inbox.start();
    // Keep the server's flush timer busy so a delta is due in both modes.
    await rest.appendMessage(session.id, { agentId: "bob", content: { text: "1" } });
    await until(() => expect(seen.deltas.length).toBeGreaterThanOrEqual(1));
    expect(seen.snapshots).toHaveLength(1);
    expect(seen.deltas.at(-1)![0]).toMatchObject({ session_id: session.id, last_sender_id: "bob" });
  });
});

describe("one shared FleetLMSocket", () => {
  it("carries session streams and inboxes for several users over a single connection", async () => {
    const server = await startDev({ quirks: true, timings: { inboxFlushMs: 50 } });
    const rest = new FleetLMRest({ baseUrl: server.url });
    const alice = await rest.createSession({ userId: "alice", agentId: "bot" });
    const carol = await rest.createSession({ userId: "carol", agentId: "bot" });

    const socket = new FleetLMSocket({ socketUrl: server.socketUrl, agentId: "bot", ...fast });
    onCleanup(() => socket.disconnect());
    await socket.connect();
    const streams = [alice, carol].map((s) => new SessionStream(socket, s.id, { rest }));
    const received = new Map<string, number[]>([
      [alice.id, []],
      [carol.id, []],
    ]);
    for (const stream of streams) {
      stream.on("message", (m: Message) => received.get(m.session_id)!.push(m.seq));
      onCleanup(() => stream.stop());
    }
    await Promise.all(streams.map((s) => s.start()));
    const inboxes = ["alice", "carol"].map((userId) => new FleetLMInbox({ userId, socket, rejoinIntervalMs: 200 }));
    for (const inbox of inboxes) onCleanup(() => inbox.stop());
    await Promise.all(inboxes.map((i) => i.start()));

    // The agent sends on one stream (broadcast twice in faithful mode); REST appends to the other.
    expect(await streams[0]!.send({ kind: "assistant", content: { text: "hello alice" } })).toBe(1);
    await rest.appendMessage(carol.id, { userId: "carol", content: { text: "1" } });
    await rest.appendMessage(carol.id, { userId: "carol", content: { text: "2" } });
    await until(() => {
      expect(received.get(alice.id)).toEqual([1]);
      expect(received.get(carol.id)).toEqual(range(1, 2));
    });
    await until(() => {
      expect(inboxes[0]!.entries.find((e) => e.session_id === alice.id)?.unread_count).toBeGreaterThanOrEqual(1);
      expect(inboxes[1]!.entries.find((e) => e.session_id === carol.id)?.unread_count).toBe(2);
    });

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^fleetlm_dev_sockets 1$/m);

    // One channel per topic per socket: a second subscription to the same topic is refused, not swapped in.
    await expect(new SessionStream(socket, alice.id, { rest }).start()).rejects.toThrow(/already subscribed/);
    expect(() => socket.channel("inbox:alice")).toThrow(/already subscribed/);

    // Stopping one subscription leaves the others and the socket working, and frees its topic.
    await streams[1]!.stop();
    const again = new SessionStream(socket, carol.id, { rest, lastSeq: 1 });
    onCleanup(() => again.stop());
    const replayed: number[] = [];
    again.on("message", (m) => replayed.push(m.seq));
    await again.start();
    expect(replayed).toEqual([2]);
    await rest.appendMessage(alice.id, { userId: "alice", content: { text: "still here" } });
    await until(() => expect(received.get(alice.id)).toEqual([1, 2]));
    expect(socket.isConnected).toBe(true);
  });
});
