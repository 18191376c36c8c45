// Two operators racing on the same thing at the same moment: claims, sends, notes and reviews. Each race is
// run for several rounds with Promise.all (one Node process, one Prisma client: the real server's shape) and
// checked in the database and in FleetLM: one winner, no duplicate, no lost update, an audit event per write.
import { makeOperator, type TestOperator } from "../support/auth";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FleetLMRest, type Message } from "@fleetlm/client";
import { startFleetlmDev, type FleetlmDevServer } from "@fleetlm/dev";
import { db } from "~/db.server";
import { resetEnvCache } from "~/env.server";
import { resetFleetlm } from "~/fleetlm/fleetlm.server";
import * as notes from "~/notes/notes.server";
import * as reviews from "~/reviews/reviews.server";
import * as send from "~/takeover/send.server";
import * as takeover from "~/takeover/takeover.server";

const ROUNDS = 5;
let server: FleetlmDevServer;
let rest: FleetLMRest;
let a: TestOperator;
let b: TestOperator;
let auditor: TestOperator;
const actor = (op: TestOperator) => ({ id: op.id, email: op.email, name: op.name, role: op.role });

beforeAll(async () => {
  server = await startFleetlmDev({ port: 0, demo: true });
  process.env.FLEETLM_URL = server.url;
  resetEnvCache();
  resetFleetlm();
  rest = new FleetLMRest({ baseUrl: server.url });
  a = await makeOperator("operator", { name: "Ann Racer" });
  b = await makeOperator("operator", { name: "Bob Racer" });
  auditor = await makeOperator("auditor", { name: "Ava Auditor" });
});

afterAll(async () => {
  await server?.close();
});

async function newSession(agentId = "race-agent"): Promise<string> {
  return (await rest.createSession({ userId: `race-user-${randomUUID().slice(0, 6)}`, agentId })).id;
}

async function auditCount(action: string, targetId?: string, detail?: string) {
  const prisma = await db();
  return prisma.auditEvent.count({ where: { action, ...(targetId ? { targetId } : {}), ...(detail ? { details: { contains: detail } } : {}) } });
}

describe("claims", () => {
  it("two operators claim the same session at once: one winner, the other told who holds it", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const sessionId = await newSession();
      const results = await Promise.all([a, b].map((op) => takeover.claimTakeover({ sessionId, actor: actor(op) })));
      const winners = results.filter((r) => r.ok);
      expect(winners).toHaveLength(1);
      const loser = results.find((r) => !r.ok)!;
      expect(loser).toMatchObject({ ok: false, status: 409 });
      const winner = winners[0] as Extract<(typeof results)[number], { ok: true }>;
      expect((loser as { reason: string }).reason).toContain(winner.takeover.holder.name);
      const prisma = await db();
      expect(await prisma.takeover.count({ where: { sessionId, activeSessionId: sessionId } })).toBe(1);
      expect(await prisma.takeover.count({ where: { sessionId } })).toBe(1);
      expect(await auditCount("takeover.claim", sessionId)).toBe(1);
    }
  });

  it("the same operator double-claims: one row, the second answer is 'already yours'", async () => {
    const sessionId = await newSession();
    const results = await Promise.all([1, 2, 3].map(() => takeover.claimTakeover({ sessionId, actor: actor(a) })));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.filter((r) => r.ok && !r.already)).toHaveLength(1);
    expect(await (await db()).takeover.count({ where: { sessionId } })).toBe(1);
  });

  it("a release racing a rival's claim: never two active holders, every claim and release audited once", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const sessionId = await newSession();
      expect((await takeover.claimTakeover({ sessionId, actor: actor(a) })).ok).toBe(true);
      const [released, claimed] = await Promise.all([
        takeover.releaseTakeover({ sessionId, actor: actor(a) }),
        takeover.claimTakeover({ sessionId, actor: actor(b) }),
      ]);
      expect(released.ok).toBe(true);
      const prisma = await db();
      const active = await prisma.takeover.findMany({ where: { sessionId, activeSessionId: { not: null } } });
      expect(active.length).toBeLessThanOrEqual(1);
      if (claimed.ok) expect(active.map((t) => t.operatorId)).toEqual([b.id]);
      else expect(active).toEqual([]);
      expect(await auditCount("takeover.release", sessionId)).toBe(1);
      expect(await auditCount("takeover.claim", sessionId)).toBe(claimed.ok ? 2 : 1);
    }
  });
});

