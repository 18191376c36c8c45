import { call, makeOperator, request, type TestOperator } from "../support/auth";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { FleetLMRest, type Message } from "@fleetlm/client";
import { startFleetlmDev, type FleetlmDevServer } from "@fleetlm/dev";
import { db } from "~/db.server";
import { resetEnvCache } from "~/env.server";
import { resetFleetlm } from "~/fleetlm/fleetlm.server";
import { messageText } from "~/messages/message-text";
import { action, loader } from "~/routes/reviews.$sessionId.$seq";
import { devStorage } from "../support/dev-storage";

const AGENT = "demo-agent";
let server: FleetlmDevServer;
let rest: FleetLMRest;
let sessionId: string;
let replies: Message[];
let userSeq: number;

beforeAll(async () => {
  server = await startFleetlmDev({ port: 0, demo: true, storage: devStorage() });
  process.env.FLEETLM_URL = server.url;
  resetEnvCache();
  resetFleetlm();
  rest = new FleetLMRest({ baseUrl: server.url });
  const session = await rest.createSession({ userId: "alice", agentId: AGENT });
  sessionId = session.id;
  for (const text of ["hello", "tell me more"]) {
    await rest.appendMessage(sessionId, { userId: "alice", content: { text } });
  }
  await vi.waitFor(
    async () => {
      await server.webhooksIdle();
      const all = await rest.listMessages(sessionId, { limit: 100 });
      replies = all.filter((m) => m.kind === "assistant");
      userSeq = all.find((m) => m.kind === "text")!.seq;
      expect(replies.length, "the demo agent's replies").toBeGreaterThanOrEqual(2);
    },
    { timeout: 25_000, interval: 100 },
  );
});
afterAll(async () => {
  await server.close();
});

function submit(as: TestOperator, seq: number, form: Record<string, string | string[]>, origin?: string | null) {
  return call(() => action({ request: request(`/reviews/${sessionId}/${seq}`, { as, form, origin }), params: { sessionId, seq: String(seq) }, context: {} }));
}
function state(as: TestOperator, seq: number, context = 0) {
  return call(() =>
    loader({ request: request(`/reviews/${sessionId}/${seq}?context=${context}`, { as }), params: { sessionId, seq: String(seq) }, context: {} }),
  );
}
async function reviewCount() {
  return (await db()).review.count({ where: { sessionId } });
}

