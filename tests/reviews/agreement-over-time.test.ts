// Agreement over time on a seeded queue (rows written directly, no FleetLM): alpha per week and per day worked
// out by hand from the coincidence matrix, n per point, and the page refusing a bad period.
import { call, makeOperator, request, type TestOperator } from "../support/auth";
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { krippendorffAlpha } from "~/reviews/agreement/agreement";
import { periodOf, queueAgreement } from "~/reviews/agreement/agreement.server";
import { getQueue, type QueueDef } from "~/reviews/queues/queues.server";
import { saveScoreConfig, ScoreConfigFormSchema } from "~/reviews/scores/score-configs.server";
import { loader as agreementLoader } from "~/routes/reviews.queues.$queueId_.agreement";

let queue: QueueDef;
let auditor: TestOperator;
const sessionId = `aot-${randomUUID()}`;
// [seq, day the last review was counted, A's rating, B's rating, A's helpfulness, B's helpfulness]
const plan: [number, string, string, string, string, string][] = [
  [1, "2026-11-17", "good", "good", "4", "4"],
  [2, "2026-11-17", "good", "good", "5", "4"],
  [3, "2026-11-18", "bad", "bad", "2", "2"],
  [4, "2026-11-18", "good", "bad", "3", "1"],
  [5, "2026-11-24", "good", "good", "4", "5"],
  [6, "2026-11-24", "bad", "bad", "1", "1"],
];

beforeAll(async () => {
  const admin = await makeOperator("admin");
  auditor = await makeOperator("auditor");
  const [a, b] = await Promise.all([makeOperator("auditor"), makeOperator("auditor")]);
  const helpful = await saveScoreConfig(
    admin,
    ScoreConfigFormSchema.parse({ key: "helpful", kind: "numeric", label: "Helpfulness", min: "1", max: "5", step: "1", required: "on" }),
    "create",
  );
  const prisma = await db();
  const row = await prisma.reviewQueue.create({ data: { name: `aot-${randomUUID().slice(0, 6)}`, scoreKeys: JSON.stringify(["helpful"]), reviewsNeeded: 2 } });
  queue = (await getQueue(row.id))!;
  for (const [seq, day, ra, rb, ha, hb] of [...plan, [7, "2026-11-24", "good", "", "3", ""] as const]) {
    await prisma.queueItem.create({ data: { queueId: queue.id, sessionId, seq, rank: `1${seq}`, reviewsDone: rb ? 2 : 1 } });
    for (const [who, rating, value, hour] of [
      [a, ra, ha, "09"],
      [b, rb, hb, "15"],
    ] as const) {
      if (!rating) continue; // reply 7 has one review: nothing to compare
      const at = new Date(`${day}T${hour}:00:00Z`);
      const review = await prisma.review.create({
        data: {
          sessionId,
          seq,
          agentId: "aot-agent",
          reviewerId: who.id,
          rating,
          textSnapshot: "x",
          createdAt: at,
          scores: { create: [{ key: "helpful", configId: helpful.id, value }] },
        },
      });
      await prisma.queueReview.create({ data: { queueId: queue.id, sessionId, seq, reviewerId: who.id, reviewId: review.id, at } });
    }
  }
});

describe("agreement over time", () => {
  it("alpha per week and per day, with n per point", async () => {
    expect(periodOf(new Date("2026-11-22T23:00:00Z"), "week")).toBe("2026-11-16"); // Sunday → its Monday
    const weekly = await queueAgreement(queue);
    const rating = weekly.scores.find((s) => s.key === "rating")!;
    // Week of 11-16, ratings gg gg bb gb: o(g,g) = 4, o(b,b) = 2, o(g,b) = o(b,g) = 1; n_g = 5, n_b = 3, n = 8.
    // α = 1 − (n − 1)·D_o / D_e = 1 − 7·2 / (2·5·3) = 8/15. Week of 11-23: gg bb, no disagreement → 1.
    expect(weekly.by).toBe("week");
    expect(rating.series).toEqual([
      { period: "2026-11-16", items: 4, values: 8, raters: 2, alpha: expect.closeTo(8 / 15, 10) },
      { period: "2026-11-23", items: 2, values: 4, raters: 2, alpha: 1 },
    ]);
    // The same math as the whole-queue figure, interval for the numeric score.
    const helpful = weekly.scores.find((s) => s.key === "helpful")!;
    expect(helpful.series[0]!.alpha).toBeCloseTo(
      krippendorffAlpha(
        plan.slice(0, 4).map((p) => [Number(p[4]), Number(p[5])]),
        "interval",
      ).alpha!,
      10,
    );
    expect(helpful.items).toBe(6);

    const daily = await queueAgreement(queue, { by: "day" });
    // 11-17: gg gg, one value only → 1 (by convention, no disagreement); 11-18: bb gb: n_b = 3, n_g = 1, n = 4,
    // D_o = 2, D_e = 2·3·1 = 6 → α = 1 − 3·2/6 = 0.
    expect(daily.scores.find((s) => s.key === "rating")!.series.map((p) => [p.period, p.items, p.alpha])).toEqual([
      ["2026-11-17", 2, 1],
      ["2026-11-18", 2, 0],
      ["2026-11-24", 2, 1],
    ]);
  });

  it("the page takes ?by=week|day and refuses anything else", async () => {
    const page = (query: string, as: TestOperator = auditor, id = queue.id) =>
      call(() => agreementLoader({ request: request(`/reviews/queues/${id}/agreement${query}`, { as }), params: { queueId: id }, context: {} }));
    const daily = await page("?by=day");
    expect(daily.status).toBe(200);
    expect((daily.body as { by: string; scores: { series: unknown[] }[] }).scores[0]!.series).toHaveLength(3);
    expect(((await page("")).body as { by: string }).by).toBe("week");
    expect((await page("?by=month")).status).toBe(400);
    expect((await page("?by=day", await makeOperator("operator"))).status).toBe(403);
    expect((await page("?by=day", auditor, "no-such-queue")).status).toBe(404);
  });
});
