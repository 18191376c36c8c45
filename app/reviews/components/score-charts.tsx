// Score values per day on the agent quality page: numeric scores as the day's mean (line, the score's own scale)
// over its count of values (bars); categorical and yes/no scores as stacked counts per option. Each title says
// how many values and replies it counts; a bar opens the replies behind it in the queue.
import { useNavigate } from "@remix-run/react";
import { Bar, BarChart, CartesianGrid, ComposedChart, Line, Tooltip, XAxis, YAxis } from "recharts";
import type { ScoreSeries, ScoresOverTime } from "../scores-over-time.server";
import { scoreLinks, type ScoreOption } from "../quality-links";
import { BarLinks, Card, count, Legend, tick } from "./quality-charts";

const COUNT_COLOUR = "#94a3b8";
const MEAN_COLOUR = "#2563eb";
const W = 520;
const H = 220;
const num = (v: number | null) => (v === null ? "–" : Number.isInteger(v) ? String(v) : v.toFixed(2));

function versionNote(s: ScoreSeries) {
  const versions = `v${s.versions.join(", v")}`;
  const out = `Values written against ${versions}${s.versions.length > 1 ? " (same scale)" : ""}, by the day the review was written.`;
  return s.leftOut
    ? `${out} ${count(s.leftOut)} value${s.leftOut > 1 ? "s" : ""} written against a version on another scale ${s.leftOut > 1 ? "are" : "is"} not counted.`
    : out;
}

function NumericChart({ t, s }: { t: ScoresOverTime; s: Extract<ScoreSeries, { kind: "numeric" }> }) {
  const navigate = useNavigate();
  const links = scoreLinks(t, s);
  const domain: [number | "auto", number | "auto"] = [s.min ?? "auto", s.max ?? "auto"];
  return (
    <>
      <Legend
        items={[
          { name: "mean of the day (left scale)", colour: MEAN_COLOUR },
          { name: "values that day (right scale)", colour: COUNT_COLOUR },
        ]}
      />
      <div data-testid={`score-chart-${s.key}`}>
        <ComposedChart width={W} height={H} data={links.days}>
          <CartesianGrid strokeDasharray="3 3" stroke="#94a3b833" />
          <XAxis dataKey="day" tick={tick} />
          <YAxis yAxisId="value" domain={domain} tick={tick} allowDecimals />
          <YAxis yAxisId="count" orientation="right" allowDecimals={false} tick={tick} />
          <Tooltip />
          <Bar
            yAxisId="count"
            dataKey="count"
            name="Values"
            fill={COUNT_COLOUR}
            isAnimationActive={false}
            cursor="pointer"
            onClick={(_, index) => navigate(links.days[index]!.href)}
          />
          <Line yAxisId="value" dataKey="mean" name="Mean" stroke={MEAN_COLOUR} strokeWidth={2} dot={{ r: 3 }} connectNulls={false} isAnimationActive={false} />
        </ComposedChart>
      </div>
      <p className="mt-1 text-xs text-slate-500 dark:text-slate-400" data-testid="score-summary">
        Mean {num(s.mean)}, median (p50) {num(s.p50)} on a scale of {num(s.min)}–{num(s.max)}.{" "}
        <a href={links.all.href} className="text-blue-700 underline dark:text-blue-300" data-testid="chart-link" data-count={s.replies}>
          Open the {count(s.replies)} replies
        </a>
      </p>
    </>
  );
}

function OptionChart({ t, s }: { t: ScoresOverTime; s: Extract<ScoreSeries, { kind: "categorical" | "boolean" }> }) {
  const navigate = useNavigate();
  const links = scoreLinks(t, s);
  const open = (o: ScoreOption, index: number) => {
    const href = links.perDay[index]?.[`href:${o.value}`];
    if (typeof href === "string") navigate(href);
  };
  return (
    <>
      <Legend items={links.options} />
      <div data-testid={`score-chart-${s.key}`}>
        <BarChart width={W} height={H} data={links.perDay}>
          <CartesianGrid strokeDasharray="3 3" stroke="#94a3b833" />
          <XAxis dataKey="day" tick={tick} />
          <YAxis allowDecimals={false} tick={tick} />
          <Tooltip />
          {links.options.map((o) => (
            <Bar
              key={o.value}
              dataKey={`n:${o.value}`}
              name={o.name}
              stackId="options"
              fill={o.colour}
              isAnimationActive={false}
              cursor="pointer"
              onClick={(_, index) => open(o, index)}
            />
          ))}
        </BarChart>
      </div>
      {/* The replies behind each option over the whole range: counts are values (reviews), links open replies. */}
      <BarLinks bars={links.options.map((o) => ({ name: o.name, count: o.count, colour: o.colour, href: o.href }))} />
    </>
  );
}

export function ScoreCharts({ t }: { t: ScoresOverTime }) {
  if (t.scores.length === 0 && t.withoutValues.length === 0) return null;
  return (
    <section className="space-y-2" aria-label="Scores over time">
      <h2 className="font-semibold">Scores over time</h2>
      <div className="grid gap-4 xl:grid-cols-2">
        {t.scores.map((s) => (
          <Card
            key={s.key}
            title={`${s.label} (v${s.version}) per day — ${count(s.values)} value${s.values === 1 ? "" : "s"} on ${count(s.replies)} repl${s.replies === 1 ? "y" : "ies"}, reviews written in the range`}
            testId={`chart-score-${s.key}`}
          >
            {s.kind === "numeric" ? <NumericChart t={t} s={s} /> : <OptionChart t={t} s={s} />}
            <p className="mt-1 text-xs text-slate-500 dark:text-slate-400" data-testid="score-note">
              {versionNote(s)}
            </p>
          </Card>
        ))}
      </div>
      {t.withoutValues.length ? (
        <p className="text-xs text-slate-500 dark:text-slate-400" data-testid="scores-without-values">
          No values in the range for: {t.withoutValues.join(", ")}.
        </p>
      ) : null}
    </section>
  );
}
