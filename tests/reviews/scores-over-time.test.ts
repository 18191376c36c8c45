// Score values per day on the agent quality page, on a small seeded set whose figures are worked out by hand:
// counts, means and medians per day, stacked option counts, versions on another scale left out, every bar's
// link opening exactly its replies, and the JSON route refusing bad input.
import { call, makeOperator, request, type TestOperator } from "../support/auth";
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { scoreLinks } from "~/reviews/quality-links";
import { retireScoreConfig, saveScoreConfig, ScoreConfigFormSchema } from "~/reviews/scores/score-configs.server";
import { scoresOverTime, type NumericSeries, type OptionSeries } from "~/reviews/scores-over-time.server";
import { loader as queueLoader } from "~/routes/reviews._index";
import { loader as qualityLoader } from "~/routes/reviews.agents.$agentId";
import { loader as scoresLoader } from "~/routes/reviews.agents.$agentId_.scores";

const agent = `sot-${randomUUID().slice(0, 8)}`;
const sessionId = `sot-${randomUUID()}`;
const range = { from: "2026-11-20", to: "2026-11-22" };
let admin: TestOperator;
let me: TestOperator;

const score = (form: Record<string, string>, mode: "create" | "edit" = "create") =>
  saveScoreConfig(admin, ScoreConfigFormSchema.parse({ required: "on", ...form }), mode);

beforeAll(async () => {
  admin = await makeOperator("admin");
  me = await makeOperator("auditor");
  const [x, y] = await Promise.all([makeOperator("auditor"), makeOperator("auditor")]);
  const prisma = await db();
  // helpful: v1 on 1–5, v2 moves to 0–10 (another scale), v3 only rewrites the rubric (the same scale as v2).
  const h1 = await score({ key: "helpful", kind: "numeric", label: "Helpfulness", min: "1", max: "5", step: "1" });
  const h2 = await score({ key: "helpful", kind: "numeric", label: "Helpfulness", min: "0", max: "10", step: "1" }, "edit");
  const h3 = await score({ key: "helpful", kind: "numeric", label: "Helpfulness", min: "0", max: "10", step: "1", rubric: "10 = solved" }, "edit");
  // tone: v2 adds an option; categorical versions are compared by option name, so both count.
  const t1 = await score({ key: "tone", kind: "categorical", label: "Tone", options: "polite\ncurt" });
  const t2 = await score({ key: "tone", kind: "categorical", label: "Tone", options: "polite\ncurt\nwarm" }, "edit");
  const r1 = await score({ key: "resolved", kind: "boolean", label: "Resolved" });
  await score({ key: "speed", kind: "numeric", label: "Speed", min: "1", max: "3" }); // no values: no chart
  const old = await score({ key: "legacy", kind: "boolean", label: "Legacy" });
  await retireScoreConfig(admin, "legacy"); // retired: not charted, whatever its values

  await prisma.replyIndex.createMany({
    data: Array.from({ length: 5 }, (_, i) => ({
      sessionId,
      seq: i + 1,
      agentId: agent,
      termination: "finish",
      length: 5,
      at: new Date(Date.UTC(2026, 10, 19, 12, i)),
    })),
  });
  const A = new Date("2026-11-20T09:00:00Z");
  const B = new Date("2026-11-21T23:59:00Z");
  type Value = [{ id: string; key: string }, string];
  const write = (reviewerId: string, seq: number, createdAt: Date, values: Value[], agentId = agent) =>
    prisma.review.create({
      data: {
        sessionId,
        seq,
        agentId,
        reviewerId,
        rating: "good",
        textSnapshot: "x",
        createdAt,
        updatedAt: createdAt,
        scores: { create: values.map(([c, value]) => ({ key: c.key, configId: c.id, value })) },
      },
    });
  await write(x.id, 1, A, [
    [h1, "4"],
    [t1, "polite"],
    [r1, "true"],
    [old, "true"],
  ]);
  await write(y.id, 1, A, [
    [h2, "8"],
    [t1, "curt"],
    [r1, "false"],
  ]);
  await write(x.id, 2, A, [
    [h3, "6"],
    [t2, "polite"],
  ]);
  await write(x.id, 5, A, [[h1, "2"]]); // only a v1 (other-scale) value: its reply is behind no bar
  await write(x.id, 3, B, [
    [h3, "3"],
    [t2, "warm"],
    [r1, "true"],
  ]);
  await write(y.id, 3, B, [
    [h3, "10"],
    [t2, "polite"],
    [r1, "true"],
  ]);
  await write(y.id, 4, B, [[h3, "5"]]);
  // Not counted: another agent's review, and one written the day after the range.
  await prisma.review.create({
    data: {
      sessionId: `other-${randomUUID()}`,
      seq: 1,
      agentId: "someone-else",
      reviewerId: x.id,
      rating: "good",
      textSnapshot: "x",
      createdAt: A,
      scores: { create: [{ key: "helpful", configId: h3.id, value: "0" }] },
    },
  });
  await write(me.id, 4, new Date("2026-11-23T00:00:00Z"), [[h3, "0"]]);
});

