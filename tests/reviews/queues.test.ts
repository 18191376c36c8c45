// Score configs and review queues against the dev server's demo agent: validation, versioning, reservations
// (two reviewers never hold the same open item; expiry), true remaining work, and the reviews-needed race.
import { makeOperator, type TestOperator } from "../support/auth";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FleetLMRest, type Message } from "@fleetlm/client";
import { startFleetlmDev, type FleetlmDevServer } from "@fleetlm/dev";
import { db } from "~/db.server";
import { resetEnvCache } from "~/env.server";
import { resetFleetlm } from "~/fleetlm/fleetlm.server";
import { createQueue, nextItem, queueProgress, type QueueDef } from "~/reviews/queues/queues.server";
import { QueueItemRefusedError, ScoreInputError, submitQueueReview } from "~/reviews/queues/queue-review.server";
import { recordReplies } from "~/reviews/reply-index.server";
import { ScoreConfigFormSchema, saveScoreConfig, currentScoreConfigs, ScoreKeyTakenError } from "~/reviews/scores/score-configs.server";
import { checkScore, checkScores, type ScoreConfigView } from "~/reviews/scores/score-types";

let server: FleetlmDevServer;
let rest: FleetLMRest;
let admin: TestOperator;
const agent = `qq-${randomUUID().slice(0, 8)}`;
let replies: { sessionId: string; seq: number }[] = [];

async function replyingSession(): Promise<Message[]> {
  const session = await rest.createSession({ userId: `u-${randomUUID().slice(0, 6)}`, agentId: "demo-agent" });
  await rest.appendMessage(session.id, { userId: session.user_id, content: { text: "hello" } });
  await server.webhooksIdle();
  for (;;) {
    const all = await rest.listMessages(session.id, { limit: 50 });
    if (all.some((m) => m.kind === "assistant")) return all;
    await server.webhooksIdle();
  }
}

beforeAll(async () => {
  server = await startFleetlmDev({ port: 0, demo: true });
  process.env.FLEETLM_URL = server.url;
  resetEnvCache();
  resetFleetlm();
  rest = new FleetLMRest({ baseUrl: server.url });
  admin = await makeOperator("admin");
  // Six sessions with one AI reply each, indexed under this file's own agent id so queues see only them.
  for (let i = 0; i < 6; i++) {
    const messages = await replyingSession();
    const sessionId = messages[0]!.session_id;
    await recordReplies(
      { id: sessionId, agentId: agent },
      messages.map((m) => (m.kind === "assistant" ? { ...m, sender_id: agent } : m)),
    );
  }
  replies = await (await db()).replyIndex.findMany({ where: { agentId: agent }, select: { sessionId: true, seq: true } });
  expect(replies.length).toBe(6);
});
afterAll(async () => {
  await server.close();
});

const config = (over: Partial<ScoreConfigView>): ScoreConfigView => ({
  id: "c",
  key: "k",
  version: 1,
  kind: "numeric",
  label: "Helpfulness",
  description: "",
  rubric: "",
  min: 1,
  max: 5,
  step: 1,
  options: [],
  required: true,
  ...over,
});

