// The user messages the AI missed while a session was held, and the replay of FleetLM's webhook call through the
// gate that lets the AI answer them after the hand back (ADR 121). Real FleetLM dev server calling the real gate.
import { makeOperator, type TestOperator } from "../support/auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { db } from "~/db.server";
import { resetEnvCache } from "~/env.server";
import { routeThroughConsole } from "~/agent-gate/gated-agents.server";
import { unansweredUserSeqs } from "~/agent-gate/missed-replies.server";
import { fakeAgent, gateServer, line, type AgentCall, type Running } from "./http";
import { newSession, startWorld, takeover, until, type World } from "./support";

let world: World;
let gate: Running;
let agent: Running & { calls: AgentCall[] };
let agentId: string;
let admin: TestOperator;
let alice: TestOperator;
let auditor: TestOperator;

/** Answers "re: <last user text>" (what it was asked is what the test checks). */
function echoLast(call: AgentCall, res: ServerResponse) {
  const body = JSON.parse(call.body) as { messages: { sender_id: string; kind: string; content: { text?: string } }[]; user_id: string };
  const last = [...body.messages].reverse().find((m) => m.sender_id === body.user_id);
  res.writeHead(200, { "content-type": "application/x-ndjson" });
  res.end(
    line({ type: "start", messageId: `m-${randomUUID().slice(0, 6)}` }) +
      line({ type: "text-start", id: "t" }) +
      line({ type: "text-delta", id: "t", delta: `re: ${last?.content.text}` }) +
      line({ type: "text-end", id: "t" }) +
      line({ type: "finish" }),
  );
}

beforeAll(async () => {
  world = await startWorld();
  gate = await gateServer();
  process.env.CONSOLE_PUBLIC_URL = gate.url;
  resetEnvCache();
  [admin, alice, auditor] = await Promise.all([makeOperator("admin"), makeOperator("operator"), makeOperator("auditor")]);
  agent = await fakeAgent(echoLast);
  agentId = `agent-${randomUUID().slice(0, 8)}`;
  await world.rest.createAgent({ id: agentId, name: agentId, origin_url: agent.url, webhook_path: "/hook", timeout_ms: 10_000 });
  expect(await routeThroughConsole({ agentId, actor: admin })).toEqual({ ok: true });
});
afterAll(async () => {
  await agent.close();
  await gate.close();
  await world.server.close();
  delete process.env.CONSOLE_PUBLIC_URL;
  resetEnvCache();
});

const assistants = async (sessionId: string) => (await world.rest.listMessages(sessionId, { limit: 1000 })).filter((m) => m.kind === "assistant");

/** A gated session held by Alice while the user wrote `texts` (each call paused by the gate). */
async function heldWhileUserWrote(texts: string[]) {
  const session = await newSession(world, agentId);
  expect((await takeover(alice, session.id, { intent: "claim" })).status).toBe(200);
  const seqs: number[] = [];
  for (const text of texts) seqs.push((await world.rest.appendMessage(session.id, { userId: session.user_id, content: { text } })).seq);
  await world.server.webhooksIdle();
  expect(await assistants(session.id)).toHaveLength(0); // paused
  return { session, seqs };
}

describe("unansweredUserSeqs", () => {
  const m = (seq: number, sender_id: string) => ({ seq, sender_id });
  it("is the user's messages after the agent last spoke, whoever (AI or operator) spoke as the agent", () => {
    expect(unansweredUserSeqs([m(1, "u"), m(2, "a"), m(3, "u"), m(4, "u")], "u", "a")).toEqual([3, 4]);
    expect(unansweredUserSeqs([m(4, "u"), m(1, "u"), m(3, "a")], "u", "a")).toEqual([4]); // order does not matter
    expect(unansweredUserSeqs([m(1, "u"), m(2, "a")], "u", "a")).toEqual([]);
    expect(unansweredUserSeqs([m(1, "u"), m(2, "someone-else")], "u", "a")).toEqual([1]);
    expect(unansweredUserSeqs([], "u", "a")).toEqual([]);
  });
});

