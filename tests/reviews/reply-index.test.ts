import { makeOperator } from "../support/auth";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FleetLMRest, type Message } from "@fleetlm/client";
import { startFleetlmDev, type FleetlmDevServer } from "@fleetlm/dev";
import { db } from "~/db.server";
import { resetEnvCache } from "~/env.server";
import { resetFleetlm } from "~/fleetlm/fleetlm.server";
import { backfillPending, backfillReplies, resetBackfillState } from "~/reviews/backfill.server";
import { recordReplies, replyFacts } from "~/reviews/reply-index.server";
import { messageText } from "~/reviews/message-text";

const AGENT = "demo-agent";
let dataDir: string;
let server: FleetlmDevServer;
let rest: FleetLMRest;

async function start() {
  server = await startFleetlmDev({ port: 0, demo: true, dataDir });
  process.env.FLEETLM_URL = server.url;
  resetEnvCache();
  resetFleetlm();
  rest = new FleetLMRest({ baseUrl: server.url });
}

async function allMessages(sessionId: string): Promise<Message[]> {
  const out: Message[] = [];
  for await (const page of rest.pages(sessionId)) out.push(...page);
  return out;
}

/** Posts user messages and waits until the demo agent answered each one. */
async function converse(sessionId: string, texts: string[]) {
  for (const text of texts) await rest.appendMessage(sessionId, { userId: "alice", content: { text } });
  const deadline = Date.now() + 25_000;
  for (;;) {
    await server.webhooksIdle();
    const replies = (await allMessages(sessionId)).filter((m) => m.kind === "assistant").length;
    if (replies >= texts.length) return;
    if (Date.now() > deadline) throw new Error(`only ${replies} replies to ${texts.length} messages`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function indexSession(sessionId: string, headSeq = 0) {
  const prisma = await db();
  await prisma.sessionIndex.upsert({
    where: { id: sessionId },
    create: { id: sessionId, userId: "alice", agentId: AGENT, status: "active", createdAt: new Date(), headSeq },
    update: { headSeq },
  });
}

async function indexedRows(sessionId: string) {
  const prisma = await db();
  return prisma.replyIndex.findMany({ where: { sessionId }, orderBy: { seq: "asc" } });
}

/** What the index must hold for a session: exactly its agent-authored messages, with their facts. */
function expected(messages: Message[], sessionId: string) {
  return messages
    .map((m) => replyFacts({ id: sessionId, agentId: AGENT }, m))
    .filter((f) => f !== null)
    .map((f) => ({ seq: f.seq, termination: f.termination, latencyMs: f.latencyMs, length: f.length, byOperator: f.byOperator, at: f.at.toISOString() }));
}

const project = (rows: Awaited<ReturnType<typeof indexedRows>>) =>
  rows.map((r) => ({ seq: r.seq, termination: r.termination, latencyMs: r.latencyMs, length: r.length, byOperator: r.byOperator, at: r.at.toISOString() }));

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "reviews-fleetlm-"));
  await start();
});
afterAll(async () => {
  await server.close();
});

describe("replyFacts", () => {
  const session = { id: "s1", agentId: "bot" };
  const base = { seq: 3, sender_id: "bot", insertedAt: new Date("2026-01-02T03:04:05Z") };
  it("reads termination, latency, text length and the operator marker", () => {
    const facts = replyFacts(session, {
      ...base,
      kind: "assistant",
      content: { parts: [{ type: "step-start" }, { type: "text", text: "héllo" }, { type: "tool-weather", input: {} }, { type: "text", text: "world" }] },
      metadata: { termination: "abort", latency_ms: 812.4 },
    });
    expect(facts).toEqual({ sessionId: "s1", seq: 3, agentId: "bot", termination: "abort", latencyMs: 812, length: "héllo\n\nworld".length, byOperator: false, at: base.insertedAt });
  });
  it("indexes operator replies sent as the agent, and nothing else", () => {
    expect(replyFacts(session, { ...base, kind: "text", content: { text: "a human here" }, metadata: { source: "operator" } })).toMatchObject({ byOperator: true, termination: "finish", latencyMs: null, length: 12 });
    expect(replyFacts(session, { ...base, kind: "text", content: { text: "hi" }, metadata: {} })).toBeNull();
    expect(replyFacts(session, { ...base, sender_id: "alice", kind: "text", content: { text: "hi" }, metadata: { source: "operator" } })).toBeNull();
    expect(messageText({ text: "plain" })).toBe("plain");
  });
});