describe("score validation", () => {
  it("checks type, range, step and option; names the missing required field", () => {
    const n = config({});
    expect(checkScore(n, "3")).toEqual({ ok: true, value: "3" });
    expect(checkScore(n, "0")).toMatchObject({ ok: false, message: "Helpfulness must be at least 1." });
    expect(checkScore(n, "6")).toMatchObject({ ok: false, message: "Helpfulness must be at most 5." });
    expect(checkScore(n, "2.5")).toMatchObject({ ok: false, message: "Helpfulness goes in steps of 1." });
    expect(checkScore(n, "three")).toMatchObject({ ok: false, message: "Helpfulness must be a number." });
    expect(checkScore(n, "1e3")).toMatchObject({ ok: false });
    expect(checkScore(config({ min: 0, max: 1, step: 0.1 }), "0.3")).toEqual({ ok: true, value: "0.3" }); // float steps
    expect(checkScore(n, "")).toMatchObject({ ok: false, message: "Helpfulness is required." });
    expect(checkScore(config({ required: false }), "")).toEqual({ ok: true, value: "" });
    const c = config({ kind: "categorical", label: "Tone", options: ["polite", "curt"], min: null, max: null, step: null });
    expect(checkScore(c, "curt")).toEqual({ ok: true, value: "curt" });
    expect(checkScore(c, "rude")).toMatchObject({ ok: false, message: "Tone must be one of: polite, curt." });
    const b = config({ kind: "boolean", label: "Resolved", min: null, max: null, step: null });
    expect(checkScore(b, "yes")).toEqual({ ok: true, value: "true" });
    expect(checkScore(b, "maybe")).toMatchObject({ ok: false });
    const all = checkScores([n, { ...c, key: "tone" }], { tone: "curt", extra: "1" });
    expect(all).toEqual({ ok: false, errors: { "score.k": ["Helpfulness is required."], "score.extra": ["“extra” is not a score of this queue."] } });
  });

  it("refuses bad configs with the field named", () => {
    const bad = (form: Record<string, string>) => {
      const r = ScoreConfigFormSchema.safeParse(form);
      return r.success ? null : Object.fromEntries(r.error.issues.map((i) => [i.path.join("."), i.message]));
    };
    expect(bad({ key: "Bad Key", kind: "boolean", label: "x" })).toHaveProperty("key");
    expect(bad({ key: "h", kind: "numeric", label: "x", min: "5", max: "1" })).toHaveProperty("max", "The maximum must be above the minimum.");
    expect(bad({ key: "h", kind: "numeric", label: "x", min: "1", max: "5", step: "0" })).toHaveProperty("step");
    expect(bad({ key: "h", kind: "categorical", label: "x", options: "only" })).toHaveProperty("options");
    expect(bad({ key: "h", kind: "nope", label: "x" })).toHaveProperty("kind");
    expect(bad({ key: "h", kind: "categorical", label: "x", options: "a\nb" })).toBeNull();
  });
});

async function makeScores(suffix: string) {
  const helpful = await saveScoreConfig(
    admin,
    ScoreConfigFormSchema.parse({
      key: `helpful_${suffix}`,
      kind: "numeric",
      label: "Helpfulness",
      min: "1",
      max: "5",
      step: "1",
      required: "on",
      rubric: "5 = solved it",
    }),
    "create",
  );
  const tone = await saveScoreConfig(
    admin,
    ScoreConfigFormSchema.parse({ key: `tone_${suffix}`, kind: "categorical", label: "Tone", options: "polite\ncurt", required: "on" }),
    "create",
  );
  return { helpful, tone };
}

async function queueOf(needed: number, scoreKeys: string[], extra: Partial<{ reviewerIds: string[] }> = {}): Promise<QueueDef> {
  return createQueue(
    admin,
    { name: `q-${randomUUID().slice(0, 8)}`, description: "", scoreKeys, reviewerIds: extra.reviewerIds ?? [], reviewsNeeded: needed, reserveMinutes: 10 },
    { agent },
  );
}

const review = { rating: "good" as const, labels: [], comment: "" };

