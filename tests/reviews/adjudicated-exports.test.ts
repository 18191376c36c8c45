// Final (adjudicated) values in the exports, on rows written directly (no FleetLM): the reviews CSV and the
// dataset CSV keep what the reviewer wrote and add the final rating and scores, which keys an admin settled, by
// whom and when (the newest decision when a reply was settled in two queues); JSONL stays a bare training file
// unless asked for metadata; bad input is refused.
import { call, makeOperator, request, type TestOperator } from "../support/auth";
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { adjudicate } from "~/reviews/agreement/agreement.server";
import { getQueue, type QueueDef } from "~/reviews/queues/queues.server";
import { saveScoreConfig, ScoreConfigFormSchema } from "~/reviews/scores/score-configs.server";
import { loader as datasetExport } from "~/routes/reviews.datasets_.$datasetId.export";
import { loader as reviewsExport } from "~/routes/reviews.export";
import { action as agreementAction } from "~/routes/reviews.queues.$queueId_.agreement";
import { parseCsv } from "./parse-csv";

const agent = `adj-${randomUUID().slice(0, 8)}`;
const sessionId = `adj-${randomUUID()}`;
let admin: TestOperator;
let admin2: TestOperator;
let auditor: TestOperator;
let ann: TestOperator;
let first: QueueDef;
let second: QueueDef;
let datasetId: string;
let decidedAt: { rating: Date; tone: Date };

async function queueOf(items: number[]) {
  const prisma = await db();
  const row = await prisma.reviewQueue.create({
    data: { name: `adj-${randomUUID().slice(0, 6)}`, scoreKeys: JSON.stringify(["helpful", "tone"]), reviewsNeeded: 2 },
  });
  for (const seq of items) await prisma.queueItem.create({ data: { queueId: row.id, sessionId, seq, rank: `1${seq}`, reviewsDone: 2 } });
  return (await getQueue(row.id))!;
}

beforeAll(async () => {
  [admin, admin2, auditor, ann] = await Promise.all([
    makeOperator("admin"),
    makeOperator("admin"),
    makeOperator("auditor"),
    makeOperator("auditor", { name: "Ann" }),
  ]);
  const ben = await makeOperator("auditor", { name: "Ben" });
  const helpful = await saveScoreConfig(
    admin,
    ScoreConfigFormSchema.parse({ key: "helpful", kind: "numeric", label: "Helpfulness", min: "1", max: "5", step: "1", required: "on" }),
    "create",
  );
  const tone = await saveScoreConfig(
    admin,
    ScoreConfigFormSchema.parse({ key: "tone", kind: "categorical", label: "Tone", options: "polite\ncurt", required: "on" }),
    "create",
  );
  const prisma = await db();
  const write = (reviewer: TestOperator, seq: number, rating: string, h: string, t: string) =>
    prisma.review.create({
      data: {
        id: `adj-${reviewer.name}-${seq}-${randomUUID().slice(0, 4)}`,
        sessionId,
        seq,
        agentId: agent,
        reviewerId: reviewer.id,
        rating,
        textSnapshot: `reply ${seq}`,
        scores: {
          create: [
            { key: "helpful", configId: helpful.id, value: h },
            { key: "tone", configId: tone.id, value: t },
          ],
        },
      },
    });
  // Reply 1: Ann and Ben disagree on the rating and the tone; reply 2: Ann alone, nothing to settle.
  await write(ann, 1, "good", "4", "polite");
  await write(ben, 1, "bad", "2", "curt");
  await write(ann, 2, "good", "5", "polite");
  first = await queueOf([1, 2]);
  second = await queueOf([1]);
  await adjudicate(admin, first, { sessionId, seq: 1, key: "rating", value: "bad", note: "" });
  await adjudicate(admin, first, { sessionId, seq: 1, key: "tone", value: "curt", note: "abrupt" });
  await new Promise((r) => setTimeout(r, 10));
  // The same reply settled again in another queue, later: that decision is the final one.
  await adjudicate(admin2, second, { sessionId, seq: 1, key: "tone", value: "polite", note: "on reflection" });
  const decisions = await prisma.adjudication.findMany({ where: { sessionId, seq: 1 } });
  decidedAt = { rating: decisions.find((d) => d.key === "rating")!.at, tone: decisions.find((d) => d.key === "tone" && d.queueId === second.id)!.at };

  const dataset = await prisma.dataset.create({ data: { name: `adj-${randomUUID().slice(0, 6)}`, createdById: auditor.id } });
  datasetId = dataset.id;
  for (const [seq, rating, values] of [
    [1, "good", { helpful: "4", tone: "polite" }],
    [2, "good", { helpful: "5", tone: "polite" }],
  ] as const) {
    await prisma.datasetItem.create({
      data: {
        datasetId,
        sessionId,
        seq,
        messages: JSON.stringify([{ role: "user", content: `question ${seq}` }]),
        reply: `reply ${seq}`,
        rating,
        addedById: auditor.id,
        scores: JSON.stringify({
          reviewer: "Ann",
          labels: [],
          values: Object.fromEntries(Object.entries(values).map(([k, value]) => [k, { value, version: 1 }])),
        }),
      },
    });
  }
});

