import { call, makeOperator, request } from "../support/auth";
import { createReviews } from "./seed-reviews";
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { agentQuality, percentile } from "~/reviews/quality.server";
import { action as labelsAction, loader as labelsLoader } from "~/routes/admin.review-labels";
import { loader as queueLoader } from "~/routes/reviews._index";
import { loader as qualityLoader } from "~/routes/reviews.agents.$agentId";

type Item = { sessionId: string; seq: number; flaggedAt: string | null; reviewedByMe: boolean };

async function seedReplies(agentId: string, n: number, at = (i: number) => new Date(Date.UTC(2026, 10, 20, 12, 0, i))) {
  const prisma = await db();
  const sessionId = `q-${randomUUID()}`;
  await prisma.replyIndex.createMany({
    data: Array.from({ length: n }, (_, i) => ({
      sessionId,
      seq: i + 1,
      agentId,
      termination: i % 4 === 3 ? "abort" : "finish",
      // the agent sends latency_ms for some replies; the Console measures every one
      latencyMs: i % 2 ? null : (i + 1) * 100,
      consoleLatencyMs: (i + 1) * 100,
      length: 10,
      byOperator: i % 5 === 4,
      at: at(i),
    })),
  });
  return sessionId;
}

async function queue(as: Awaited<ReturnType<typeof makeOperator>>, query: string) {
  return call(() => queueLoader({ request: request(`/reviews?${query}`, { as }), params: {}, context: {} }));
}

describe("review queue", () => {
  it("lists my unreviewed replies, flagged first, with the URL's filters", async () => {
    const agent = `qa-${randomUUID().slice(0, 8)}`;
    const sessionId = await seedReplies(agent, 20);
    const me = await makeOperator("auditor");
    const other = await makeOperator("operator");
    const prisma = await db();
    await prisma.replyIndex.update({ where: { sessionId_seq: { sessionId, seq: 2 } }, data: { flaggedAt: new Date(), flaggedById: other.id } });
    for (const [reviewerId, seq] of [
      [me.id, 20],
      [me.id, 19],
      [other.id, 18],
    ] as const) {
      await prisma.review.create({ data: { sessionId, seq, agentId: agent, reviewerId, rating: "good", textSnapshot: "x" } });
    }
    const res = await queue(me, `agent=${agent}`);
    expect(res.status).toBe(200);
    const items = (res.body as { items: Item[] }).items;
    expect(items[0]!.seq).toBe(2);
    expect(items.map((i) => i.seq)).not.toContain(20);
    expect(items.map((i) => i.seq)).not.toContain(19);
    expect(items.map((i) => i.seq)).toContain(18); // someone else's review does not hide it from me
    expect(items.length).toBe(18);
    expect(items.slice(1).map((i) => i.seq)).toEqual([18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 1]);

    const seqs = async (q: string) => ((await queue(me, `agent=${agent}&${q}`)).body as { items: Item[] }).items.map((i) => i.seq).sort((a, b) => a - b);
    expect(await seqs("termination=abort")).toEqual([4, 8, 12, 16]);
    expect(await seqs("minLatency=1500")).toEqual([16, 17, 18]);
    expect(await seqs("author=operator")).toEqual([5, 10, 15]);
    expect(await seqs("flagged=1")).toEqual([2]);
    expect(await seqs("from=2026-11-21")).toEqual([]);
    expect(await seqs("from=2026-11-20&to=2026-11-20&termination=banana")).toHaveLength(18); // bad values are dropped
  });

  it("samples with a seed in the URL: stable while I work, different for another seed", async () => {
    const agent = `qs-${randomUUID().slice(0, 8)}`;
    await seedReplies(agent, 60);
    const me = await makeOperator("auditor");
    const redirected = await queue(me, `agent=${agent}&sample=10`);
    expect(redirected.status).toBe(302);
    const location = redirected.headers.get("location")!;
    expect(location).toMatch(/seed=[A-Za-z0-9_-]+/);

    const pick = async (seed: string) => ((await queue(me, `agent=${agent}&sample=10&seed=${seed}`)).body as { items: Item[] }).items;
    const first = await pick("abc");
    expect(first.length).toBe(10);
    const prisma = await db();
    await prisma.review.create({
      data: { sessionId: first[0]!.sessionId, seq: first[0]!.seq, agentId: agent, reviewerId: me.id, rating: "bad", textSnapshot: "x" },
    });
    const again = await pick("abc");
    expect(again.map((i) => i.seq)).toEqual(first.map((i) => i.seq));
    expect(again[0]!.reviewedByMe).toBe(true);
    expect((await pick("xyz")).map((i) => i.seq)).not.toEqual(first.map((i) => i.seq));
  });
});

