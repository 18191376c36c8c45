// The agent gate as a push into the index: a webhook call for a gated agent's session makes the gateway read that
// session at once, without waiting for an inbox signal (and here there is none: the message bypasses FleetLM's
// notifications, and the sweep is off).
import { makeOperator } from "../support/auth";
import { storeQuietly } from "../support/dev-server";
import { afterAll, beforeAll, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { db } from "~/db.server";
import { resetEnvCache } from "~/env.server";
import { routeThroughConsole } from "~/agent-gate/gated-agents.server";
import { gatewayStatus, startGateway, stopGateway } from "~/fleetlm-sync/gateway.server";
import { nudgeSession } from "~/fleetlm-sync/sync-queue.server";
import { echoReply, fakeAgent, gateServer, type Running } from "./http";
import { startWorld, type World } from "./support";

let world: World;
let gate: Running;
let agent: Running;

beforeAll(async () => {
  world = await startWorld();
  gate = await gateServer();
  agent = await fakeAgent(echoReply("ack"));
  process.env.CONSOLE_PUBLIC_URL = gate.url;
  resetEnvCache();
});

afterAll(async () => {
  await stopGateway();
  await agent.close();
  await gate.close();
  await world.server.close();
  delete process.env.CONSOLE_PUBLIC_URL;
});

const head = async (id: string) => (await (await db()).sessionIndex.findUnique({ where: { id } }))?.headSeq ?? -1;

/** FleetLM's webhook call for a user message, made to the gate; resolves when the relayed stream has ended. */
async function callGate(agentId: string, sessionId: string, userId: string, messages: unknown[]) {
  const { gateToken } = await (await db()).gatedAgent.findUniqueOrThrow({ where: { agentId } });
  const response = await fetch(`${gate.url}/gate/agents/${agentId}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-console-gate": gateToken },
    body: JSON.stringify({ session_id: sessionId, agent_id: agentId, user_id: userId, messages }),
  });
  expect(response.status).toBe(200);
  await response.text();
}

it("a webhook call through the gate syncs its session at once", async () => {
  const admin = await makeOperator("admin");
  const agentId = `push-${randomUUID().slice(0, 8)}`;
  await world.rest.createAgent({ id: agentId, name: agentId, origin_url: agent.url, webhook_path: "/hook", timeout_ms: 10_000 });
  expect(await routeThroughConsole({ agentId, actor: admin })).toEqual({ ok: true });
  const userId = `push-user-${randomUUID().slice(0, 6)}`;
  const session = await world.rest.createSession({ userId, agentId });
  await startGateway({ fleetlmUrl: world.server.url, pollMs: 100, rejoinMs: 300, sweepPerSecond: 0, force: true });
  await expect.poll(() => head(session.id), { timeout: 20_000 }).toBe(0);
  // The first join's reconciliation has read the session: from here on, nothing re-reads it unprompted.
  await expect
    .poll(
      () => {
        const s = gatewayStatus();
        return s.reconciled > 0 && s.pendingReconciles + s.syncing === 0;
      },
      { timeout: 20_000 },
    )
    .toBe(true);

  // Stored without a notification: only the gate's push can tell the gateway about it.
  storeQuietly(world.server, { sessionId: session.id, from: userId, content: { text: "quiet" } });
  const before = gatewayStatus().syncs;
  await callGate(agentId, session.id, userId, []);
  await expect.poll(() => head(session.id), { timeout: 10_000 }).toBe(1);
  // Two reads: the call's nudge, and the one after its stream (no seq was asked about: both read FleetLM).
  await expect.poll(() => gatewayStatus().syncs, { timeout: 10_000 }).toBeGreaterThanOrEqual(before + 2);

  // A call about a user message the index has already (its channel's push synced it): no read starts.
  await expect.poll(() => gatewayStatus().syncing, { timeout: 10_000 }).toBe(0);
  const { skippedSyncs, syncs: syncsBefore } = gatewayStatus();
  const asked = [{ seq: 1, sender_id: userId, kind: "text", content: { text: "quiet" }, inserted_at: new Date().toISOString() }];
  await callGate(agentId, session.id, userId, asked);
  // The nudge named seq 1, which the index has: counted as skipped (without the seq it would start a read).
  expect(gatewayStatus().skippedSyncs).toBeGreaterThan(skippedSyncs);
  // The read after this call's stream (seq 2, which nobody stored): the only sync since.
  await expect.poll(() => gatewayStatus().syncs, { timeout: 10_000 }).toBeGreaterThan(syncsBefore);

  // The agent's answer is in the index before the stream's end (its channel push came first): the gate's read
  // after the stream names the seq after the one asked about, so it is skipped too, and no read starts.
  storeQuietly(world.server, {
    sessionId: session.id,
    from: agentId,
    to: userId,
    kind: "assistant",
    content: { id: "r1", role: "assistant", parts: [{ type: "text", text: "ack" }] },
  });
  nudgeSession(session.id, 2);
  await expect.poll(() => head(session.id), { timeout: 10_000 }).toBe(2);
  await expect.poll(() => gatewayStatus().syncing, { timeout: 10_000 }).toBe(0);
  const settled = gatewayStatus();
  await callGate(agentId, session.id, userId, asked);
  // Two nudges (the call's and the one after the stream), both skipped: not one read.
  const since = () => {
    const s = gatewayStatus();
    return { skipped: s.skippedSyncs - settled.skippedSyncs, syncs: s.syncs - settled.syncs };
  };
  await expect.poll(() => since().skipped + since().syncs, { timeout: 10_000 }).toBe(2);
  expect(since()).toEqual({ skipped: 2, syncs: 0 });
});
