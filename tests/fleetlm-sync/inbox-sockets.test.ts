// Inbox seats spread over sockets of at most N channels each (ADR 198): phoenix's Socket costs O(channels) per
// frame, so the gateway never puts every inbox on one. Each socket carries its inboxes' deltas, and after FleetLM
// drops every socket they all come back and the index keeps up. Hot pushes are off: the sockets counted on FleetLM
// are the inbox sockets alone (hot users' agent sockets are hot-pushes.test.ts's).
import "../support/db";
import { withDevServerAndGateway } from "../support/dev-server";
import { describe, expect, it } from "vitest";
import type { Session } from "@fleetlm/client";
import { randomUUID } from "node:crypto";
import { gatewayStatus, gatewayUsers, inboxSchedule, startGateway } from "~/fleetlm-sync/gateway.server";
import { indexedHeads } from "~/inbox/session-index.server";

const AGENT = "sockets-bot";
const PER_SOCKET = 3;
const live = withDevServerAndGateway();

async function openSockets(): Promise<number> {
  const text = await (await fetch(`${live.dev.url}/metrics`)).text();
  return Number(/^fleetlm_dev_sockets (\d+)$/m.exec(text)?.[1]);
}

async function everyHead(sessions: Session[], head: number) {
  const heads = await indexedHeads(sessions.map((s) => s.id));
  return sessions.filter((s) => heads.get(s.id) === head).length;
}

/** A gateway on fast timers with PER_SOCKET inboxes a socket, inbox re-joins only (no sweep, no pushes). */
const startSocketsGateway = () =>
  startGateway({ fleetlmUrl: live.dev.url, pollMs: 100, rejoinMs: 300, sweepPerSecond: 0, inboxesPerSocket: PER_SOCKET, hotPushes: false, force: true });

describe("inbox sockets", () => {
  it("puts at most 3 inboxes on a socket, and every socket's deltas reach the index, before and after a drop", async () => {
    const prefix = `sockets-${randomUUID().slice(0, 6)}`;
    const sessions = await Promise.all(Array.from({ length: 8 }, (_, i) => live.rest.createSession({ userId: `${prefix}-${i}`, agentId: AGENT })));
    await startSocketsGateway();
    await expect.poll(() => sessions.filter((s) => inboxSchedule(s.user_id)?.joined).length, { timeout: 20_000 }).toBe(sessions.length);
    // Every user the index knows has a seat (other tests' users too): ceil(users / 3) sockets, all open.
    await expect.poll(() => openSockets(), { timeout: 10_000 }).toBe(Math.ceil(gatewayUsers().length / PER_SOCKET));
    expect(gatewayStatus().inboxSockets).toBe(Math.ceil(gatewayUsers().length / PER_SOCKET));

    for (const session of sessions) await live.rest.appendMessage(session.id, { userId: session.user_id, content: { text: "first" } });
    await expect.poll(() => everyHead(sessions, 1), { timeout: 20_000 }).toBe(sessions.length);

    const sockets = await openSockets();
    live.dev.faults.closeSockets();
    await expect.poll(() => gatewayStatus().connected && openSockets(), { timeout: 20_000 }).toBe(sockets);
    for (const session of sessions) await live.rest.appendMessage(session.id, { userId: session.user_id, content: { text: "after the drop" } });
    await expect.poll(() => everyHead(sessions, 2), { timeout: 20_000 }).toBe(sessions.length);
  });

  it("frees the seats of users whose sessions are all archived, gives them to new users, and keeps the socket count", async () => {
    const prefix = `churn-${randomUUID().slice(0, 6)}`;
    const leaving = await Promise.all(Array.from({ length: 6 }, (_, i) => live.rest.createSession({ userId: `${prefix}-old-${i}`, agentId: AGENT })));
    await startSocketsGateway();
    await expect.poll(() => leaving.filter((s) => inboxSchedule(s.user_id)?.joined).length, { timeout: 20_000 }).toBe(leaving.length);
    const followed = gatewayUsers().length;
    const sockets = Math.ceil(followed / PER_SOCKET);
    await expect.poll(() => openSockets(), { timeout: 10_000 }).toBe(sockets);

    for (const session of leaving) await live.rest.archiveSession(session.id);
    await expect.poll(() => leaving.filter((s) => inboxSchedule(s.user_id) !== null).length, { timeout: 20_000 }).toBe(0);
    expect(gatewayUsers()).toHaveLength(followed - leaving.length);
    // Sockets left with no seat are closed, on FleetLM's side too.
    await expect.poll(() => openSockets(), { timeout: 10_000 }).toBe(gatewayStatus().inboxSockets);

    const arriving = await Promise.all(Array.from({ length: 6 }, (_, i) => live.rest.createSession({ userId: `${prefix}-new-${i}`, agentId: AGENT })));
    await expect.poll(() => arriving.filter((s) => inboxSchedule(s.user_id)?.joined).length, { timeout: 20_000 }).toBe(arriving.length);
    // The same number of users as before the churn, on the same number of sockets, in the places the leavers
    // freed: no new user sits on a socket index beyond those there were.
    expect(gatewayUsers()).toHaveLength(followed);
    expect(arriving.filter((s) => inboxSchedule(s.user_id)!.socket >= sockets)).toEqual([]);
    expect(gatewayStatus().inboxSockets).toBe(sockets);
    await expect.poll(() => openSockets(), { timeout: 10_000 }).toBe(sockets);
    // The reused seats carry their inboxes' deltas to the index.
    for (const session of arriving) await live.rest.appendMessage(session.id, { userId: session.user_id, content: { text: "hello" } });
    await expect.poll(() => everyHead(arriving, 1), { timeout: 20_000 }).toBe(arriving.length);
  });
});
