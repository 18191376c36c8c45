// Agreement of a queue's reviewers, per score (the good/bad rating counts as one): Krippendorff's alpha over
// every item with two or more reviews (Cohen's kappa too when exactly two reviewers rated), Cohen's kappa per
// reviewer pair on the items both rated, agreement per week or per day, and the items where reviewers disagree — with the
// admin's adjudicated value, which is the item's final value.
import { z } from "zod";
import { audit, type AuditActor } from "~/audit/audit.server";
import { db } from "~/db.server";
import { RatingSchema } from "~/lib/vocabulary";
import type { QueueDef } from "../queues/queues.server";
import { currentScoreConfigs } from "../scores/score-configs.server";
import { checkScore, type ScoreConfigView } from "../scores/score-types";
import { cohensKappa, krippendorffAlpha, type Level } from "./agreement";
import type { AdjudicationSchema } from "./adjudication-form";

export const RATING_KEY = "rating";

type Rated = { sessionId: string; seq: number; reviewerId: string; at: Date; values: Record<string, string> };

const BATCH = 500;

/** Every counted review of the queue with its values, read in keyset batches of the queue's reviews. */
async function queueRatings(queue: QueueDef): Promise<Rated[]> {
  const prisma = await db();
  const out: Rated[] = [];
  let cursor: { queueId: string; sessionId: string; seq: number; reviewerId: string } | undefined;
  for (;;) {
    const slice = await prisma.queueReview.findMany({
      where: { queueId: queue.id },
      select: { sessionId: true, seq: true, reviewerId: true, reviewId: true, at: true },
      orderBy: [{ sessionId: "asc" }, { seq: "asc" }, { reviewerId: "asc" }],
      take: BATCH,
      ...(cursor ? { cursor: { queueId_sessionId_seq_reviewerId: cursor }, skip: 1 } : {}),
    });
    const reviews = await prisma.review.findMany({
      where: { id: { in: slice.map((c) => c.reviewId) } },
      select: { id: true, rating: true, scores: { select: { key: true, value: true } } },
    });
    const byId = new Map(reviews.map((r) => [r.id, r]));
    for (const c of slice) {
      const r = byId.get(c.reviewId);
      if (!r) continue;
      out.push({
        sessionId: c.sessionId,
        seq: c.seq,
        reviewerId: c.reviewerId,
        at: c.at,
        values: { [RATING_KEY]: r.rating, ...Object.fromEntries(r.scores.map((s) => [s.key, s.value])) },
      });
    }
    if (slice.length < BATCH) break;
    const last = slice[slice.length - 1]!;
    cursor = { queueId: queue.id, sessionId: last.sessionId, seq: last.seq, reviewerId: last.reviewerId };
  }
  return out;
}

export type ScoreAgreement = {
  key: string;
  label: string;
  level: Level;
  /** Items with two or more values for this score. */
  items: number;
  raters: number;
  alpha: number | null;
  /** Pairable values (n in Krippendorff's terms). */
  values: number;
  kappa: number | null;
  pairs: { a: string; b: string; aName: string; bName: string; items: number; kappa: number | null }[];
  /** Alpha per period (`AgreementPeriod`), each over the items whose last counted review fell in it. */
  series: AgreementPoint[];
};

export type AgreementPeriod = "week" | "day";
export const AgreementPeriodSchema = z.enum(["week", "day"]);

/** One point of agreement over time: `period` is the day, or the Monday of the week (UTC). */
export type AgreementPoint = { period: string; items: number; values: number; raters: number; alpha: number | null };

export type Disagreement = {
  sessionId: string;
  seq: number;
  key: string;
  label: string;
  values: { reviewerId: string; name: string; value: string }[];
  final: { value: string; adminName: string; note: string; at: string } | null;
};

/** The UTC day, or the Monday of its week. */
export function periodOf(d: Date, by: AgreementPeriod): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  if (by === "week") t.setUTCDate(t.getUTCDate() - ((t.getUTCDay() + 6) % 7));
  return t.toISOString().slice(0, 10);
}

