// Every bar of the quality page opens exactly the replies it counts: for each bar, the queue loader behind its
// link lists as many replies as the bar says (and the right ones).
import { call, makeOperator, request } from "../support/auth";
import { createReviews } from "./seed-reviews";
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { agentQuality } from "~/reviews/quality.server";
import { qualityLinks, type ChartBar } from "~/reviews/quality-links";
import { loader as queueLoader } from "~/routes/reviews._index";

type Item = { sessionId: string; seq: number; termination: string; latencyMs: number | null; byOperator: boolean; reviewedByMe: boolean };

describe("quality chart click-through", () => {
  it("each bar's link lists exactly the replies behind it, reviewed ones included", async () => {
    const agent = `qc-${randomUUID().slice(0, 8)}`;
    const prisma = await db();
    const sessionId = `qc-${randomUUID()}`;
    const now = Date.now();
    // 30 replies over today and yesterday: every 7th by an operator, every 4th aborted, latencies across buckets.
    await prisma.replyIndex.createMany({
      data: Array.from({ length: 30 }, (_, i) => ({
        sessionId,
        seq: i + 1,
        agentId: agent,
        termination: i % 4 === 3 ? "abort" : "finish",
        latencyMs: i % 7 === 6 ? null : [100, 249, 250, 700, 1_500, 3_000, 9_000][i % 7]!,
        length: 5,
        byOperator: i % 7 === 6,
        at: new Date(now - (i % 2) * 86_400_000 - i * 1000),
      })),
    });
    const me = await makeOperator("auditor");
    const other = await makeOperator("auditor");
    await createReviews(prisma, [
      { sessionId, seq: 1, agentId: agent, reviewerId: me.id, rating: "bad", labels: ["tone", "policy"], textSnapshot: "x" },
      { sessionId, seq: 2, agentId: agent, reviewerId: other.id, rating: "bad", labels: ["tone"], textSnapshot: "x" },
      { sessionId, seq: 3, agentId: agent, reviewerId: other.id, rating: "good", labels: ["policy tone"], textSnapshot: "x" },
    ]);
    const to = new Date(now).toISOString().slice(0, 10);
    const from = new Date(now - 86_400_000).toISOString().slice(0, 10);
    const q = await agentQuality(agent, { from, to });
    const links = qualityLinks(q);
    const open = async (bar: ChartBar) => {
      const res = await call(() => queueLoader({ request: request(bar.href!, { as: me }), params: {}, context: {} }));
      expect(res.status).toBe(200);
      return (res.body as { items: Item[] }).items;
    };
    const bars = [...links.aiPerDay, ...links.operatorPerDay, ...links.latency, ...links.terminations, ...links.ratings, ...links.labels];
    expect(bars.reduce((s, b) => s + b.count, 0)).toBeGreaterThan(60);
    for (const bar of bars) {
      if (!bar.href) continue;
      expect(bar.href).toContain("show=all");
      expect((await open(bar)).length, `${bar.name} → ${bar.href}`).toBe(bar.count);
    }
    // Spot checks that the right replies are behind a bar, not just the right number.
    const abort = await open(links.terminations.find((b) => b.name === "abort")!);
    expect(abort.every((i) => i.termination === "abort" && !i.byOperator)).toBe(true);
    const bucket = await open(links.latency.find((b) => b.name === "<250 ms")!);
    expect(bucket.map((i) => i.latencyMs).sort()).toEqual(expect.arrayContaining([100, 249]));
    expect(bucket.every((i) => i.latencyMs! < 250)).toBe(true);
    const bad = await open(links.ratings.find((b) => b.name === "bad")!);
    expect(bad.map((i) => i.seq).sort()).toEqual([1, 2]);
    expect(bad.find((i) => i.seq === 1)!.reviewedByMe).toBe(true);
    // "tone" matches whole label names only ("policy tone" is another label).
    expect((await open(links.labels.find((b) => b.name === "tone")!)).map((i) => i.seq).sort()).toEqual([1, 2]);
    // Colours carry meaning.
    expect(links.ratings.map((b) => [b.name, b.colour])).toEqual([
      ["good", "#16a34a"],
      ["bad", "#dc2626"],
    ]);
    expect(links.terminations.find((b) => b.name === "abort")!.colour).toBe("#dc2626");
    expect(links.terminations.find((b) => b.name === "finish")!.colour).toBe("#16a34a");
  });
});