describe("score versions", () => {
  it("an edit adds a version; past reviews keep theirs; new reviews take the new one", async () => {
    const s = randomUUID().slice(0, 6);
    const { helpful, tone } = await makeScores(s);
    await expect(saveScoreConfig(admin, ScoreConfigFormSchema.parse({ key: `helpful_${s}`, kind: "boolean", label: "x" }), "create")).rejects.toBeInstanceOf(
      ScoreKeyTakenError,
    );
    const queue = await queueOf(2, [helpful.key, tone.key]);
    const first = await makeOperator("auditor");
    const { sessionId, seq } = replies[0]!;
    await submitQueueReview(first, queue, sessionId, seq, review, { [helpful.key]: "4", [tone.key]: "polite" });

    const v2 = await saveScoreConfig(
      admin,
      ScoreConfigFormSchema.parse({ key: helpful.key, kind: "numeric", label: "Helpfulness", min: "0", max: "10", step: "1", required: "on" }),
      "edit",
    );
    expect(v2.version).toBe(2);
    expect((await currentScoreConfigs([helpful.key]))[0]!.id).toBe(v2.id);
    const second = await makeOperator("auditor");
    await submitQueueReview(second, queue, sessionId, seq, review, { [helpful.key]: "9", [tone.key]: "curt" });
    const prisma = await db();
    const scores = await prisma.reviewScore.findMany({ where: { key: helpful.key }, include: { config: true, review: true } });
    const byReviewer = Object.fromEntries(scores.map((x) => [x.review.reviewerId, [x.value, x.config.version, x.config.max]]));
    expect(byReviewer[first.id]).toEqual(["4", 1, 5]);
    expect(byReviewer[second.id]).toEqual(["9", 2, 10]);
    const audits = await prisma.auditEvent.findMany({ where: { targetType: "score_config", details: { contains: helpful.key } } });
    expect(audits.map((a) => a.action).sort()).toEqual(["score_config.create", "score_config.version"]);
  });

  it("refuses a queue review missing a required score or with a bad value, writing nothing", async () => {
    const { helpful, tone } = await makeScores(randomUUID().slice(0, 6));
    const queue = await queueOf(1, [helpful.key, tone.key]);
    const me = await makeOperator("auditor");
    const { sessionId, seq } = replies[1]!;
    const prisma = await db();
    const before = await prisma.review.count({ where: { reviewerId: me.id } });
    const missing = await submitQueueReview(me, queue, sessionId, seq, review, { [tone.key]: "polite" }).catch((e) => e);
    expect(missing).toBeInstanceOf(ScoreInputError);
    expect((missing as ScoreInputError).errors).toEqual({ [`score.${helpful.key}`]: ["Helpfulness is required."] });
    const outOfRange = await submitQueueReview(me, queue, sessionId, seq, review, { [helpful.key]: "7", [tone.key]: "polite" }).catch((e) => e);
    expect((outOfRange as ScoreInputError).errors).toEqual({ [`score.${helpful.key}`]: ["Helpfulness must be at most 5."] });
    expect(await prisma.review.count({ where: { reviewerId: me.id } })).toBe(before);
    expect((await prisma.queueItem.findUniqueOrThrow({ where: { queueId_sessionId_seq: { queueId: queue.id, sessionId, seq } } })).reviewsDone).toBe(0);
  });
});

