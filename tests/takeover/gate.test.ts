import { call, makeOperator, type TestOperator } from "../support/auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { stoppedBy } from "@fleetlm/client";
import type { ServerResponse } from "node:http";
import { db } from "~/db.server";
import { resetEnvCache } from "~/env.server";
import { routeThroughConsole, undoRouting } from "~/agent-gate/gated-agents.server";
import { MAX_WEBHOOK_BYTES } from "~/agent-gate/webhook-request.server";
import { isStreaming } from "~/agent-gate/streams.server";
import { action as gateAction } from "~/routes/gate.agents.$agentId";
import { echoReply, fakeAgent, gateServer, line, type AgentCall, type Running } from "./http";
import { newSession, startWorld, takeover, until, type World } from "./support";

let world: World;
let gate: Running;
let admin: TestOperator;
let alice: TestOperator;
let auditor: TestOperator;
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  world = await startWorld();
  gate = await gateServer();
  process.env.CONSOLE_PUBLIC_URL = gate.url;
  resetEnvCache();
  [admin, alice, auditor] = await Promise.all([makeOperator("admin"), makeOperator("operator"), makeOperator("auditor")]);
});
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
  await gate.close();
  await world.server.close();
  delete process.env.CONSOLE_PUBLIC_URL;
});

/** Registers a FleetLM agent answering at `agentUrl` and routes it through the Console gate. */
async function gatedAgent(agentUrl: string, headers: Record<string, string> = {}) {
  const id = `agent-${randomUUID().slice(0, 8)}`;
  await world.rest.createAgent({ id, name: id, origin_url: agentUrl, webhook_path: "/hook", headers, timeout_ms: 10_000 });
  expect(await routeThroughConsole({ agentId: id, actor: admin })).toEqual({ ok: true });
  const row = await (await db()).gatedAgent.findUniqueOrThrow({ where: { agentId: id } });
  return { id, token: row.gateToken };
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function webhookBody(agentId: string, sessionId = "s-1", extra: Record<string, unknown> = {}) {
  return {
    session_id: sessionId,
    agent_id: agentId,
    user_id: "u-1",
    messages: [{ seq: 1, sender_id: "u-1", kind: "text", content: { text: "hi" }, inserted_at: "2026-11-27T10:00:00" }],
    ...extra,
  };
}

function gateRequest(agentId: string, options: { token?: string | null; body?: string; contentType?: string; headers?: Record<string, string> } = {}) {
  const headers = new Headers(options.headers);
  headers.set("content-type", options.contentType ?? "application/json");
  if (options.token) headers.set("x-console-gate", options.token);
  return new Request(`http://console.test/gate/agents/${agentId}`, { method: "POST", headers, body: options.body ?? JSON.stringify(webhookBody(agentId)) });
}

async function callGate(agentId: string, options: Parameters<typeof gateRequest>[1]) {
  return call(() => gateAction({ request: gateRequest(agentId, options), params: { agentId }, context: {} }));
}

async function assistants(sessionId: string) {
  return (await world.rest.listMessages(sessionId, { limit: 1000 })).filter((m) => m.kind === "assistant");
}

describe("routing an agent through the Console", () => {
  it("points the agent at the gate with a secret header, keeps the real settings, and undo restores them", async () => {
    const agent = await fakeAgent(echoReply());
    cleanups.push(agent.close);
    const { id, token } = await gatedAgent(agent.url, { Authorization: "Bearer real-secret" });
    const routed = await world.rest.getAgent(id);
    expect(routed).toMatchObject({ origin_url: gate.url, webhook_path: `/gate/agents/${id}`, headers: { "x-console-gate": token } });
    const row = await (await db()).gatedAgent.findUniqueOrThrow({ where: { agentId: id } });
    expect(row).toMatchObject({ originUrl: agent.url, webhookPath: "/hook" });
    expect(JSON.parse(row.headers)).toEqual({ Authorization: "Bearer real-secret" });
    expect(await routeThroughConsole({ agentId: id, actor: admin })).toMatchObject({ ok: false, status: 409 });

    expect(await undoRouting({ agentId: id, actor: admin })).toEqual({ ok: true });
    expect(await world.rest.getAgent(id)).toMatchObject({ origin_url: agent.url, webhook_path: "/hook", headers: { Authorization: "Bearer real-secret" } });
    expect(await (await db()).gatedAgent.findUnique({ where: { agentId: id } })).toBeNull();
    const actions = (await (await db()).auditEvent.findMany({ where: { targetId: id } })).map((r) => r.action);
    expect(actions).toEqual(["gate.route", "gate.undo"]);
  });
});

describe("the gate refuses what FleetLM would not send", () => {
  let agent: Running & { calls: AgentCall[] };
  let id: string;
  let token: string;
  beforeAll(async () => {
    agent = await fakeAgent(echoReply());
    cleanups.push(agent.close);
    ({ id, token } = await gatedAgent(agent.url));
  });

  it("404 for an agent that is not routed, 403 without or with a wrong token", async () => {
    expect((await callGate("not-gated", { token })).status).toBe(404);
    expect((await callGate(id, { token: null })).status).toBe(403);
    expect((await callGate(id, { token: token.slice(0, -1) + (token.endsWith("a") ? "b" : "a") })).status).toBe(403);
    expect(agent.calls).toHaveLength(0);
  });

  it("400 for bad JSON or a body that is not a webhook request, 415 for another content type, 413 when oversized", async () => {
    expect((await callGate(id, { token, body: "{not json" })).status).toBe(400);
    expect((await callGate(id, { token, body: JSON.stringify({ hello: "world" }) })).status).toBe(400);
    expect((await callGate(id, { token, body: JSON.stringify([webhookBody(id)]) })).status).toBe(400);
    expect((await callGate(id, { token, body: JSON.stringify({ ...webhookBody(id), messages: [{ seq: "one" }] }) })).status).toBe(400);
    expect((await callGate(id, { token, body: JSON.stringify(webhookBody("another-agent")) })).status).toBe(400);
    expect((await callGate(id, { token, contentType: "text/plain" })).status).toBe(415);
    const huge = JSON.stringify(webhookBody(id, "s-1", { padding: "x".repeat(MAX_WEBHOOK_BYTES) }));
    expect((await callGate(id, { token, body: huge })).status).toBe(413);
    expect(agent.calls).toHaveLength(0);
  });

  it("never reaches another address: URLs in the body or headers change nothing", async () => {
    const decoy = await fakeAgent(echoReply("decoy"));
    cleanups.push(decoy.close);
    const body = JSON.stringify(webhookBody(id, "s-2", { url: decoy.url, origin_url: decoy.url, webhook_path: `${decoy.url}/hook` }));
    const res = await callGate(id, { token, body, headers: { host: new URL(decoy.url).host, "x-forwarded-host": new URL(decoy.url).host, origin: decoy.url } });
    expect(res.status).toBe(200);
    expect(agent.calls).toHaveLength(1);
    expect(agent.calls[0]!.url).toBe("/hook");
    expect(agent.calls[0]!.body).toBe(body);
    expect(decoy.calls).toHaveLength(0);
  });
});

describe("forwarding", () => {
  it("passes chunks through in order, each before the agent writes the next, with the stored headers", async () => {
    const chunks = [
      { type: "start" },
      { type: "text-start", id: "t" },
      { type: "text-delta", id: "t", delta: "one " },
      { type: "text-delta", id: "t", delta: "two" },
      { type: "text-end", id: "t" },
      { type: "finish" },
    ];
    const acks = chunks.map(() => deferred());
    const agent = await fakeAgent(async (_call, res: ServerResponse) => {
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      for (let i = 0; i < chunks.length; i++) {
        res.write(line(chunks[i]!));
        // The next chunk is written only once the caller has seen this one: a buffering gate would hang here.
        await acks[i]!.promise;
      }
      res.end();
    });
    cleanups.push(agent.close);
    const { id, token } = await gatedAgent(agent.url, { "X-Agent-Key": "k-123" });
    const body = JSON.stringify(webhookBody(id, "s-fwd"));
    const response = await fetch(`${gate.url}/gate/agents/${id}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-console-gate": token },
      body,
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    const seen: unknown[] = [];
    let buffer = "";
    while (seen.length < chunks.length) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf("\n")) >= 0) {
        seen.push(JSON.parse(buffer.slice(0, cut)));
        buffer = buffer.slice(cut + 1);
        acks[seen.length - 1]!.resolve();
      }
    }
    expect(seen).toEqual(chunks);
    expect((await reader.read()).done).toBe(true);
    const [forwarded] = agent.calls;
    expect(forwarded!.body).toBe(body);
    expect(forwarded!.headers["x-agent-key"]).toBe("k-123");
    expect(forwarded!.headers["content-type"]).toBe("application/json");
    expect(forwarded!.headers["x-console-gate"]).toBeUndefined();
  });

  it("keeps the agent's status: a failing agent fails the FleetLM call", async () => {
    const agent = await fakeAgent((_call, res) => void res.writeHead(500, { "content-type": "application/json" }).end('{"error":"boom"}'));
    cleanups.push(agent.close);
    const { id, token } = await gatedAgent(agent.url);
    const res = await callGate(id, { token });
    expect(res.status).toBe(500);
  });

  it("answers 502 when the agent cannot be reached", async () => {
    const agent = await fakeAgent(echoReply());
    const { id, token } = await gatedAgent(agent.url);
    await agent.close();
    const res = await callGate(id, { token });
    expect(res.status).toBe(502);
  });

  it("end to end: FleetLM calls the gate, the reply is stored as the agent's", async () => {
    const agent = await fakeAgent(echoReply("through the gate"));
    cleanups.push(agent.close);
    const { id } = await gatedAgent(agent.url);
    const session = await newSession(world, id);
    await world.rest.appendMessage(session.id, { userId: session.user_id, content: { text: "hello" } });
    await world.server.webhooksIdle();
    const [reply] = await until(
      () => assistants(session.id),
      (list) => list.length === 1,
      "the AI reply",
    );
    expect(reply!.content).toMatchObject({ parts: [{ type: "text", text: "through the gate" }] });
    expect(agent.calls).toHaveLength(1);
  });
});

describe("pausing the AI during a takeover", () => {
  it("answers an empty successful stream without calling the agent; after hand-back the AI answers again", async () => {
    const agent = await fakeAgent(echoReply("AI is back"));
    cleanups.push(agent.close);
    const { id, token } = await gatedAgent(agent.url);
    const session = await newSession(world, id);
    expect((await takeover(alice, session.id, { intent: "claim" })).status).toBe(200);

    const direct = await callGate(id, { token, body: JSON.stringify(webhookBody(id, session.id)) });
    expect(direct.status).toBe(200);
    expect(direct.body).toBe("");

    await world.rest.appendMessage(session.id, { userId: session.user_id, content: { text: "anyone there?" } });
    await world.server.webhooksIdle();
    expect(agent.calls).toHaveLength(0);
    expect(await assistants(session.id)).toHaveLength(0);
    expect(
      world.server
        .webhookOutcomes()
        .filter((o) => o.sessionId === session.id)
        .map((o) => o.outcome.ok),
    ).toEqual([true]);

    expect((await takeover(alice, session.id, { intent: "release" })).status).toBe(200);
    await world.rest.appendMessage(session.id, { userId: session.user_id, content: { text: "hello again" } });
    await world.server.webhooksIdle();
    const replies = await until(
      () => assistants(session.id),
      (list) => list.length === 1,
      "the AI reply after hand-back",
    );
    expect(replies[0]!.content).toMatchObject({ parts: [{ text: "AI is back" }] });
    expect(agent.calls).toHaveLength(1);
  });
});

describe("stop reply", () => {
  it("cuts a streaming reply; FleetLM stores what was produced with termination abort", async () => {
    const agent = await fakeAgent(async (call, res) => {
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      res.write(
        line({ type: "start", messageId: "m-stop" }) + line({ type: "text-start", id: "t" }) + line({ type: "text-delta", id: "t", delta: "Partial answer" }),
      );
      // Half a line, then nothing until the gate hangs up: the abort must still arrive as a whole line.
      res.write('{"type":"text-delta","id":"t","del');
      await call.closed;
    });
    cleanups.push(agent.close);
    const { id } = await gatedAgent(agent.url);
    const session = await newSession(world, id);
    await world.rest.appendMessage(session.id, { userId: session.user_id, content: { text: "write me an essay" } });
    await until(async () => isStreaming(session.id), Boolean, "the gated reply to start streaming");

    expect((await takeover(auditor, session.id, { intent: "stop-reply" })).status).toBe(403);
    const stopped = await takeover(alice, session.id, { intent: "stop-reply" });
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({ ok: true, stopped: 1 });
    await agent.calls[0]!.closed; // the agent's connection was cut too
    await world.server.webhooksIdle();
    const [reply] = await until(
      () => assistants(session.id),
      (list) => list.length === 1,
      "the aborted reply",
    );
    expect(reply!.metadata).toMatchObject({ termination: "abort" });
    // FleetLM does not merge an abort's messageMetadata: it survives inside _finish_chunk (protocol §8.5).
    expect(stoppedBy(reply!.metadata)).toEqual({ source: "operator", operator_name: alice.name }); // default policy: no operator id (ADR 120)
    expect(reply!.content).toMatchObject({ id: "m-stop", parts: [{ type: "text", text: "Partial answer", state: "done" }] });
    expect(isStreaming(session.id)).toBe(false);
    expect((await takeover(alice, session.id, { intent: "stop-reply" })).status).toBe(409);
    expect((await (await db()).auditEvent.findMany({ where: { targetId: session.id, action: "gate.stop_reply" } })).length).toBe(1);
  });
});