describe("sends", () => {
  const byClientId = (messages: Message[], id: string) => messages.filter((m) => (m.metadata as Record<string, unknown>)?.client_message_id === id);

  it("a double-submitted send (same client message id, at once) posts exactly one message", async () => {
    const sessionId = await newSession();
    expect((await takeover.claimTakeover({ sessionId, actor: actor(a) })).ok).toBe(true);
    for (let round = 0; round < ROUNDS; round++) {
      const clientMessageId = randomUUID();
      const results = await Promise.all([1, 2, 3].map(() => send.sendAsOperator({ sessionId, operator: actor(a), clientMessageId, body: `round ${round}` })));
      expect(results.some((r) => r.ok && r.status === "sent")).toBe(true);
      for (const r of results) expect(["sent", "pending"]).toContain((r as { status: string }).status);
      const messages = await rest.listMessages(sessionId, { limit: 1000 });
      expect(byClientId(messages, clientMessageId)).toHaveLength(1);
      expect(await (await db()).sentMessage.count({ where: { clientMessageId } })).toBe(1);
      expect(await auditCount("takeover.send", sessionId, clientMessageId)).toBe(1);
    }
  });

  it("ten different sends at once from the holder all arrive once, in distinct seqs; the rival's sends are refused", async () => {
    const sessionId = await newSession();
    expect((await takeover.claimTakeover({ sessionId, actor: actor(a) })).ok).toBe(true);
    const mine = Array.from({ length: 10 }, () => randomUUID());
    const rivals = Array.from({ length: 3 }, () => randomUUID());
    const results = await Promise.all([
      ...mine.map((id, i) => send.sendAsOperator({ sessionId, operator: actor(a), clientMessageId: id, body: `mine ${i}` })),
      ...rivals.map((id) => send.sendAsOperator({ sessionId, operator: actor(b), clientMessageId: id, body: "rival" })),
    ]);
    expect(results.slice(0, 10).every((r) => r.ok && r.status === "sent")).toBe(true);
    for (const r of results.slice(10)) expect(r.ok).toBe(false);
    const messages = await rest.listMessages(sessionId, { limit: 1000 });
    for (const id of mine) expect(byClientId(messages, id)).toHaveLength(1);
    for (const id of rivals) expect(byClientId(messages, id)).toHaveLength(0);
    const seqs = results.slice(0, 10).map((r) => (r as { seq: number }).seq);
    expect(new Set(seqs).size).toBe(10);
  });

  it("a send racing the sender's own hand-back: the message is posted only if it was accepted before the release", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const sessionId = await newSession();
      const claim = await takeover.claimTakeover({ sessionId, actor: actor(a) });
      expect(claim.ok).toBe(true);
      const clientMessageId = randomUUID();
      const [sent] = await Promise.all([
        send.sendAsOperator({ sessionId, operator: actor(a), clientMessageId, body: "last words" }),
        takeover.releaseTakeover({ sessionId, actor: actor(a) }).then(() => takeover.claimTakeover({ sessionId, actor: actor(b) })),
      ]);
      const posted = byClientId(await rest.listMessages(sessionId, { limit: 1000 }), clientMessageId);
      if (sent.ok) expect(posted).toHaveLength(1);
      else expect(posted.length).toBeLessThanOrEqual(1);
      // Whatever was posted was sent under A's takeover, never B's (the Console's record: end users no longer
      // receive the takeover id by default, ADR 120).
      if (posted.length > 0) {
        const row = await (await db()).sentMessage.findUnique({ where: { clientMessageId } });
        expect(row?.takeoverId).toBe((claim as { takeover: { id: string } }).takeover.id);
      }
    }
  });
});