describe("queue work", () => {
  it("never hands two reviewers the same open item; a reservation expires; remaining work is true", async () => {
    const queue = await queueOf(2, []);
    const [a, b] = await Promise.all([makeOperator("auditor"), makeOperator("auditor")]);
    const [ia, ib] = await Promise.all([nextItem(queue, a), nextItem(queue, b)]);
    expect(ia && ib).toBeTruthy();
    expect(`${ia!.sessionId}:${ia!.seq}`).not.toBe(`${ib!.sessionId}:${ib!.seq}`);
    // Asking again keeps my hold; a third reviewer gets yet another item.
    expect(await nextItem(queue, a)).toMatchObject({ sessionId: ia!.sessionId, seq: ia!.seq });
    const c = await makeOperator("auditor");
    const ic = await nextItem(queue, c);
    expect([ia, ib].map((i) => `${i!.sessionId}:${i!.seq}`)).not.toContain(`${ic!.sessionId}:${ic!.seq}`);
    // b cannot review a's open item; the refusal comes inside the review's transaction, after its labels were
    // written: none of it stays.
    const held = await submitQueueReview(b, queue, ia!.sessionId, ia!.seq, { ...review, labels: ["tone", "policy"] }, {}).catch((e) => e);
    expect(held).toBeInstanceOf(QueueItemRefusedError);
    expect((held as QueueItemRefusedError).reason).toBe("held");
    const prisma = await db();
    expect(await prisma.review.count({ where: { reviewerId: b.id } })).toBe(0);
    expect(await prisma.reviewLabel.count({ where: { review: { reviewerId: b.id } } })).toBe(0);
    // …until a's reservation expires (reserveMinutes = 10): then the first item comes round to someone else.
    const later = new Date(Date.now() + 11 * 60_000);
    const d = await makeOperator("auditor");
    const takenLater = await nextItem(queue, d, { now: later });
    // Every hold lapsed: d gets the first item by rank, which a or b took (they asked at once, so either may hold
    // rank 1), never c's third.
    const key = (i: { sessionId: string; seq: number } | null) => `${i!.sessionId}:${i!.seq}`;
    expect([key(ia), key(ib)]).toContain(key(takenLater));
    const [lapsed, other, item] = key(takenLater) === key(ia) ? [a, b, ia!] : [b, a, ib!];
    // The lapsed holder is refused like anyone else now that d holds the item.
    expect(((await submitQueueReview(lapsed, queue, item.sessionId, item.seq, review, {}).catch((e) => e)) as QueueItemRefusedError).reason).toBe("held");
    await submitQueueReview(d, queue, item.sessionId, item.seq, review, {});
    const p = await queueProgress(queue, d);
    expect(p).toMatchObject({ items: 6, reviewsNeeded: 2, reviewsDone: 1, remaining: 11, itemsComplete: 0, remainingForMe: 5 });
    expect(p.perReviewer).toEqual([{ reviewerId: d.id, name: d.name, done: 1 }]);
    expect((await queueProgress(queue, lapsed)).remainingForMe).toBe(6);
    // The reviewed item is released: a second reviewer may take it now (2 reviews needed).
    await submitQueueReview(lapsed, queue, item.sessionId, item.seq, review, {});
    expect(await queueProgress(queue, lapsed)).toMatchObject({ reviewsDone: 2, remaining: 10, itemsComplete: 1, remainingForMe: 5 });
    expect((await queueProgress(queue, other)).remainingForMe).toBe(5);
  });

  it("20 reviewers asking for work at once: each of the 6 items goes to exactly one, the rest get nothing", async () => {
    const queue = await queueOf(1, []);
    const reviewers = await Promise.all(Array.from({ length: 20 }, () => makeOperator("auditor")));
    const got = await Promise.all(reviewers.map((r) => nextItem(queue, r)));
    const keys = got.filter((g) => g !== null).map((g) => `${g!.sessionId}:${g!.seq}`);
    expect(keys.length).toBe(6);
    expect(new Set(keys).size).toBe(6);
    const held = await (await db()).queueItem.findMany({ where: { queueId: queue.id }, select: { reservedById: true } });
    expect(new Set(held.map((h) => h.reservedById)).size).toBe(6);
  });

  it("20 concurrent reviews of one item end in exactly reviews-needed, the rest refused with nothing written", async () => {
    for (const needed of [1, 3]) {
      const queue = await queueOf(needed, []);
      const { sessionId, seq } = replies[2]!;
      const reviewers = await Promise.all(Array.from({ length: 20 }, () => makeOperator("auditor")));
      const results = await Promise.allSettled(reviewers.map((r) => submitQueueReview(r, queue, sessionId, seq, review, {})));
      const ok = results.filter((r) => r.status === "fulfilled");
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(ok.length).toBe(needed);
      expect(refused.every((r) => r.reason instanceof QueueItemRefusedError && r.reason.reason === "full")).toBe(true);
      const prisma = await db();
      expect((await prisma.queueItem.findUniqueOrThrow({ where: { queueId_sessionId_seq: { queueId: queue.id, sessionId, seq } } })).reviewsDone).toBe(needed);
      expect(await prisma.queueReview.count({ where: { queueId: queue.id } })).toBe(needed);
      // The refused reviewers have no review row (the review and the count are one transaction).
      expect(await prisma.review.count({ where: { sessionId, seq, reviewerId: { in: reviewers.map((r) => r.id) } } })).toBe(needed);
    }
  });
});

