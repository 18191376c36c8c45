// Whether a takeover really pauses the AI: the drift check against the FleetLM dev server, "route again", and the
// panel's answer when FleetLM cannot be asked.
import { makeOperator, type TestOperator } from "../support/auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { db } from "~/db.server";
import { resetEnvCache } from "~/env.server";
import { compareRouting, gateHealth, routeAgain } from "~/agent-gate/gate-health.server";
import { routeThroughConsole } from "~/agent-gate/gated-agents.server";
import { startFleetlmDev } from "@fleetlm/dev";
import { resetFleetlm } from "~/fleetlm/fleetlm.server";
import { newSession, panel, startWorld, takeover, type World } from "./support";

let world: World;
let admin: TestOperator;
let alice: TestOperator;
let auditor: TestOperator;
const PUBLIC_URL = "http://127.0.0.1:9"; // FleetLM is never called back in these tests

beforeAll(async () => {
  world = await startWorld();
  process.env.CONSOLE_PUBLIC_URL = PUBLIC_URL;
  resetEnvCache();
  [admin, alice, auditor] = await Promise.all([makeOperator("admin"), makeOperator("operator"), makeOperator("auditor")]);
});
afterAll(async () => {
  await world.server.close();
  delete process.env.CONSOLE_PUBLIC_URL;
  resetEnvCache();
});

async function gatedAgent() {
  const id = `agent-${randomUUID().slice(0, 8)}`;
  await world.rest.createAgent({ id, name: id, origin_url: "http://127.0.0.1:9", webhook_path: "/real", timeout_ms: 10_000 });
  expect(await routeThroughConsole({ agentId: id, actor: admin })).toEqual({ ok: true });
  return id;
}

describe("compareRouting", () => {
  const agent = { id: "a1", origin_url: `${PUBLIC_URL}/`, webhook_path: "/gate/agents/a1", headers: { "X-Console-Gate": "tok" } };
  it("gated when FleetLM calls the gate with our secret (trailing slash and header case do not matter)", () => {
    expect(compareRouting(agent, "tok", PUBLIC_URL)).toEqual({ state: "gated" });
  });
  it("drifted when FleetLM calls another URL, another path, or without the secret", () => {
    expect(compareRouting({ ...agent, origin_url: "http://agent.example" }, "tok", PUBLIC_URL)).toEqual({ state: "drifted", calling: "elsewhere" });
    expect(compareRouting({ ...agent, webhook_path: "/webhook" }, "tok", PUBLIC_URL)).toEqual({ state: "drifted", calling: "elsewhere" });
    expect(compareRouting({ ...agent, headers: {} }, "tok", PUBLIC_URL)).toEqual({ state: "drifted", calling: "without-secret" });
    expect(compareRouting({ ...agent, headers: { "x-console-gate": "old" } }, "tok", PUBLIC_URL)).toEqual({ state: "drifted", calling: "without-secret" });
  });
});

describe("gate health against FleetLM", () => {
  it("not gated, gated, drifted after FleetLM forgot the routing, gated again after route again", async () => {
    expect(await gateHealth("demo-agent")).toEqual({ state: "not-gated" });
    const id = await gatedAgent();
    expect(await gateHealth(id)).toEqual({ state: "gated" });

    // What a FleetLM restart that re-registers the agent does: the original settings come back.
    await world.rest.updateAgent(id, { origin_url: "http://127.0.0.1:9", webhook_path: "/real", headers: {} });
    expect(await gateHealth(id)).toEqual({ state: "drifted", calling: "elsewhere" });

    expect(await routeAgain({ agentId: id, actor: admin })).toEqual({ ok: true });
    expect(await gateHealth(id)).toEqual({ state: "gated" });
    const agent = await world.rest.getAgent(id);
    const row = await (await db()).gatedAgent.findUniqueOrThrow({ where: { agentId: id } });
    expect(agent.headers).toEqual({ "x-console-gate": row.gateToken });
    // The real agent settings saved at first routing are untouched.
    expect(row).toMatchObject({ originUrl: "http://127.0.0.1:9", webhookPath: "/real" });
    const audit = await (await db()).auditEvent.findMany({ where: { targetId: id, action: "gate.reroute" } });
    expect(audit).toHaveLength(1);
  });

  it("the panel reports the drift to every role; route again is for admins only and audited", async () => {
    const id = await gatedAgent();
    const session = await newSession(world, id);
    await world.rest.updateAgent(id, { headers: {} });
    for (const who of [alice, auditor, admin]) {
      const seen = await panel(who, session.id);
      expect(seen.status).toBe(200);
      expect(seen.body).toMatchObject({ gated: true, gate: { state: "drifted", calling: "without-secret" } });
    }
    const refused = await takeover(alice, session.id, { intent: "route-again" });
    expect(refused.status).toBe(403);
    expect(await gateHealth(id)).toMatchObject({ state: "drifted" }); // nothing half-done
    expect((await takeover(auditor, session.id, { intent: "route-again" })).status).toBe(403);
    const done = await takeover(admin, session.id, { intent: "route-again" });
    expect(done).toMatchObject({ status: 200, body: { ok: true, intent: "route-again" } });
    expect((await panel(alice, session.id)).body).toMatchObject({ gate: { state: "gated" } });
  });

  it("route again for an agent that is not gated is a clear 404, with nothing written", async () => {
    const session = await newSession(world, "demo-agent");
    const before = await world.rest.getAgent("demo-agent");
    const result = await takeover(admin, session.id, { intent: "route-again" });
    expect(result).toMatchObject({ status: 404, body: { ok: false, reason: "This agent is not routed through the Console." } });
    expect(await world.rest.getAgent("demo-agent")).toEqual(before);
  });

  it("FleetLM unreachable: 'unknown' with one readable sentence and no internal address", async () => {
    const id = await gatedAgent();
    const other = await startFleetlmDev({ port: 0 });
    const url = other.url;
    await other.close(); // a port nobody listens on any more
    process.env.FLEETLM_URL = url;
    resetEnvCache();
    resetFleetlm();
    try {
      const health = await gateHealth(id);
      expect(health).toMatchObject({ state: "unknown" });
      const reason = (health as { reason: string }).reason;
      expect(reason).toBe("FleetLM could not be reached.");
      expect(reason).not.toContain("127.0.0.1");
      const again = await routeAgain({ agentId: id, actor: admin });
      expect(again).toMatchObject({ ok: false, status: 502 });
      expect((again as { reason: string }).reason).toMatch(/^FleetLM could not be reached, so the agent was not routed again\. Try again/);
      expect((again as { reason: string }).reason).not.toMatch(/http|ECONNREFUSED/);
    } finally {
      process.env.FLEETLM_URL = world.server.url;
      resetEnvCache();
      resetFleetlm();
    }
  });
});
