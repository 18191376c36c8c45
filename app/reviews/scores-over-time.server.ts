// Score values over time for one agent: for each current score, the values reviewers wrote in the range, per
// day the review was written (numeric: count, mean and p50; categorical and yes/no: a count per option), read
// from the Console's tables in keyset batches so a busy agent never loads every review at once.
import { db } from "~/db.server";
import { percentile, rangeDays, type QualityRange } from "./quality.server";
import { dayRange } from "./queue.server";
import { currentScoreConfigs } from "./scores/score-configs.server";
import type { ScoreConfigView } from "./scores/score-types";

type SeriesBase = {
  key: string;
  label: string;
  /** The current version, whose definition the chart is drawn against. */
  version: number;
  /** The versions whose values are counted: the current one and every earlier one on the same scale. */
  versions: number[];
  /** Every version of the score is counted (a link to the replies then needs no version filter). */
  allVersions: boolean;
  /** Values counted (one per review), and the replies they belong to. */
  values: number;
  replies: number;
  /** Values written against a version on another scale (another kind, or numeric bounds that differ): not charted. */
  leftOut: number;
};

export type NumericDay = { day: string; count: number; replies: number; mean: number | null; p50: number | null };
export type NumericSeries = SeriesBase & {
  kind: "numeric";
  min: number | null;
  max: number | null;
  mean: number | null;
  p50: number | null;
  days: NumericDay[];
};

export type OptionDay = { day: string; total: number; counts: Record<string, number>; replies: Record<string, number> };
export type OptionSeries = SeriesBase & { kind: "categorical" | "boolean"; options: { value: string; count: number; replies: number }[]; days: OptionDay[] };

export type ScoreSeries = NumericSeries | OptionSeries;

export type ScoresOverTime = {
  agentId: string;
  range: QualityRange;
  scores: ScoreSeries[];
  /** Labels of current scores with no value in the range (no chart for them). */
  withoutValues: string[];
};

/**
 * Whether a version's values can be charted beside the current version's: the same kind, and for a numeric
 * score the same bounds (a step or rubric change keeps the scale; 1–5 → 0–10 does not). Categorical versions
 * are compared by option name, so an option dropped since still shows under its name.
 */
export function sameScale(version: { kind: string; min: number | null; max: number | null }, current: Pick<ScoreConfigView, "kind" | "min" | "max">): boolean {
  if (version.kind !== current.kind) return false;
  return current.kind !== "numeric" || (version.min === current.min && version.max === current.max);
}

const BATCH = 1_000;
const replyKey = (r: { sessionId: string; seq: number }) => `${r.sessionId}:${r.seq}`;

type Bucket = { count: number; replies: Set<string> };
const bucket = (): Bucket => ({ count: 0, replies: new Set() });
const add = (b: Bucket, reply: string) => {
  b.count++;
  b.replies.add(reply);
};

type Acc = {
  config: ScoreConfigView;
  all: Bucket;
  leftOut: number;
  numbers: Map<string, number[]>; // numeric: day → values
  numberReplies: Map<string, Set<string>>;
  options: Map<string, Bucket>; // option → over the range
  perDay: Map<string, Map<string, Bucket>>; // day → option → bucket
};