describe("recordReplies in bulk", () => {
  it("records a catch-up of 3,000 replies at once (beyond the database's bind limit), and again without doubles", async () => {
    const sessionId = `bulk-${Date.now()}`;
    const at = new Date("2026-11-01T00:00:00Z");
    const replies = Array.from({ length: 3_000 }, (_, i) => ({
      id: `m${i}`,
      session_id: sessionId,
      seq: 2 * i + 2,
      sender_id: AGENT,
      recipient_id: "alice",
      kind: "assistant",
      content: { parts: [{ type: "text", text: `answer ${i}` }] },
      metadata: { termination: "finish", latency_ms: 10 },
      inserted_at: "2026-11-01T00:00:00",
      insertedAt: at,
    })) as unknown as Message[];
    expect(await recordReplies({ id: sessionId, agentId: AGENT }, replies)).toBe(3_000);
    expect(await recordReplies({ id: sessionId, agentId: AGENT }, replies)).toBe(0);
    expect((await indexedRows(sessionId)).map((r) => r.seq)).toEqual(replies.map((m) => m.seq));
  });
});

describe("the reply index against the dev server's demo agent", () => {
  it("holds exactly the session's assistant messages, once, after repeated and overlapping recording", async () => {
    const session = await rest.createSession({ userId: "alice", agentId: AGENT });
    await indexSession(session.id);
    await converse(session.id, ["hello", "what is the weather in Paris?", "thanks", "one more", "bye"]);
    const messages = await allMessages(session.id);
    const want = expected(messages, session.id);
    expect(want.length).toBeGreaterThanOrEqual(5);

    // The gateway's shape: overlapping batches, duplicates, out of order, concurrently.
    await Promise.all([
      recordReplies({ id: session.id, agentId: AGENT }, messages.slice(0, 6)),
      recordReplies({ id: session.id, agentId: AGENT }, [...messages.slice(3)].reverse()),
      recordReplies({ id: session.id, agentId: AGENT }, messages),
    ]);
    expect(project(await indexedRows(session.id))).toEqual(want);
    await recordReplies({ id: session.id, agentId: AGENT }, messages);
    expect(project(await indexedRows(session.id))).toEqual(want);
  });

  it("backfills from REST, keeps flags, and has no doubles after a dev-server restart on the same data", async () => {
    resetBackfillState();
    const session = await rest.createSession({ userId: "alice", agentId: AGENT });
    await indexSession(session.id);
    await converse(session.id, ["first", "second", "third"]);
    // An operator reply sent as the agent (what a takeover sends).
    await rest.appendMessage(session.id, { agentId: AGENT, content: { text: "Hi, Sam from support here." }, metadata: { source: "operator", operator_id: "op1" } });

    expect(await backfillReplies(session.id)).toBe(4);
    expect(await backfillReplies(session.id)).toBe(0);
    const before = await allMessages(session.id);
    expect(project(await indexedRows(session.id))).toEqual(expected(before, session.id));
    expect((await indexedRows(session.id)).filter((r) => r.byOperator).length).toBe(1);

    const prisma = await db();
    const first = (await indexedRows(session.id))[0]!;
    await prisma.replyIndex.update({ where: { sessionId_seq: { sessionId: session.id, seq: first.seq } }, data: { flaggedAt: new Date() } });

    await server.close();
    await start();
    resetBackfillState(); // as after a Console restart
    await indexSession(session.id, before.at(-1)!.seq);
    expect(await backfillPending()).toMatchObject({ failed: 0 });
    expect(project(await indexedRows(session.id))).toEqual(expected(before, session.id));

    await converse(session.id, ["after the restart", "and again"]);
    await indexSession(session.id, (await allMessages(session.id)).at(-1)!.seq);
    await backfillPending();
    await backfillPending();
    const after = await allMessages(session.id);
    const rows = await indexedRows(session.id);
    expect(project(rows)).toEqual(expected(after, session.id));
    expect(rows.length).toBe(after.filter((m) => m.kind === "assistant").length + 1);
    expect(rows.find((r) => r.seq === first.seq)!.flaggedAt).not.toBeNull();
  });

  it("reports a FleetLM outage from a backfill pass instead of throwing, and catches up later", async () => {
    resetBackfillState();
    const session = await rest.createSession({ userId: "alice", agentId: AGENT });
    await indexSession(session.id, 5);
    await converse(session.id, ["are you there?"]);
    server.faults.set({ mode: "error500" });
    const warn = console.warn;
    console.warn = () => {};
    try {
      expect((await backfillPending()).failed).toBeGreaterThan(0);
    } finally {
      console.warn = warn;
      server.faults.set({ mode: null });
    }
    await backfillPending();
    expect((await indexedRows(session.id)).length).toBe(1);
  });
});

// Keep the operator import used so the worker DB is set up exactly like the other suites.
void makeOperator;
