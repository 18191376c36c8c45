import { makeOperator, type TestOperator } from "../support/auth";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { db } from "~/db.server";
import { resetEnvCache } from "~/env.server";
import { resetFleetlm } from "~/fleetlm/fleetlm.server";
import { newSession, startWorld, takeover, type World } from "./support";

let world: World;
let alice: TestOperator;
let bob: TestOperator;

beforeAll(async () => {
  world = await startWorld();
  [alice, bob] = await Promise.all([makeOperator("operator", { name: "Alice Ops" }), makeOperator("operator")]);
});
afterAll(async () => {
  await world.server.close();
});
afterEach(() => {
  world.server.faults.set({ mode: null });
  resetEnvCache();
  resetFleetlm();
});

async function withClientId(sessionId: string, clientMessageId: string) {
  const all = await world.rest.listMessages(sessionId, { limit: 1000 });
  return all.filter((m) => m.metadata?.client_message_id === clientMessageId);
}

async function heldSession() {
  const session = await newSession(world);
  expect((await takeover(alice, session.id, { intent: "claim" })).status).toBe(200);
  return session;
}

describe("replying as the agent", () => {
  it("posts as the session's agent with operator metadata, records and audits the send", async () => {
    const session = await heldSession();
    const clientMessageId = randomUUID();
    const res = await takeover(alice, session.id, { intent: "send", clientMessageId, body: "Hi, a human here." });
    expect(res.status).toBe(200);
    const seq = (res.body as { seq: number }).seq;
    const [message] = await withClientId(session.id, clientMessageId);
    const takeoverRow = await (await db()).takeover.findUniqueOrThrow({ where: { activeSessionId: session.id } });
    expect(message).toMatchObject({
      seq,
      sender_id: "demo-agent",
      kind: "text",
      content: { text: "Hi, a human here." },
      // The default end-user policy (ADR 120): the display name, never the operator or takeover ids.
      metadata: { source: "operator", operator_name: "Alice Ops", client_message_id: clientMessageId },
    });
    expect(message!.metadata).not.toHaveProperty("operator_id");
    expect(message!.metadata).not.toHaveProperty("takeover_id");
    expect(takeoverRow.operatorId).toBe(alice.id);
    expect(await (await db()).sentMessage.findUnique({ where: { clientMessageId } })).toMatchObject({ status: "sent", seq, operatorId: alice.id });
    const audited = await (await db()).auditEvent.findMany({ where: { targetId: session.id, action: "takeover.send" } });
    expect(audited).toHaveLength(1);
    expect(JSON.parse(audited[0]!.details)).toMatchObject({ clientMessageId, status: "sent", seq });
    // An agent-sent message triggers no AI reply.
    await world.server.webhooksIdle();
    expect((await world.rest.listMessages(session.id)).filter((m) => m.kind === "assistant")).toHaveLength(0);
  });

  it("refuses a send after release with 409, posting nothing", async () => {
    const session = await heldSession();
    await takeover(alice, session.id, { intent: "release" });
    const clientMessageId = randomUUID();
    const res = await takeover(alice, session.id, { intent: "send", clientMessageId, body: "too late" });
    expect(res.status).toBe(409);
    expect((res.body as { reason: string }).reason).toMatch(/do not hold/);
    expect(await withClientId(session.id, clientMessageId)).toHaveLength(0);
    expect(await (await db()).sentMessage.findUnique({ where: { clientMessageId } })).toBeNull();
  });

  it("refuses a send from someone who does not hold the session (409, says who does)", async () => {
    const session = await heldSession();
    const res = await takeover(bob, session.id, { intent: "send", clientMessageId: randomUUID(), body: "me too" });
    expect(res.status).toBe(409);
    expect((res.body as { reason: string }).reason).toContain("Alice Ops");
    expect((await world.rest.listMessages(session.id)).length).toBe(0);
  });

  it("refuses an empty or too long body, or a bad client id, with 400", async () => {
    const session = await heldSession();
    for (const form of [
      { intent: "send", clientMessageId: randomUUID(), body: "   " },
      { intent: "send", clientMessageId: randomUUID(), body: "x".repeat(4001) },
      { intent: "send", clientMessageId: "no", body: "hello" },
    ]) {
      const res = await takeover(alice, session.id, form);
      expect(res.status).toBe(400);
    }
    expect((await world.rest.listMessages(session.id)).length).toBe(0);
    expect(await (await db()).sentMessage.count({ where: { sessionId: session.id } })).toBe(0);
  });

  it("accepts exactly 4000 characters", async () => {
    const session = await heldSession();
    const res = await takeover(alice, session.id, { intent: "send", clientMessageId: randomUUID(), body: "y".repeat(4000) });
    expect(res.status).toBe(200);
  });
});