export async function scoresOverTime(agentId: string, range: QualityRange, onlyKey?: string): Promise<ScoresOverTime> {
  const prisma = await db();
  const configs = (await currentScoreConfigs()).filter((c) => !onlyKey || c.key === onlyKey);
  if (configs.length === 0) return { agentId, range, scores: [], withoutValues: [] };
  const keys = configs.map((c) => c.key);
  const versionRows = await prisma.scoreConfig.findMany({
    where: { key: { in: keys } },
    select: { id: true, key: true, version: true, kind: true, min: true, max: true, retired: true },
  });
  const byKey = new Map(configs.map((c) => [c.key, c]));
  const counted = new Map<string, number>(); // configId → version, for versions on the current scale
  const versionsOf = new Map<string, { counted: number[]; total: number }>();
  for (const row of versionRows) {
    // A retired version is a marker row that no review is written against: it neither counts nor splits the scale.
    if (row.retired) continue;
    const current = byKey.get(row.key)!;
    const entry = versionsOf.get(row.key) ?? { counted: [], total: 0 };
    entry.total++;
    if (sameScale(row, current)) {
      counted.set(row.id, row.version);
      entry.counted.push(row.version);
    }
    versionsOf.set(row.key, entry);
  }
  const accs = new Map<string, Acc>(
    configs.map((config) => [
      config.key,
      { config, all: bucket(), leftOut: 0, numbers: new Map(), numberReplies: new Map(), options: new Map(), perDay: new Map() },
    ]),
  );
  for (const acc of accs.values()) {
    const seed = acc.config.kind === "boolean" ? ["true", "false"] : acc.config.kind === "categorical" ? acc.config.options : [];
    for (const option of seed) acc.options.set(option, bucket());
  }

  const at = dayRange(range.from, range.to);
  let cursor: string | undefined;
  for (;;) {
    const batch = await prisma.review.findMany({
      where: { agentId, createdAt: at, scores: { some: { key: { in: keys } } } },
      select: {
        id: true,
        sessionId: true,
        seq: true,
        createdAt: true,
        scores: { where: { key: { in: keys } }, select: { key: true, value: true, configId: true } },
      },
      // The (agentId, createdAt) index gives this order without a sort; the cursor resumes after the last row.
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: BATCH,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    for (const review of batch) {
      const day = review.createdAt.toISOString().slice(0, 10);
      const reply = replyKey(review);
      for (const score of review.scores) {
        const acc = accs.get(score.key)!;
        if (!counted.has(score.configId)) {
          acc.leftOut++;
          continue;
        }
        add(acc.all, reply);
        if (acc.config.kind === "numeric") {
          const value = Number(score.value);
          if (!Number.isFinite(value)) continue;
          const values = acc.numbers.get(day) ?? [];
          values.push(value);
          acc.numbers.set(day, values);
          const replies = acc.numberReplies.get(day) ?? new Set<string>();
          replies.add(reply);
          acc.numberReplies.set(day, replies);
        } else {
          const overall = acc.options.get(score.value) ?? bucket();
          add(overall, reply);
          acc.options.set(score.value, overall);
          const options = acc.perDay.get(day) ?? new Map<string, Bucket>();
          const b = options.get(score.value) ?? bucket();
          add(b, reply);
          options.set(score.value, b);
          acc.perDay.set(day, options);
        }
      }
    }
    if (batch.length < BATCH) break;
    cursor = batch[batch.length - 1]!.id;
  }

  const days = rangeDays(range);
  const scores: ScoreSeries[] = [];
  const withoutValues: string[] = [];
  for (const acc of accs.values()) {
    const { config } = acc;
    const versions = versionsOf.get(config.key)!;
    const base: SeriesBase = {
      key: config.key,
      label: config.label,
      version: config.version,
      versions: [...versions.counted].sort((a, b) => a - b),
      allVersions: versions.counted.length === versions.total,
      values: acc.all.count,
      replies: acc.all.replies.size,
      leftOut: acc.leftOut,
    };
    if (acc.all.count === 0) {
      withoutValues.push(config.label);
      continue;
    }
    if (config.kind === "numeric") {
      const all: number[] = [];
      const perDay = days.map((day): NumericDay => {
        const values = (acc.numbers.get(day) ?? []).sort((a, b) => a - b);
        all.push(...values);
        return { day, count: values.length, replies: acc.numberReplies.get(day)?.size ?? 0, mean: mean(values), p50: percentile(values, 50) };
      });
      all.sort((a, b) => a - b);
      scores.push({ ...base, kind: "numeric", min: config.min, max: config.max, mean: mean(all), p50: percentile(all, 50), days: perDay });
    } else {
      const options = [...acc.options].map(([value, b]) => ({ value, count: b.count, replies: b.replies.size }));
      const perDay = days.map((day): OptionDay => {
        const buckets = acc.perDay.get(day) ?? new Map<string, Bucket>();
        const counts: Record<string, number> = {};
        const replies: Record<string, number> = {};
        let total = 0;
        for (const { value } of options) {
          const b = buckets.get(value);
          counts[value] = b?.count ?? 0;
          replies[value] = b?.replies.size ?? 0;
          total += counts[value];
        }
        return { day, total, counts, replies };
      });
      scores.push({ ...base, kind: config.kind, options, days: perDay });
    }
  }
  return { agentId, range, scores, withoutValues };
}

function mean(values: number[]): number | null {
  if (values.length === 0) return null;
  return values.reduce((s, v) => s + v, 0) / values.length;
}
