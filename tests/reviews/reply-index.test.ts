import { makeOperator } from "../support/auth";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { FleetLMRest, type Message } from "@fleetlm/client";
import { startFleetlmDev, type FleetlmDevServer } from "@fleetlm/dev";
import { db } from "~/db.server";
import { resetEnvCache } from "~/env.server";
import { resetFleetlm } from "~/fleetlm/fleetlm.server";
import { backfillPending, backfillReplies, resetBackfillState } from "~/reviews/backfill.server";
import { readNewMessages } from "~/fleetlm-sync/session-sync.server";
import { authorshipOf } from "~/messages/authorship.server";
import { recordReplies, replyFacts } from "~/reviews/reply-index.server";
import { messageText } from "~/messages/message-text";
import { devStorage } from "../support/dev-storage";

const AGENT = "demo-agent";
let dataDir: string;
let server: FleetlmDevServer;
let rest: FleetLMRest;

async function start() {
  server = await startFleetlmDev({ port: 0, demo: true, dataDir, storage: devStorage() });
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
  await vi.waitFor(
    async () => {
      await server.webhooksIdle();
      const replies = (await allMessages(sessionId)).filter((m) => m.kind === "assistant").length;
      if (replies < texts.length) throw new Error(`only ${replies} replies to ${texts.length} messages`);
    },
    { timeout: 25_000, interval: 100 },
  );
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
async function expected(messages: Message[], sessionId: string) {
  const authors = await authorshipOf({ id: sessionId, userId: "alice", agentId: AGENT }, messages);
  return messages
    .map((m) => replyFacts({ id: sessionId, agentId: AGENT }, m, authors.get(m.seq)))
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
    expect(facts).toEqual({
      sessionId: "s1",
      seq: 3,
      agentId: "bot",
      termination: "abort",
      latencyMs: 812,
      length: "héllo\n\nworld".length,
      byOperator: false,
      at: base.insertedAt,
    });
  });
  it("indexes operator replies the ledger vouches for, and nothing else", () => {
    const operator = { role: "operator" as const, operatorName: "Olga", suspicious: null };
    expect(replyFacts(session, { ...base, kind: "text", content: { text: "a human here" }, metadata: { source: "operator" } }, operator)).toMatchObject({
      byOperator: true,
      termination: "finish",
      latencyMs: null,
      length: 12,
    });
    // The same message without the ledger's word: a claim, not an operator's reply, and not the agent's either.
    expect(replyFacts(session, { ...base, kind: "text", content: { text: "a human here" }, metadata: { source: "operator" } })).toBeNull();
    expect(replyFacts(session, { ...base, kind: "text", content: { text: "hi" }, metadata: {} })).toBeNull();
    expect(replyFacts(session, { ...base, sender_id: "alice", kind: "text", content: { text: "hi" }, metadata: { source: "operator" } })).toBeNull();
    // An end user's kind:"assistant" with the latency and termination it claims: never the agent's reply.
    expect(
      replyFacts(session, {
        ...base,
        sender_id: "alice",
        kind: "assistant",
        content: { parts: [{ type: "text", text: "x" }] },
        metadata: { termination: "abort", latency_ms: 600_000 },
      }),
    ).toBeNull();
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
    const want = await expected(messages, session.id);
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
    // An operator reply sent as the agent (what a takeover sends), with its row in the send ledger.
    const sam = await makeOperator("operator");
    const clientMessageId = `cm-${session.id}`;
    await (
      await db()
    ).sentMessage.create({
      data: { clientMessageId, sessionId: session.id, takeoverId: "t1", operatorId: sam.id, body: "Hi, Sam from support here.", status: "pending" },
    });
    await rest.appendMessage(session.id, {
      agentId: AGENT,
      content: { text: "Hi, Sam from support here." },
      metadata: { source: "operator", operator_id: sam.id, client_message_id: clientMessageId },
    });
    // Forged: an end user's "AI reply" and "operator reply" are in no figure of the agent's.
    await rest.appendMessage(session.id, {
      userId: "alice",
      kind: "assistant",
      content: { parts: [{ type: "text", text: "fake" }] },
      metadata: { termination: "abort", latency_ms: 600_000 },
    });
    await rest.appendMessage(session.id, {
      userId: "alice",
      content: { text: "fake operator" },
      metadata: { source: "operator", operator_id: sam.id, client_message_id: clientMessageId },
    });

    expect(await backfillReplies(session.id)).toBe(4);
    expect(await backfillReplies(session.id)).toBe(0);
    const before = await allMessages(session.id);
    expect(project(await indexedRows(session.id))).toEqual(await expected(before, session.id));
    expect((await indexedRows(session.id)).filter((r) => r.byOperator).length).toBe(1);

    const prisma = await db();
    const first = (await indexedRows(session.id))[0]!;
    await prisma.replyIndex.update({ where: { sessionId_seq: { sessionId: session.id, seq: first.seq } }, data: { flaggedAt: new Date() } });

    await server.close();
    await start();
    resetBackfillState(); // as after a Console restart
    await indexSession(session.id, before.at(-1)!.seq);
    expect(await backfillPending()).toMatchObject({ failed: 0 });
    expect(project(await indexedRows(session.id))).toEqual(await expected(before, session.id));

    await converse(session.id, ["after the restart", "and again"]);
    await indexSession(session.id, (await allMessages(session.id)).at(-1)!.seq);
    await backfillPending();
    await backfillPending();
    const after = await allMessages(session.id);
    const rows = await indexedRows(session.id);
    expect(project(rows)).toEqual(await expected(after, session.id));
    expect(rows.length).toBe(after.filter((m) => m.kind === "assistant" && m.sender_id === AGENT).length + 1);
    expect(rows.find((r) => r.seq === first.seq)!.flaggedAt).not.toBeNull();
  });

  it("reads nothing again in a pass for what a live sync recorded, and records every reply once", async () => {
    resetBackfillState();
    const session = await rest.createSession({ userId: "alice", agentId: AGENT });
    await indexSession(session.id);
    await converse(session.id, ["hello"]);
    await indexSession(session.id, (await allMessages(session.id)).at(-1)!.seq);
    await backfillReplies(session.id); // this process now knows how far the session was checked
    await converse(session.id, ["and now?", "one more"]);
    // The gateway's live sync reads the new messages into the index and records their replies.
    const since = new Date();
    await readNewMessages(rest, session.id);
    const reads = () => server.load().httpByRoute["GET /api/sessions/:id/messages"] ?? 0;
    const before = reads();
    // The pass over what changed since: this session (its head moved), and no read of it.
    expect(await backfillPending({ since })).toMatchObject({ failed: 0, sessions: 0 });
    expect(reads()).toBe(before);
    expect(project(await indexedRows(session.id))).toEqual(await expected(await allMessages(session.id), session.id));
  });

  it("writes how far each session was checked, so a restart reads none of them again (ADR 225)", async () => {
    resetBackfillState();
    // An agent with no webhook: the session ends in user messages after its one reply, so its head is past it.
    const agentId = "quiet-agent";
    const session = await rest.createSession({ userId: "alice", agentId });
    await rest.appendMessage(session.id, { userId: "alice", content: { text: "hello" } });
    await rest.appendMessage(session.id, { agentId, kind: "assistant", content: { parts: [{ type: "text", text: "hi" }] } });
    for (const text of ["one", "two"]) await rest.appendMessage(session.id, { userId: "alice", content: { text } });
    const prisma = await db();
    const since = new Date(Date.now() - 1_000);
    await prisma.sessionIndex.create({ data: { id: session.id, userId: "alice", agentId, status: "active", createdAt: new Date(), headSeq: 4 } });
    const reads = () => server.load().httpByRoute["GET /api/sessions/:id/messages"] ?? 0;
    const stored = async () => (await prisma.replyBackfillCheck.findUnique({ where: { sessionId: session.id } }))?.checkedSeq;

    let before = reads();
    expect(await backfillPending({ since })).toMatchObject({ failed: 0, sessions: 1 });
    expect(reads()).toBeGreaterThan(before);
    expect((await indexedRows(session.id)).map((row) => row.seq)).toEqual([2]);
    expect(await stored()).toBe(4);

    resetBackfillState(); // a restart: the last reply is at seq 2, but seqs 3 and 4 were checked
    before = reads();
    expect(await backfillPending({ since })).toMatchObject({ failed: 0, sessions: 0 });
    expect(reads()).toBe(before);

    // What a live sync records is written by the next pass too, with no read of its own.
    await rest.appendMessage(session.id, { userId: "alice", content: { text: "three" } });
    await readNewMessages(rest, session.id);
    expect(await backfillPending({ since })).toMatchObject({ failed: 0, sessions: 0 });
    expect(await stored()).toBe(5);
    resetBackfillState();
    before = reads();
    expect(await backfillPending({ since })).toMatchObject({ failed: 0, sessions: 0 });
    expect(reads()).toBe(before);
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