describe("idempotency on the client message id", () => {
  it("the same id sent twice posts once and answers the same seq", async () => {
    const session = await heldSession();
    const clientMessageId = randomUUID();
    const first = await takeover(alice, session.id, { intent: "send", clientMessageId, body: "once" });
    const second = await takeover(alice, session.id, { intent: "send", clientMessageId, body: "once" });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect((second.body as { seq: number }).seq).toBe((first.body as { seq: number }).seq);
    expect(await withClientId(session.id, clientMessageId)).toHaveLength(1);
  });

  it("the same id sent concurrently (double-click) posts once", async () => {
    const session = await heldSession();
    const clientMessageId = randomUUID();
    const results = await Promise.all(Array.from({ length: 5 }, () => takeover(alice, session.id, { intent: "send", clientMessageId, body: "double" })));
    for (const res of results) expect([200, 202]).toContain(res.status);
    expect(results.some((r) => r.status === 200)).toBe(true);
    expect(await withClientId(session.id, clientMessageId)).toHaveLength(1);
    expect(await (await db()).auditEvent.count({ where: { targetId: session.id, action: "takeover.send" } })).toBe(1);
  });

  it("a retry after release still answers the stored result (not 409)", async () => {
    const session = await heldSession();
    const clientMessageId = randomUUID();
    const first = await takeover(alice, session.id, { intent: "send", clientMessageId, body: "before release" });
    await takeover(alice, session.id, { intent: "release" });
    const retry = await takeover(alice, session.id, { intent: "send", clientMessageId, body: "before release" });
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ seq: (first.body as { seq: number }).seq });
  });

  it("another operator cannot reuse someone's client message id", async () => {
    const session = await heldSession();
    const clientMessageId = randomUUID();
    await takeover(alice, session.id, { intent: "send", clientMessageId, body: "mine" });
    await takeover(alice, session.id, { intent: "release" });
    await takeover(bob, session.id, { intent: "claim" });
    const res = await takeover(bob, session.id, { intent: "send", clientMessageId, body: "mine too" });
    expect(res.status).toBe(409);
    expect(await withClientId(session.id, clientMessageId)).toHaveLength(1);
  });

  it("a failed send keeps the reason; the retry posts once when FleetLM is back", async () => {
    const session = await heldSession();
    const clientMessageId = randomUUID();
    world.server.faults.set({ mode: "error500" });
    const failed = await takeover(alice, session.id, { intent: "send", clientMessageId, body: "during outage" });
    expect(failed.status).toBe(502);
    expect(failed.body).toMatchObject({ ok: false, status: "failed", reason: expect.stringContaining("500") });
    expect(await (await db()).sentMessage.findUnique({ where: { clientMessageId } })).toMatchObject({
      status: "failed",
      error: expect.stringContaining("500"),
    });
    world.server.faults.set({ mode: null });
    const retry = await takeover(alice, session.id, { intent: "send", clientMessageId, body: "during outage" });
    expect(retry.status).toBe(200);
    expect(await withClientId(session.id, clientMessageId)).toHaveLength(1);
  });

  it("a send whose answer was lost after FleetLM stored it is found on retry, not posted again", async () => {
    const session = await heldSession();
    const clientMessageId = randomUUID();
    // A proxy in front of FleetLM that lets appends through but drops their answers, as a timeout after commit would.
    let dropAnswers = true;
    const proxy = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const upstream = await fetch(world.server.url + req.url, {
        method: req.method,
        headers: { "content-type": "application/json", accept: "application/json" },
        body: req.method === "GET" ? undefined : Buffer.concat(chunks),
      });
      const text = await upstream.text();
      if (dropAnswers && req.method === "POST") return void res.socket?.destroy();
      res.writeHead(upstream.status, { "content-type": "application/json" }).end(text);
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    process.env.FLEETLM_URL = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    resetEnvCache();
    resetFleetlm();
    try {
      const failed = await takeover(alice, session.id, { intent: "send", clientMessageId, body: "lost answer" });
      expect(failed.status).toBe(502);
      expect(await (await db()).sentMessage.findUnique({ where: { clientMessageId } })).toMatchObject({ status: "failed" });
      const stored = await withClientId(session.id, clientMessageId);
      expect(stored).toHaveLength(1);
      dropAnswers = false;
      const retry = await takeover(alice, session.id, { intent: "send", clientMessageId, body: "lost answer" });
      expect(retry.status).toBe(200);
      expect(retry.body).toMatchObject({ seq: stored[0]!.seq });
      expect(await withClientId(session.id, clientMessageId)).toHaveLength(1);
      expect(await (await db()).sentMessage.findUnique({ where: { clientMessageId } })).toMatchObject({ status: "sent", seq: stored[0]!.seq });
    } finally {
      process.env.FLEETLM_URL = world.server.url;
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it("a pending send is not posted again while young; an abandoned one is checked, then posted once", async () => {
    const session = await heldSession();
    const prisma = await db();
    const takeoverRow = await prisma.takeover.findUniqueOrThrow({ where: { activeSessionId: session.id } });
    const clientMessageId = randomUUID();
    // As if another request (or a process that died) started this send.
    await prisma.sentMessage.create({
      data: { clientMessageId, sessionId: session.id, takeoverId: takeoverRow.id, operatorId: alice.id, body: "orphan", status: "pending" },
    });
    const young = await takeover(alice, session.id, { intent: "send", clientMessageId, body: "orphan" });
    expect(young.status).toBe(202);
    expect(await withClientId(session.id, clientMessageId)).toHaveLength(0);
    await prisma.sentMessage.update({ where: { clientMessageId }, data: { updatedAt: new Date(Date.now() - 60_000) } });
    const retry = await takeover(alice, session.id, { intent: "send", clientMessageId, body: "orphan" });
    expect(retry.status).toBe(200);
    expect(await withClientId(session.id, clientMessageId)).toHaveLength(1);
  });
});