describe("notes", () => {
  it("a double-submitted note (same client id, at once) is one note", async () => {
    const sessionId = `race-notes-${randomUUID()}`;
    for (let round = 0; round < ROUNDS; round++) {
      const clientId = randomUUID();
      const results = await Promise.all([1, 2, 3].map(() => notes.createNote(actor(a), sessionId, clientId, `note ${round}`)));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.id))).toEqual(new Set([clientId]));
    }
    expect(await (await db()).note.count({ where: { sessionId } })).toBe(ROUNDS);
    expect(await auditCount("note.create", undefined, sessionId)).toBe(ROUNDS);
  });

  it("two operators write notes at once: both kept, each audited once", async () => {
    const sessionId = `race-notes-${randomUUID()}`;
    const writes = Array.from({ length: 20 }, (_, i) => notes.createNote(actor(i % 2 ? a : b), sessionId, randomUUID(), `note ${i}`));
    await Promise.all(writes);
    expect(await (await db()).note.count({ where: { sessionId } })).toBe(20);
    expect(await auditCount("note.create", undefined, sessionId)).toBe(20);
  });

  it("edit racing delete, and a rival editing: no resurrection, the rival never wins, the last edit is kept", async () => {
    const sessionId = `race-notes-${randomUUID()}`;
    const prisma = await db();
    for (let round = 0; round < ROUNDS; round++) {
      const { id } = await notes.createNote(actor(a), sessionId, randomUUID(), "original");
      const outcomes = await Promise.allSettled([
        notes.editNote(actor(a), sessionId, id, "edited by A"),
        notes.editNote(actor(b), sessionId, id, "edited by B"),
        notes.deleteNote(actor(a), sessionId, id),
      ]);
      expect(outcomes[1].status).toBe("rejected"); // B is not the author: it looks missing
      expect(outcomes[2].status).toBe("fulfilled");
      expect(await prisma.note.findUnique({ where: { id } })).toBeNull();
      for (const o of outcomes) if (o.status === "rejected") expect(o.reason).toBeInstanceOf(notes.NoteNotFoundError);
    }
    const { id } = await notes.createNote(actor(a), sessionId, randomUUID(), "v0");
    const bodies = Array.from({ length: 8 }, (_, i) => `v${i + 1}`);
    await Promise.all(bodies.map((body) => notes.editNote(actor(a), sessionId, id, body)));
    const final = await prisma.note.findUniqueOrThrow({ where: { id } });
    expect(bodies).toContain(final.body);
    expect(await auditCount("note.update", id)).toBe(bodies.length);
  });
});

describe("reviews", () => {
  let sessionId = "";
  let seq = 0;

  beforeAll(async () => {
    sessionId = (await rest.createSession({ userId: "race-review-user", agentId: "demo-agent" })).id;
    await rest.appendMessage(sessionId, { userId: "race-review-user", content: { text: "please answer" } });
    await server.webhooksIdle();
    const reply = (await rest.listMessages(sessionId)).find((m) => m.sender_id === "demo-agent" && m.kind === "assistant");
    if (!reply) throw new Error("the demo agent did not answer");
    seq = reply.seq;
  });

  it("two reviewers at once: two reviews, one each; a reviewer's double submit is one review, the last rating kept", async () => {
    const prisma = await db();
    const input = (rating: "good" | "bad", comment: string) => ({ rating, labels: [], comment });
    await Promise.all([
      reviews.submitReview(a, sessionId, seq, input("good", "a1")),
      reviews.submitReview(auditor, sessionId, seq, input("bad", "x1")),
      reviews.submitReview(auditor, sessionId, seq, input("good", "x2")),
      reviews.submitReview(auditor, sessionId, seq, input("bad", "x3")),
    ]);
    const rows = await prisma.review.findMany({ where: { sessionId, seq } });
    expect(rows.map((r) => r.reviewerId).sort()).toEqual([a.id, auditor.id].sort());
    const mine = rows.find((r) => r.reviewerId === auditor.id)!;
    // No lost update: the stored review is one of the submitted ones, and it is the one audited last.
    expect(["x1", "x2", "x3"]).toContain(mine.comment);
    const events = await prisma.auditEvent.findMany({
      where: { targetId: mine.id, action: { in: ["review.create", "review.update"] } },
      orderBy: { id: "asc" },
    });
    expect(events).toHaveLength(3);
    expect(events.filter((e) => e.action === "review.create")).toHaveLength(1);
    expect(JSON.parse(events[events.length - 1].details).rating).toBe(mine.rating);
  });

  it("flag and unflag racing: the stored state is the one audited last", async () => {
    const prisma = await db();
    for (let round = 0; round < ROUNDS; round++) {
      // Clearing another reviewer's flag needs a reason (ADR 113), so the unflags give one.
      await Promise.all([
        reviews.setFlag(a, sessionId, seq, true),
        reviews.setFlag(b, sessionId, seq, false, undefined, "race"),
        reviews.setFlag(auditor, sessionId, seq, round % 2 === 0, undefined, "race"),
      ]);
      const row = await prisma.replyIndex.findUniqueOrThrow({ where: { sessionId_seq: { sessionId, seq } } });
      const last = await prisma.auditEvent.findFirstOrThrow({
        where: { targetId: `${sessionId}:${seq}`, action: { in: ["reply.flag", "reply.unflag"] } },
        orderBy: { id: "desc" },
      });
      expect(row.flaggedAt !== null).toBe(last.action === "reply.flag");
    }
  });
});
