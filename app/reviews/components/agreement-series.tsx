// Agreement over time on a queue's agreement page: per score, Krippendorff's alpha per week or day as a line with
// the replies compared written at every point, and the same figures as text beneath.
import { CartesianGrid, LabelList, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import type { AgreementPeriod, AgreementPoint } from "../agreement/agreement.server";
import { Card, count, tick } from "./quality-charts";

const ALPHA_COLOUR = "#2563eb";
const fmt = (v: number | null) => (v === null ? "–" : v.toFixed(3));

export function AgreementSeries({ label, scoreKey, by, series }: { label: string; scoreKey: string; by: AgreementPeriod; series: AgreementPoint[] }) {
  const items = series.reduce((s, p) => s + p.items, 0);
  const low = Math.min(0, ...series.map((p) => p.alpha ?? 0));
  const data = series.map((p) => ({ ...p, name: by === "week" ? `wk ${p.period}` : p.period, n: `n ${p.items}` }));
  return (
    <Card
      title={`${label}: α per ${by} — ${count(items)} repl${items === 1 ? "y" : "ies"} compared in ${series.length} ${by}${series.length === 1 ? "" : "s"}`}
      testId={`agreement-series-${scoreKey}`}
    >
      {series.length ? (
        <LineChart width={520} height={200} data={data} margin={{ top: 18, right: 16 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#94a3b833" />
          <XAxis dataKey="name" tick={tick} />
          <YAxis domain={[Math.floor(low * 10) / 10, 1]} tick={tick} />
          {/* 0 = what chance would give: below the line, reviewers disagree more than chance. */}
          <ReferenceLine y={0} stroke="#94a3b8" />
          <Tooltip />
          <Line dataKey="alpha" name="α" stroke={ALPHA_COLOUR} strokeWidth={2} dot={{ r: 3 }} connectNulls={false} isAnimationActive={false}>
            <LabelList dataKey="n" position="top" style={{ fontSize: 10, fill: "#64748b" }} />
          </Line>
        </LineChart>
      ) : (
        <p className="text-xs text-slate-600 dark:text-slate-400">No reply has two reviews with this score yet.</p>
      )}
      <ul className="mt-1 text-xs text-slate-500 dark:text-slate-400" data-testid="agreement-points">
        {series.map((p) => (
          <li key={p.period} data-testid="agreement-point">
            {by === "week" ? `Week of ${p.period}` : p.period}: α {fmt(p.alpha)} (n {count(p.items)} replies, {count(p.values)} values, {p.raters} raters)
          </li>
        ))}
      </ul>
    </Card>
  );
}