describe("missed messages on hand back", () => {
  it("hand back reports the missed messages; replaying lets the AI answer them once, in the session, as FleetLM would store it", async () => {
    const { session, seqs } = await heldWhileUserWrote(["is anyone there?", "hello??"]);
    const released = await takeover(alice, session.id, { intent: "release" });
    expect(released).toMatchObject({ status: 200, body: { ok: true, intent: "release", missed: seqs } });

    const callsBefore = agent.calls.length;
    const replay = await takeover(alice, session.id, { intent: "replay-missed" });
    expect(replay).toMatchObject({ status: 202, body: { ok: true, replaying: seqs } });
    const [reply] = await until(
      () => assistants(session.id),
      (list) => list.length === 1,
      "the replayed answer",
    );
    expect(reply).toMatchObject({
      sender_id: agentId,
      kind: "assistant",
      content: { role: "assistant", parts: [{ type: "text", text: "re: hello??", state: "done" }] },
    });
    expect(reply!.metadata).toMatchObject({ termination: "finish", console_replay: { answered_seqs: seqs } });
    expect(reply!.seq).toBeGreaterThan(seqs.at(-1)!);
    // The agent got FleetLM's request shape (§8.3) with the missed messages in it.
    expect(agent.calls.length).toBe(callsBefore + 1);
    const sent = JSON.parse(agent.calls.at(-1)!.body) as { session_id: string; messages: { seq: number; inserted_at: string }[] };
    expect(sent.session_id).toBe(session.id);
    expect(sent.messages.map((x) => x.seq)).toEqual(seqs);
    expect(Object.keys(sent.messages[0]!).sort()).toEqual(["content", "inserted_at", "kind", "sender_id", "seq"]);

    // Answered now: a second replay is refused and calls nobody.
    const again = await takeover(alice, session.id, { intent: "replay-missed" });
    expect(again).toMatchObject({ status: 409, body: { ok: false } });
    expect(agent.calls.length).toBe(callsBefore + 1);
    const audited = await (await db()).auditEvent.findMany({ where: { targetId: session.id, action: "takeover.replay_missed" } });
    expect(audited).toHaveLength(1);
  });

  it("two replays racing start one; the other is refused", async () => {
    const { session } = await heldWhileUserWrote(["ping"]);
    await takeover(alice, session.id, { intent: "release" });
    const callsBefore = agent.calls.length;
    const results = await Promise.all([takeover(alice, session.id, { intent: "replay-missed" }), takeover(admin, session.id, { intent: "replay-missed" })]);
    expect(results.map((r) => r.status).sort()).toEqual([202, 409]);
    await until(
      () => assistants(session.id),
      (list) => list.length === 1,
      "one replayed answer",
    );
    await world.server.webhooksIdle();
    expect(await assistants(session.id)).toHaveLength(1);
    expect(agent.calls.length).toBe(callsBefore + 1);
  });

  it("refused while held (409), to auditors (403), and when nothing was missed (409); nothing is called or written", async () => {
    const { session } = await heldWhileUserWrote(["still waiting"]);
    const callsBefore = agent.calls.length;
    const held = await takeover(alice, session.id, { intent: "replay-missed" });
    expect(held).toMatchObject({ status: 409, body: { reason: expect.stringContaining("holds this session") } });
    await takeover(alice, session.id, { intent: "release" });
    expect((await takeover(auditor, session.id, { intent: "replay-missed" })).status).toBe(403);

    const answered = await newSession(world, agentId);
    await world.rest.appendMessage(answered.id, { userId: answered.user_id, content: { text: "hi" } });
    await until(
      () => assistants(answered.id),
      (list) => list.length === 1,
      "the AI's own answer",
    );
    expect((await takeover(alice, answered.id, { intent: "claim" })).status).toBe(200);
    const nothing = await takeover(alice, answered.id, { intent: "release" });
    expect(nothing.body).toMatchObject({ ok: true, missed: [] });
    expect((await takeover(alice, answered.id, { intent: "replay-missed" })).status).toBe(409);
    expect(agent.calls.length).toBe(callsBefore + 1); // only the AI's own answer to "hi"
    expect(await assistants(session.id)).toHaveLength(0);
    expect(await (await db()).auditEvent.count({ where: { targetId: { in: [session.id, answered.id] }, action: "takeover.replay_missed" } })).toBe(0);
  });

  it("an agent that is not routed through the Console was never paused: no offer, replay refused", async () => {
    const session = await newSession(world, "demo-agent");
    expect((await takeover(alice, session.id, { intent: "claim" })).status).toBe(200);
    await world.rest.appendMessage(session.id, { userId: session.user_id, content: { text: "hi" } });
    await world.server.webhooksIdle();
    const released = await takeover(alice, session.id, { intent: "release" });
    expect(released.body).toMatchObject({ ok: true, missed: [] });
  });
});