export async function queueAgreement(
  queue: QueueDef,
  options: { by?: AgreementPeriod } = {},
): Promise<{ by: AgreementPeriod; scores: ScoreAgreement[]; disagreements: Disagreement[] }> {
  const by = options.by ?? "week";
  const prisma = await db();
  const [ratings, configs, adjudications] = await Promise.all([
    queueRatings(queue),
    currentScoreConfigs(queue.scoreKeys),
    prisma.adjudication.findMany({ where: { queueId: queue.id } }),
  ]);
  const names = new Map(
    (
      await prisma.operator.findMany({
        where: { id: { in: [...new Set([...ratings.map((r) => r.reviewerId), ...adjudications.map((a) => a.adminId)])] } },
        select: { id: true, name: true },
      })
    ).map((o) => [o.id, o.name]),
  );
  const scoreDefs: { key: string; label: string; level: Level }[] = [
    { key: RATING_KEY, label: "Good / bad", level: "nominal" },
    ...configs.map((c) => ({ key: c.key, label: c.label, level: (c.kind === "numeric" ? "interval" : "nominal") as Level })),
  ];
  const byItem = new Map<string, Rated[]>();
  for (const r of ratings) byItem.set(`${r.sessionId}:${r.seq}`, [...(byItem.get(`${r.sessionId}:${r.seq}`) ?? []), r]);
  const adjudicated = new Map(adjudications.map((a) => [`${a.sessionId}:${a.seq}:${a.key}`, a]));

  const scores: ScoreAgreement[] = [];
  const disagreements: Disagreement[] = [];
  for (const def of scoreDefs) {
    const units: { values: { reviewerId: string; value: string }[]; at: Date; sessionId: string; seq: number }[] = [];
    for (const rows of byItem.values()) {
      const values = rows
        .filter((r) => r.values[def.key] !== undefined && r.values[def.key] !== "")
        .map((r) => ({ reviewerId: r.reviewerId, value: r.values[def.key]! }));
      if (values.length >= 2)
        units.push({ values, at: rows.reduce((m, r) => (r.at > m ? r.at : m), rows[0]!.at), sessionId: rows[0]!.sessionId, seq: rows[0]!.seq });
    }
    const toUnit = (u: (typeof units)[number]) => u.values.map((v) => (def.level === "interval" ? Number(v.value) : v.value));
    const alpha = krippendorffAlpha(units.map(toUnit), def.level);
    const raters = new Set(units.flatMap((u) => u.values.map((v) => v.reviewerId)));
    const pairMap = new Map<string, [string, string][]>();
    for (const u of units) {
      for (let i = 0; i < u.values.length; i++) {
        for (let j = i + 1; j < u.values.length; j++) {
          const [x, y] = [u.values[i]!, u.values[j]!].sort((p, q) => (p.reviewerId < q.reviewerId ? -1 : 1));
          const k = `${x.reviewerId}|${y.reviewerId}`;
          pairMap.set(k, [...(pairMap.get(k) ?? []), [x.value, y.value]]);
        }
      }
    }
    const pairs = [...pairMap].map(([k, list]) => {
      const [a, b] = k.split("|") as [string, string];
      return { a, b, aName: names.get(a) ?? a, bName: names.get(b) ?? b, items: list.length, kappa: cohensKappa(list) };
    });
    const periods = new Map<string, typeof units>();
    for (const u of units) {
      const period = periodOf(u.at, by);
      const list = periods.get(period) ?? [];
      list.push(u);
      periods.set(period, list);
    }
    scores.push({
      key: def.key,
      label: def.label,
      level: def.level,
      items: units.length,
      raters: raters.size,
      alpha: alpha.alpha,
      values: alpha.pairable,
      // Kappa is defined for two raters: report it when exactly two people rated this score.
      kappa: raters.size === 2 && pairs.length === 1 ? pairs[0]!.kappa : null,
      pairs: pairs.sort((p, q) => q.items - p.items),
      series: [...periods]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([period, list]): AgreementPoint => {
          const point = krippendorffAlpha(list.map(toUnit), def.level);
          return {
            period,
            items: list.length,
            values: point.pairable,
            raters: new Set(list.flatMap((u) => u.values.map((v) => v.reviewerId))).size,
            alpha: point.alpha,
          };
        }),
    });
    for (const u of units) {
      if (new Set(u.values.map((v) => v.value)).size < 2) continue;
      const adj = adjudicated.get(`${u.sessionId}:${u.seq}:${def.key}`);
      disagreements.push({
        sessionId: u.sessionId,
        seq: u.seq,
        key: def.key,
        label: def.label,
        values: u.values.map((v) => ({ ...v, name: names.get(v.reviewerId) ?? v.reviewerId })),
        final: adj ? { value: adj.value, adminName: names.get(adj.adminId) ?? adj.adminId, note: adj.note, at: adj.at.toISOString() } : null,
      });
    }
  }
  disagreements.sort((a, b) => Number(Boolean(a.final)) - Number(Boolean(b.final)));
  return { by, scores, disagreements };
}

export class AdjudicationError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** An admin's final value for one score of one item; validated like a review's value; replaces an earlier decision. */
export async function adjudicate(actor: NonNullable<AuditActor>, queue: QueueDef, input: z.output<typeof AdjudicationSchema>, ip?: string) {
  const prisma = await db();
  const item = await prisma.queueItem.findUnique({ where: { queueId_sessionId_seq: { queueId: queue.id, sessionId: input.sessionId, seq: input.seq } } });
  if (!item) throw new Response("That reply is not in this queue.", { status: 404 });
  let value = input.value;
  if (input.key === RATING_KEY) {
    if (!RatingSchema.safeParse(value).success) throw new AdjudicationError("value", "The final rating is good or bad.");
  } else {
    const config: ScoreConfigView | undefined = (await currentScoreConfigs(queue.scoreKeys)).find((c) => c.key === input.key);
    if (!config) throw new AdjudicationError("key", "That score is not part of this queue.");
    const checked = checkScore({ ...config, required: true }, value);
    if (!checked.ok) throw new AdjudicationError("value", checked.message);
    value = checked.value;
  }
  const pk = { queueId: queue.id, sessionId: input.sessionId, seq: input.seq, key: input.key };
  await prisma.$transaction(async (tx) => {
    const before = await tx.adjudication.findUnique({ where: { queueId_sessionId_seq_key: pk } });
    await tx.adjudication.upsert({
      where: { queueId_sessionId_seq_key: pk },
      create: { ...pk, value, note: input.note, adminId: actor.id },
      update: { value, note: input.note, adminId: actor.id, at: new Date() },
    });
    await audit(
      {
        actor,
        action: "review_queue.adjudicate",
        targetType: "review_queue",
        targetId: queue.id,
        details: { ...pk, value, previous: before?.value ?? null, note: input.note },
        ip,
      },
      tx,
    );
  });
}