const openSeqs = async (href: string) => {
  const res = await call(() => queueLoader({ request: request(href, { as: me }), params: {}, context: {} }));
  expect(res.status).toBe(200);
  return (res.body as { items: { seq: number }[] }).items.map((i) => i.seq).sort((a, b) => a - b);
};

describe("scores over time", () => {
  it("counts, means and medians per day; stacked options; another scale left out", async () => {
    const t = await scoresOverTime(agent, range);
    expect(t.scores.map((s) => s.key).sort()).toEqual(["helpful", "resolved", "tone"]);
    expect(t.withoutValues).toEqual(["Speed"]);

    const helpful = t.scores.find((s) => s.key === "helpful") as NumericSeries;
    // Day A: 8 (v2) and 6 → mean 7, p50 (nearest rank) 6; day B: 3, 10, 5 → mean 6, p50 5; v1's 4 and 2 left out.
    expect(helpful).toMatchObject({
      kind: "numeric",
      version: 3,
      versions: [2, 3],
      allVersions: false,
      values: 5,
      replies: 4,
      leftOut: 2,
      min: 0,
      max: 10,
      mean: 6.4,
      p50: 6,
    });
    expect(helpful.days).toEqual([
      { day: "2026-11-20", count: 2, replies: 2, mean: 7, p50: 6 },
      { day: "2026-11-21", count: 3, replies: 2, mean: 6, p50: 5 },
      { day: "2026-11-22", count: 0, replies: 0, mean: null, p50: null },
    ]);

    const tone = t.scores.find((s) => s.key === "tone") as OptionSeries;
    expect(tone).toMatchObject({ kind: "categorical", version: 2, versions: [1, 2], allVersions: true, values: 5, replies: 3, leftOut: 0 });
    expect(tone.options).toEqual([
      { value: "polite", count: 3, replies: 3 },
      { value: "curt", count: 1, replies: 1 },
      { value: "warm", count: 1, replies: 1 },
    ]);
    expect(tone.days.map((d) => [d.day, d.total, d.counts])).toEqual([
      ["2026-11-20", 3, { polite: 2, curt: 1, warm: 0 }],
      ["2026-11-21", 2, { polite: 1, curt: 0, warm: 1 }],
      ["2026-11-22", 0, { polite: 0, curt: 0, warm: 0 }],
    ]);

    const resolved = t.scores.find((s) => s.key === "resolved") as OptionSeries;
    // Both reviewers of reply 3 said yes on day B: 2 values, 1 reply.
    expect(resolved).toMatchObject({
      kind: "boolean",
      values: 4,
      replies: 2,
      options: [
        { value: "true", count: 3, replies: 2 },
        { value: "false", count: 1, replies: 1 },
      ],
    });
    expect(resolved.days[1]).toMatchObject({ counts: { true: 2, false: 0 }, replies: { true: 1, false: 0 } });
  });

  it("every bar opens exactly the replies it counts", async () => {
    const t = await scoresOverTime(agent, range);
    const helpful = scoreLinks(
      t,
      t.scores.find((s) => s.key === "helpful")!,
    );
    expect(helpful.days[0]!.href).toContain("scoreVersions=2%2C3");
    for (const d of helpful.days) expect((await openSeqs(d.href)).length, d.href).toBe(d.replies);
    // Reply 5 has only a v1 value: the version filter keeps it out of day A's bar, as the chart does.
    expect(await openSeqs(helpful.days[0]!.href)).toEqual([1, 2]);
    expect(await openSeqs(helpful.all.href)).toEqual([1, 2, 3, 4]);

    for (const key of ["tone", "resolved"]) {
      const links = scoreLinks(
        t,
        t.scores.find((s) => s.key === key)!,
      );
      for (const o of links.options) expect((await openSeqs(o.href)).length, o.href).toBe(o.replies);
      for (const row of links.perDay) {
        for (const o of links.options) expect((await openSeqs(String(row[`href:${o.value}`]))).length).toBe(row[`r:${o.value}`]);
      }
    }
    const tone = scoreLinks(
      t,
      t.scores.find((s) => s.key === "tone")!,
    );
    expect(tone.options[0]!.href).not.toContain("scoreVersions");
    expect(await openSeqs(String(tone.perDay[0]!["href:polite"]))).toEqual([1, 2]);
    expect(tone.options.map((o) => o.colour)).not.toContain("#16a34a"); // options are not good or bad
    expect(
      scoreLinks(
        t,
        t.scores.find((s) => s.key === "resolved")!,
      ).options.map((o) => o.name),
    ).toEqual(["yes", "no"]);
  });

  it("the page carries the series; the JSON route refuses bad input", async () => {
    const page = await call(() =>
      qualityLoader({ request: request(`/reviews/agents/${agent}?from=${range.from}&to=${range.to}`, { as: me }), params: { agentId: agent }, context: {} }),
    );
    expect((page.body as { scores: { scores: unknown[] } }).scores.scores).toHaveLength(3);

    const json = (query: string, as: TestOperator | null = me) =>
      call(() => scoresLoader({ request: request(`/reviews/agents/${agent}/scores?${query}`, { as }), params: { agentId: agent }, context: {} }));
    const one = await json(`from=${range.from}&to=${range.to}&key=tone`);
    expect(one.status).toBe(200);
    expect((one.body as { scores: { key: string; values: number }[] }).scores).toEqual([expect.objectContaining({ key: "tone", values: 5 })]);
    expect((await json(`from=${range.from}&to=${range.to}`, await makeOperator("operator"))).status).toBe(200); // everyone sees quality
    expect((await json(`from=2026-13-01&to=${range.to}`)).status).toBe(400);
    expect((await json(`from=${range.from}&to=2026-02-30`)).status).toBe(400);
    expect((await json("from=2024-01-01&to=2026-11-22")).status).toBe(400);
    expect((await json(`from=${range.from}&to=${range.to}&key=Not-A-Key`)).status).toBe(400);
    expect((await json(`from=${range.from}&to=${range.to}&key=nosuch`)).status).toBe(404);
    expect((await json(`from=${range.from}&to=${range.to}&key=legacy`)).status).toBe(404); // retired
    expect((await json(`from=${range.from}&to=${range.to}`, null)).status).toBe(302); // to the login page
    const long = await call(() =>
      scoresLoader({ request: request(`/reviews/agents/${"a".repeat(201)}/scores`, { as: me }), params: { agentId: "a".repeat(201) }, context: {} }),
    );
    expect(long.status).toBe(404);

    // A bad score filter in the queue is dropped, and the page says so.
    const queue = await call(() =>
      queueLoader({ request: request(`/reviews?agent=${agent}&show=all&score=Bad!&scoreValue=4`, { as: me }), params: {}, context: {} }),
    );
    expect((queue.body as { problems: string[] }).problems.join(" ")).toContain('"score" must be a score key');
    expect((queue.body as { items: unknown[] }).items).toHaveLength(5);
  });
});
