// An agent as a real FleetLM stores it with `message_history_limit` and `headers` null (nullable columns,
// protocol §1.5, §13): the agents page lists it, the gate routes it and forwards FleetLM's webhook to it, and
// undo puts the nulls back.
import { call, makeOperator, request, type TestOperator } from "../support/auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { resetEnvCache } from "~/env.server";
import { fleetlmHealth, forgetFleetlmHealth } from "~/fleetlm/health.server";
import { action as agentsAction, loader as agentsLoader } from "~/routes/admin.agents";
import { echoReply, fakeAgent, gateServer, type AgentCall, type Running } from "./http";
import { newSession, startWorld, until, type World } from "./support";

let world: World;
let gate: Running;
let agent: Running & { calls: AgentCall[] };
let admin: TestOperator;

// A null limit crashes every webhook call in `tail` mode (get_messages needs an integer); `entire` reads no limit,
// so FleetLM does call this agent.
const AGENT_ID = "null-fields-agent";

beforeAll(async () => {
  world = await startWorld();
  gate = await gateServer();
  agent = await fakeAgent(echoReply("answered through the gate"));
  process.env.CONSOLE_PUBLIC_URL = gate.url;
  resetEnvCache();
  admin = await makeOperator("admin");
  await world.rest.createAgent({
    id: AGENT_ID,
    name: "Null fields",
    origin_url: agent.url,
    webhook_path: "/hook",
    message_history_mode: "entire",
    message_history_limit: null,
    headers: null,
  });
});
afterAll(async () => {
  await agent.close();
  await gate.close();
  await world.server.close();
  delete process.env.CONSOLE_PUBLIC_URL;
});

type AgentsPage = {
  list: {
    ok: boolean;
    reason?: string;
    agents: { id: string; gated: boolean; drifted: boolean; realUrl: string; currentUrl: string; unanswerable: string | null }[];
  };
};

const page = async () => {
  const res = await call(() => agentsLoader({ request: request("/admin/agents", { as: admin }), params: {}, context: {} }));
  expect(res.status).toBe(200);
  return (res.body as AgentsPage).list;
};
const post = (form: Record<string, string>) => call(() => agentsAction({ request: request("/admin/agents", { as: admin, form }), params: {}, context: {} }));

/** The agent exactly as FleetLM answers it, not as the SDK parses it. */
async function rawAgent() {
  const response = await fetch(`${world.server.url}/api/agents/${AGENT_ID}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { agent: Record<string, unknown> }).agent;
}

describe("an agent with null message_history_limit and headers", () => {
  it("is stored with the nulls, as FleetLM stores it", async () => {
    expect(await rawAgent()).toMatchObject({ message_history_limit: null, headers: null });
  });

  it("is listed on the agents page beside the others, and FleetLM counts as reachable", async () => {
    const list = await page();
    expect(list).toMatchObject({ ok: true });
    expect(list.reason).toBeUndefined();
    expect(list.agents.find((a) => a.id === AGENT_ID)).toMatchObject({ gated: false, currentUrl: `${agent.url}/hook` });
    expect(list.agents.some((a) => a.id === "demo-agent")).toBe(true);
    forgetFleetlmHealth();
    expect(await fleetlmHealth()).toMatchObject({ reachable: true });
  });

  it("is flagged on the agents page when the null limit means FleetLM never calls it (tail mode), and only then", async () => {
    await world.rest.createAgent({
      id: "null-tail-agent",
      name: "Null tail",
      origin_url: agent.url,
      webhook_path: "/hook",
      message_history_mode: "tail",
      message_history_limit: null,
    });
    const agents = (await page()).agents;
    expect(agents.find((a) => a.id === "null-tail-agent")?.unanswerable).toMatch(/never calls this agent.*history limit is empty/);
    expect(agents.find((a) => a.id === AGENT_ID)?.unanswerable).toBeNull(); // entire mode reads no limit
    expect(agents.find((a) => a.id === "demo-agent")?.unanswerable).toBeNull();
    // What the warning claims, FleetLM does: the webhook call for a user message fails and nothing answers.
    const session = await newSession(world, "null-tail-agent");
    await world.rest.appendMessage(session.id, { userId: session.user_id, content: { text: "anyone there?" } });
    await world.server.webhooksIdle();
    const outcomes = world.server.webhookOutcomes().filter((o) => o.sessionId === session.id);
    expect(outcomes.length).toBeGreaterThan(0);
    expect(outcomes.every((o) => !o.outcome.ok)).toBe(true);
    expect((await world.rest.listMessages(session.id)).filter((m) => m.kind === "assistant")).toEqual([]);
    await world.rest.disableAgent("null-tail-agent");
  });

  it("is routed through the gate, which forwards FleetLM's webhook call to it; undo restores the nulls", async () => {
    expect((await post({ intent: "route", agentId: AGENT_ID })).status).toBe(302);
    // The Console changes where FleetLM calls and nothing else: the null limit stays.
    expect(await rawAgent()).toMatchObject({
      origin_url: gate.url,
      webhook_path: `/gate/agents/${AGENT_ID}`,
      message_history_limit: null,
      headers: { "x-console-gate": expect.any(String) },
    });
    expect((await page()).agents.find((a) => a.id === AGENT_ID)).toMatchObject({ gated: true, drifted: false, realUrl: `${agent.url}/hook` });

    const session = await newSession(world, AGENT_ID);
    await world.rest.appendMessage(session.id, { userId: session.user_id, content: { text: "hello through the gate" } });
    await world.server.webhooksIdle();
    const replies = await until(
      async () => (await world.rest.listMessages(session.id)).filter((m) => m.kind === "assistant"),
      (list) => list.length === 1,
      "the AI reply",
    );
    expect(replies[0]!.content).toMatchObject({ parts: [{ type: "text", text: "answered through the gate" }] });
    expect(
      world.server
        .webhookOutcomes()
        .filter((o) => o.sessionId === session.id)
        .map((o) => o.outcome.ok),
    ).toEqual([true]);
    expect(agent.calls).toHaveLength(1);
    expect(agent.calls[0]!.url).toBe("/hook");
    expect(agent.calls[0]!.headers["x-console-gate"]).toBeUndefined(); // the gate's secret stays between FleetLM and the Console
    expect(JSON.parse(agent.calls[0]!.body)).toMatchObject({
      session_id: session.id,
      agent_id: AGENT_ID,
      messages: [{ seq: 1, content: { text: "hello through the gate" } }],
    });

    expect((await post({ intent: "undo", agentId: AGENT_ID })).status).toBe(302);
    expect(await rawAgent()).toMatchObject({ origin_url: agent.url, webhook_path: "/hook", message_history_limit: null, headers: null });
    expect(await (await db()).gatedAgent.count({ where: { agentId: AGENT_ID } })).toBe(0);
  });
});