describe("reviewing a reply", () => {
  it("lets auditors, operators and admins review; snapshots the text; a second submit edits my own review", async () => {
    const seq = replies[0]!.seq;
    for (const role of ["auditor", "operator", "admin"] as const) {
      const me = await makeOperator(role);
      const res = await submit(me, seq, { intent: "review", rating: "bad", labels: ["hallucination", "tone"], comment: "=made up a refund policy" });
      expect(res.status).toBe(200);
      const again = await submit(me, seq, { intent: "review", rating: "good", labels: "tone", comment: "on reflection fine" });
      expect(again.status).toBe(200);
      expect((again.body as { reviewId: string }).reviewId).toBe((res.body as { reviewId: string }).reviewId);
      const view = await state(me, seq);
      expect((view.body as { state: { mine: unknown } }).state.mine).toMatchObject({ rating: "good", labels: ["tone"], comment: "on reflection fine" });
    }
    const prisma = await db();
    const rows = await prisma.review.findMany({ where: { sessionId, seq } });
    expect(rows.length).toBe(3);
    for (const row of rows) {
      expect(row.textSnapshot).toBe(messageText(replies[0]!.content));
      expect(row.agentId).toBe(AGENT);
    }
    const audits = await prisma.auditEvent.findMany({ where: { action: { in: ["review.create", "review.update"] }, targetId: { in: rows.map((r) => r.id) } } });
    expect(audits.map((a) => a.action).sort()).toEqual(["review.create", "review.create", "review.create", "review.update", "review.update", "review.update"]);
  });

  it("answers 404 for someone else's review id, and nothing changes", async () => {
    const seq = replies[1]!.seq;
    const author = await makeOperator("auditor");
    const other = await makeOperator("operator");
    const mine = await submit(author, seq, { intent: "review", rating: "bad", comment: "original" });
    const reviewId = (mine.body as { reviewId: string }).reviewId;
    expect((await submit(other, seq, { intent: "review", rating: "good", comment: "hijack", reviewId })).status).toBe(404);
    expect((await submit(other, seq, { intent: "delete", reviewId })).status).toBe(404);
    const row = await (await db()).review.findUniqueOrThrow({ where: { id: reviewId } });
    expect(row).toMatchObject({ rating: "bad", comment: "original", reviewerId: author.id });
    // The author may delete it.
    expect((await submit(author, seq, { intent: "delete", reviewId })).status).toBe(200);
    expect(await (await db()).review.findUnique({ where: { id: reviewId } })).toBeNull();
  });

  it("refuses bad input with 400 and field errors, writing nothing", async () => {
    const seq = replies[1]!.seq;
    const me = await makeOperator("auditor");
    const before = await reviewCount();
    const cases: [Record<string, string | string[]>, string][] = [
      [{ intent: "review", rating: "meh" }, "rating"],
      [{ intent: "review" }, "rating"],
      [{ intent: "review", rating: "bad", comment: "x".repeat(2001) }, "comment"],
      [{ intent: "review", rating: "bad", labels: ["no such label"] }, "labels"],
      [{ intent: "explode" }, "intent"],
    ];
    for (const [form, field] of cases) {
      const res = await submit(me, seq, form);
      expect(res.status, JSON.stringify(form).slice(0, 80)).toBe(400);
      expect((res.body as { error: Record<string, string[]> }).error[field]).toBeTruthy();
    }
    expect(await reviewCount()).toBe(before);
    // A comment of exactly 2000 characters is fine.
    expect((await submit(me, seq, { intent: "review", rating: "bad", comment: "y".repeat(2000) })).status).toBe(200);
  });

  it("refuses bad labels on an edit with 400 naming labels; the review keeps its labels, rating and comment", async () => {
    const seq = replies[1]!.seq;
    const me = await makeOperator("auditor");
    const first = await submit(me, seq, { intent: "review", rating: "bad", labels: ["tone", "policy", "tone"], comment: "first" });
    expect(first.status).toBe(200);
    const reviewId = (first.body as { reviewId: string }).reviewId;
    const prisma = await db();
    const labelsOf = async () => (await prisma.reviewLabel.findMany({ where: { reviewId }, orderBy: { label: "asc" } })).map((row) => row.label);
    expect(await labelsOf()).toEqual(["policy", "tone"]); // a repeat is one row
    const audits = () => prisma.auditEvent.count({ where: { targetId: reviewId } });
    const auditsBefore = await audits();
    const bad: string[][] = [
      ["tone", "no such label"], // an unknown label beside a known one
      ["tone", "   "], // blank
      ["x".repeat(41)], // too long
      Array.from({ length: 21 }, (_, i) => `label ${i}`), // too many
    ];
    for (const labels of bad) {
      const res = await submit(me, seq, { intent: "review", rating: "good", labels, comment: "second" });
      expect(res.status, JSON.stringify(labels).slice(0, 60)).toBe(400);
      // conform's reply (ADR 190): only the labels field refused.
      const refused = Object.entries((res.body as { error: Record<string, string[] | null> }).error).filter(([, list]) => list?.length);
      expect(refused.map(([name]) => name)).toEqual(["labels"]);
    }
    expect(await labelsOf()).toEqual(["policy", "tone"]);
    expect(await prisma.review.findUniqueOrThrow({ where: { id: reviewId } })).toMatchObject({ rating: "bad", comment: "first" });
    expect(await audits()).toBe(auditsBefore);
    // No labels at all is a good answer: the rows go.
    expect((await submit(me, seq, { intent: "review", rating: "bad", comment: "first" })).status).toBe(200);
    expect(await labelsOf()).toEqual([]);
    expect(((await state(me, seq)).body as { state: { mine: { labels: string[] } } }).state.mine.labels).toEqual([]);
  });

  it("404s for a user message or a seq that does not exist; 403 cross-origin; 404 for a malformed seq", async () => {
    const me = await makeOperator("operator");
    expect((await submit(me, userSeq, { intent: "review", rating: "good" })).status).toBe(404);
    expect((await submit(me, 9999, { intent: "flag" })).status).toBe(404);
    expect((await submit(me, replies[0]!.seq, { intent: "review", rating: "good" }, null)).status).toBe(403);
    const bad = await call(() => loader({ request: request(`/reviews/${sessionId}/abc`, { as: me }), params: { sessionId, seq: "abc" }, context: {} }));
    expect(bad.status).toBe(404);
  });

  it("flags and unflags a reply (any role), audited, and shows who flagged it", async () => {
    const seq = replies[1]!.seq;
    const me = await makeOperator("operator", { name: "Flo Flagger" });
    expect((await submit(me, seq, { intent: "flag" })).status).toBe(200);
    const view = (await state(me, seq)).body as { state: { flagged: { byName: string } | null } };
    expect(view.state.flagged?.byName).toBe("Flo Flagger");
    expect((await submit(me, seq, { intent: "unflag" })).status).toBe(200);
    expect(((await state(me, seq)).body as { state: { flagged: unknown } }).state.flagged).toBeNull();
    const prisma = await db();
    expect(await prisma.auditEvent.count({ where: { actorId: me.id, action: { in: ["reply.flag", "reply.unflag"] } } })).toBe(2);
  });

  it("returns the messages before the reply as context, and a degraded answer when FleetLM is down", async () => {
    const me = await makeOperator("auditor");
    const seq = replies[0]!.seq;
    const ok = (await state(me, seq, 5)).body as { context: { messages: { seq: number; role: string; content: unknown }[]; hasMoreBefore: boolean } };
    expect(ok.context.messages.map((m) => m.seq)).toEqual(Array.from({ length: seq }, (_, i) => i + 1).slice(-6));
    expect(ok.context.messages.at(-1)!.role).toBe("agent");
    expect((ok.context.messages.at(-1)! as unknown as { view: { content: unknown } }).view.content).toEqual(replies[0]!.content); // the whole body, rendered as parts
    // More context down: the messages after the reply too.
    const around = (
      await call(() =>
        loader({ request: request(`/reviews/${sessionId}/${seq}?context=1&after=50`, { as: me }), params: { sessionId, seq: String(seq) }, context: {} }),
      )
    ).body as { context: { messages: { seq: number }[]; hasMoreBefore: boolean } };
    expect(around.context.messages[0]!.seq).toBe(seq - 1);
    expect(around.context.messages.at(-1)!.seq).toBeGreaterThan(seq);
    expect(around.context.hasMoreBefore).toBe(seq - 1 > 1);
    server.faults.set({ mode: "error500" });
    try {
      const down = await state(me, seq, 5);
      expect(down.status).toBe(200);
      expect((down.body as { context: unknown }).context).toEqual({ unavailable: true });
      // A new review needs the reply's text: without the Console's copy of it, a clear 503, nothing written…
      const prisma = await db();
      const copy = await prisma.replySnapshot.findUniqueOrThrow({ where: { sessionId_seq: { sessionId, seq } } });
      expect(copy.text).toBe(messageText(replies[0]!.content)); // taken when the reviewer was shown the reply
      await prisma.replySnapshot.delete({ where: { sessionId_seq: { sessionId, seq } } });
      const before = await reviewCount();
      const res = await submit(await makeOperator("auditor"), seq, { intent: "review", rating: "good" });
      expect(res.status).toBe(503);
      expect(await reviewCount()).toBe(before);
      // …with the copy (the reviewer has the reply on screen), the save works from it and says so.
      await prisma.replySnapshot.create({ data: copy });
      const fromCopy = await submit(await makeOperator("auditor"), seq, { intent: "review", rating: "good" });
      expect(fromCopy.status).toBe(200);
      const saved = await prisma.review.findUniqueOrThrow({ where: { id: (fromCopy.body as { reviewId: string }).reviewId } });
      expect(saved).toMatchObject({ textSnapshot: copy.text, snapshotSource: "cache" });
    } finally {
      server.faults.set({ mode: null });
    }
  });

  it("keeps one review per reviewer when two submits race", async () => {
    const seq = replies[0]!.seq;
    const me = await makeOperator("auditor");
    const results = await Promise.all([
      submit(me, seq, { intent: "review", rating: "good" }),
      submit(me, seq, { intent: "review", rating: "bad" }),
      submit(me, seq, { intent: "review", rating: "bad", comment: "third" }),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(await (await db()).review.count({ where: { sessionId, seq, reviewerId: me.id } })).toBe(1);
  });
});