describe("agent quality", () => {
  it("computes percentiles, terminations, bad share by label and takeover rate", async () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);

    const agent = `ql-${randomUUID().slice(0, 8)}`;
    const day = new Date().toISOString().slice(0, 10);
    const sessionId = await seedReplies(agent, 20, (i) => new Date(Date.now() - i * 1000));
    const prisma = await db();
    const reviewer = await makeOperator("auditor");
    await createReviews(prisma, [
      { sessionId, seq: 1, agentId: agent, reviewerId: reviewer.id, rating: "bad", labels: ["tone", "policy"], textSnapshot: "x" },
      { sessionId, seq: 2, agentId: agent, reviewerId: reviewer.id, rating: "bad", labels: ["tone"], textSnapshot: "x" },
      { sessionId, seq: 3, agentId: agent, reviewerId: reviewer.id, rating: "good", textSnapshot: "x" },
      { sessionId, seq: 4, agentId: agent, reviewerId: reviewer.id, rating: "good", textSnapshot: "x" },
    ]);
    const other = `qs-${randomUUID()}`;
    await prisma.sessionIndex.createMany({
      data: [
        { id: sessionId, userId: "u", agentId: agent, status: "active", createdAt: new Date(Date.now() - 86_400_000), lastActivityAt: new Date() },
        { id: other, userId: "u", agentId: agent, status: "active", createdAt: new Date(Date.now() - 86_400_000), lastActivityAt: new Date() },
      ],
    });
    await prisma.takeover.create({ data: { sessionId, operatorId: reviewer.id } });

    const q = await agentQuality(agent, { from: day, to: day });
    expect(q.replies).toEqual({ total: 20, ai: 16, operator: 4 });
    // AI latencies: 100..2000 ms without every 5th (operator) reply.
    const ai = Array.from({ length: 20 }, (_, i) => i)
      .filter((i) => i % 5 !== 4)
      .map((i) => (i + 1) * 100);
    expect(q.latency.p50).toBe(percentile(ai, 50));
    expect(q.latency.p95).toBe(percentile(ai, 95));
    expect(q.latency.buckets.reduce((s, b) => s + b.count, 0)).toBe(16);
    expect(q.latency).toMatchObject({ measured: 16, agentReported: 8, ttftMeasured: 0 });
    expect(q.lostMessages).toBe(0);
    expect(q.terminations.finish + q.terminations.abort).toBe(16);
    expect(q.ratings).toMatchObject({ reviews: 4, good: 2, bad: 2, badShare: 0.5 });
    expect(q.ratings.labels).toEqual([
      { label: "tone", count: 2, share: 0.5 },
      { label: "policy", count: 1, share: 0.25 },
    ]);
    expect(q.takeovers).toEqual({ sessions: 2, takenOver: 1, rate: 0.5 });

    const page = await call(() =>
      qualityLoader({ request: request(`/reviews/agents/${agent}?from=${day}&to=${day}`, { as: reviewer }), params: { agentId: agent }, context: {} }),
    );
    expect(page.status).toBe(200);
    expect((page.body as { quality: { ratings: { bad: number } } }).quality.ratings.bad).toBe(2);
  });
});

describe("admin review labels", () => {
  it("is admin-only; validates names and hotkeys (400, nothing written); creates audited labels", async () => {
    const admin = await makeOperator("admin");
    for (const role of ["auditor", "operator"] as const) {
      const as = await makeOperator(role);
      expect((await call(() => labelsLoader({ request: request("/admin/review-labels", { as }), params: {}, context: {} }))).status).toBe(403);
      expect(
        (await call(() => labelsAction({ request: request("/admin/review-labels", { as, form: { intent: "create", name: "x" } }), params: {}, context: {} })))
          .status,
      ).toBe(403);
    }
    const labels = (
      (await call(() => labelsLoader({ request: request("/admin/review-labels", { as: admin }), params: {}, context: {} }))).body as {
        labels: { name: string; hotkey: string }[];
      }
    ).labels;
    expect(labels.map((l) => l.name)).toEqual(
      expect.arrayContaining(["wrong answer", "hallucination", "policy", "tone", "tool misuse", "should have handed over"]),
    );
    const prisma = await db();
    const before = await prisma.reviewLabelDef.count();
    const post = (form: Record<string, string>) =>
      call(() => labelsAction({ request: request("/admin/review-labels", { as: admin, form }), params: {}, context: {} }));
    for (const [form, field] of [
      [{ intent: "create", name: "", hotkey: "" }, "name"],
      [{ intent: "create", name: "a,b", hotkey: "" }, "name"],
      [{ intent: "create", name: "new one", hotkey: "j" }, "hotkey"],
      [{ intent: "create", name: "new one", hotkey: "ab" }, "hotkey"],
      [{ intent: "create", name: "new one", hotkey: labels[0]!.hotkey }, "hotkey"],
      [{ intent: "create", name: "tone", hotkey: "" }, "name"],
    ] as const) {
      const res = await post(form);
      expect(res.status, JSON.stringify(form)).toBe(400);
      expect((res.body as { error: Record<string, string[]> }).error[field]).toBeTruthy(); // conform's reply (ADR 190)
    }
    expect(await prisma.reviewLabelDef.count()).toBe(before);
    const name = `rude ${randomUUID().slice(0, 4)}`;
    expect((await post({ intent: "create", name, hotkey: "" })).status).toBe(302);
    const created = await prisma.reviewLabelDef.findUniqueOrThrow({ where: { name } });
    expect(await prisma.auditEvent.count({ where: { action: "review_label.create", targetId: created.id } })).toBe(1);
    expect((await post({ intent: "delete", id: created.id })).status).toBe(302);
    expect((await post({ intent: "delete", id: created.id })).status).toBe(404);
  });
});