const csvOf = async (response: Response) => {
  const rows = parseCsv(await response.text());
  return rows
    .slice(1)
    .filter((r) => r.length > 1)
    .map((r) => Object.fromEntries(rows[0]!.map((h, i) => [h, r[i]])));
};

describe("adjudicated values in the exports", () => {
  it("the reviews CSV keeps each reviewer's values and adds the final ones, with who and when", async () => {
    const rows = await csvOf(
      (await reviewsExport({ request: request(`/reviews/export?agent=${agent}`, { as: auditor }), params: {}, context: {} })) as Response,
    );
    expect(rows).toHaveLength(3);
    const annOn1 = rows.find((r) => r.seq === "1" && r.reviewer_name === "Ann")!;
    expect(annOn1).toMatchObject({
      rating: "good",
      scores: "helpful=4 (v1); tone=polite (v1)",
      final_rating: "bad",
      final_scores: "helpful=4 (v1); tone=polite (adjudicated)",
      adjudicated: "rating; tone",
      adjudicated_by: `${admin.email}; ${admin2.email}`,
      adjudicated_at: `${decidedAt.rating.toISOString()}; ${decidedAt.tone.toISOString()}`,
    });
    // Ben's row: the same final values for the same reply, his own beside them.
    expect(rows.find((r) => r.seq === "1" && r.reviewer_name === "Ben")).toMatchObject({
      rating: "bad",
      scores: "helpful=2 (v1); tone=curt (v1)",
      final_rating: "bad",
      final_scores: "helpful=2 (v1); tone=polite (adjudicated)",
    });
    expect(rows.find((r) => r.seq === "2")).toMatchObject({
      final_rating: "good",
      final_scores: "helpful=5 (v1); tone=polite (v1)",
      adjudicated: "",
      adjudicated_by: "",
      adjudicated_at: "",
    });
  });

  it("the dataset CSV and (with meta=1) JSONL carry the final values; plain JSONL stays a training file", async () => {
    const get = (query: string, as: TestOperator = auditor) =>
      call(() => datasetExport({ request: request(`/reviews/datasets/${datasetId}/export?${query}`, { as }), params: { datasetId }, context: {} }));
    const exportAs = (query: string) =>
      datasetExport({
        request: request(`/reviews/datasets/${datasetId}/export?${query}`, { as: auditor }),
        params: { datasetId },
        context: {},
      }) as Promise<Response>;
    const rows = await csvOf(await exportAs("format=csv"));
    expect(rows.map((r) => [r.seq, r.rating, r.scores, r.final_rating, r.final_scores, r.adjudicated, r.adjudicated_by])).toEqual([
      ["1", "good", "helpful=4 (v1); tone=polite (v1)", "bad", "helpful=4 (v1); tone=polite (adjudicated)", "rating; tone", `${admin.email}; ${admin2.email}`],
      ["2", "good", "helpful=5 (v1); tone=polite (v1)", "good", "helpful=5 (v1); tone=polite (v1)", "", ""],
    ]);

    const plain = (await (await exportAs("format=jsonl")).text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(plain.map((l) => Object.keys(l))).toEqual([["messages"], ["messages"]]);
    const withMeta = (await (await exportAs("format=jsonl&meta=1")).text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { messages: unknown[]; metadata: Record<string, unknown> });
    expect(withMeta[0]!.messages).toEqual(plain[0]!.messages);
    expect(withMeta[0]!.metadata).toEqual({
      session_id: sessionId,
      seq: 1,
      rating: "good",
      final_rating: "bad",
      labels: [],
      scores: { helpful: "4", tone: "polite" },
      final_scores: { helpful: "4", tone: "polite" },
      adjudicated: expect.arrayContaining([
        { key: "rating", value: "bad", by: admin.email, at: decidedAt.rating.toISOString() },
        { key: "tone", value: "polite", by: admin2.email, at: decidedAt.tone.toISOString() },
      ]),
    });
    expect(withMeta[1]!.metadata).toMatchObject({ final_rating: "good", adjudicated: [] });

    expect((await get("format=jsonl&meta=2")).status).toBe(400);
    expect((await get("format=csv&meta=1")).status).toBe(400);
    expect((await get("format=xml")).status).toBe(400);
    expect((await get("format=csv", await makeOperator("operator"))).status).toBe(403);
  });

  it("a final value outside the score is refused with nothing written; a bad export date is a 400", async () => {
    const prisma = await db();
    const before = await prisma.adjudication.count();
    const res = await call(() =>
      agreementAction({
        request: request(`/reviews/queues/${first.id}/agreement`, { as: admin, form: { sessionId, seq: "1", key: "tone", value: "rude" } }),
        params: { queueId: first.id },
        context: {},
      }),
    );
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain("Tone must be one of: polite, curt.");
    expect(
      (
        await call(() =>
          agreementAction({
            request: request(`/reviews/queues/${first.id}/agreement`, { as: auditor, form: { sessionId, seq: "1", key: "tone", value: "curt" } }),
            params: { queueId: first.id },
            context: {},
          }),
        )
      ).status,
    ).toBe(403);
    expect(await prisma.adjudication.count()).toBe(before);
    expect(
      (await call(() => reviewsExport({ request: request(`/reviews/export?agent=${agent}&from=2026-02-30`, { as: auditor }), params: {}, context: {} })))
        .status,
    ).toBe(400);
  });
});