describe("agreement and adjudication", () => {
  it("computes alpha and kappa over the items both reviewers rated, lists disagreements, takes the admin's final value", async () => {
    const { helpful, tone } = await makeScores(randomUUID().slice(0, 6));
    const queue = await queueOf(2, [helpful.key, tone.key]);
    const [a, b] = await Promise.all([makeOperator("auditor", { name: "Ann Rater" }), makeOperator("auditor", { name: "Ben Rater" })]);
    // 4 replies rated by both: ratings agree on 3 of 4, tone on 2 of 4; a 5th reply rated by a only.
    const plan: [string, string, string, string, string, string][] = [
      ["good", "good", "4", "4", "polite", "polite"],
      ["good", "good", "5", "4", "polite", "curt"],
      ["bad", "bad", "2", "2", "curt", "curt"],
      ["good", "bad", "3", "1", "polite", "curt"],
    ];
    for (const [i, [ra, rb, ha, hb, ta, tb]] of plan.entries()) {
      const { sessionId, seq } = replies[i]!;
      await submitQueueReview(a, queue, sessionId, seq, { ...review, rating: ra as "good" }, { [helpful.key]: ha, [tone.key]: ta });
      await submitQueueReview(b, queue, sessionId, seq, { ...review, rating: rb as "good" }, { [helpful.key]: hb, [tone.key]: tb });
    }
    await submitQueueReview(a, queue, replies[4]!.sessionId, replies[4]!.seq, review, { [helpful.key]: "1", [tone.key]: "curt" });

    const { queueAgreement, adjudicate, AdjudicationError } = await import("~/reviews/agreement/agreement.server");
    const { cohensKappa, krippendorffAlpha } = await import("~/reviews/agreement/agreement");
    const result = await queueAgreement(queue);
    const by = Object.fromEntries(result.scores.map((s) => [s.key, s]));
    expect(by.rating).toMatchObject({ items: 4, raters: 2, kappa: cohensKappa(plan.map((p) => [p[0], p[1]])) });
    expect(by.rating!.kappa).toBeCloseTo(0.5, 10); // po 0.75, pe 0.5
    expect(by[tone.key]!.alpha).toBeCloseTo(krippendorffAlpha(plan.map((p) => [p[4], p[5]]))!.alpha!, 10);
    expect(by[helpful.key]!.alpha).toBeCloseTo(
      krippendorffAlpha(
        plan.map((p) => [Number(p[2]), Number(p[3])]),
        "interval",
      ).alpha!,
      10,
    );
    expect(by[helpful.key]!.pairs).toEqual([
      expect.objectContaining({ items: 4, aName: expect.stringMatching(/Rater/), bName: expect.stringMatching(/Rater/) }),
    ]);
    expect(by[helpful.key]!.series.reduce((s, w) => s + w.items, 0)).toBe(4);
    const open = result.disagreements.filter((d) => !d.final);
    expect(open.map((d) => `${d.key}:${d.seq}`).length).toBe(1 + 2 + 2); // rating ×1, helpfulness ×2, tone ×2

    const target = open.find((d) => d.key === tone.key)!;
    const bad = await adjudicate(admin, queue, { sessionId: target.sessionId, seq: target.seq, key: tone.key, value: "rude", note: "" }).catch((e) => e);
    expect(bad).toBeInstanceOf(AdjudicationError);
    await adjudicate(admin, queue, { sessionId: target.sessionId, seq: target.seq, key: tone.key, value: "curt", note: "the refusal was abrupt" });
    const after = await queueAgreement(queue);
    expect(after.disagreements.find((d) => d.key === tone.key && d.seq === target.seq && d.sessionId === target.sessionId)!.final).toMatchObject({
      value: "curt",
      note: "the refusal was abrupt",
    });
    expect(await (await db()).auditEvent.count({ where: { action: "review_queue.adjudicate", targetId: queue.id } })).toBe(1);
  });
});
