// The per-agent quality charts (recharts). Fixed-size charts so the server render matches the browser's.
// Colours carry meaning (good green, bad/abort red, interrupted amber) and every figure says what it counts
// out of what; every bar opens the replies behind it in the queue (`show=all`, so reviewed ones stay listed).
import { formatUtc } from "~/lib/format-date";
import { useNavigate } from "@remix-run/react";
import { Bar, BarChart, CartesianGrid, Cell, Tooltip, XAxis, YAxis } from "recharts";
import type { AgentQuality } from "../quality.server";
import { qualityLinks, type ChartBar } from "../quality-links";

export const COLOURS = { good: "#16a34a", bad: "#dc2626", abort: "#dc2626", interrupted: "#d97706", finish: "#16a34a" } as const;

export const count = (n: number) => n.toLocaleString("en-US");
const pct = (v: number | null) => (v === null ? "–" : `${(v * 100).toFixed(1)}%`);
const ms = (v: number | null) => (v === null ? "–" : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v} ms`);
export const tick = { fontSize: 11, fill: "#64748b" };

export function Card({ title, children, testId }: { title: string; children: React.ReactNode; testId?: string }) {
  return (
    <section className="min-w-0 rounded border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900" data-testid={testId} aria-label={title}>
      <h2 className="mb-2 text-sm font-semibold">{title}</h2>
      <div className="overflow-x-auto">{children}</div>
    </section>
  );
}

/** A headline figure with the sample it was computed from, so "p95 3.5 s" never hides "of 57 replies". */
function Figure({ label, value, of, testId }: { label: string; value: string; of: string; testId?: string }) {
  return (
    <div className="rounded border border-slate-200 px-3 py-2 dark:border-slate-800">
      <div className="text-xs text-slate-500 dark:text-slate-400">{label}</div>
      <div className="text-lg font-semibold" data-testid={testId}>
        {value}
      </div>
      <div className="text-xs text-slate-500 dark:text-slate-400" data-testid={testId ? `${testId}-of` : undefined}>
        {of}
      </div>
    </div>
  );
}

export function Legend({ items }: { items: { name: string; colour: string }[] }) {
  return (
    <ul className="mb-1 flex flex-wrap gap-3 text-xs" aria-label="Legend">
      {items.map((i) => (
        <li key={i.name} className="flex items-center gap-1">
          <span aria-hidden className="inline-block h-3 w-3 rounded-sm" style={{ background: i.colour }} />
          {i.name}
        </li>
      ))}
    </ul>
  );
}

/** Text links under a chart: the same click-through as the bars, readable and keyboard reachable. */
export function BarLinks({ bars }: { bars: ChartBar[] }) {
  return (
    <ul className="mt-1 flex flex-wrap gap-x-3 gap-y-0.5 text-xs">
      {bars.map((b) => (
        <li key={b.name}>
          {b.href ? (
            <a href={b.href} className="text-blue-700 underline dark:text-blue-300" data-testid="chart-link" data-count={b.count}>
              {b.name}: {count(b.count)}
            </a>
          ) : (
            <span>
              {b.name}: {count(b.count)}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

const W = 520;
const H = 200;

function Bars({ bars, width = W, height = H, layout, testId }: { bars: ChartBar[]; width?: number; height?: number; layout?: "vertical"; testId?: string }) {
  const navigate = useNavigate();
  const open = (index: number) => {
    const href = bars[index]?.href;
    if (href) navigate(href);
  };
  return (
    <div data-testid={testId}>
      <BarChart width={width} height={height} data={bars} layout={layout} margin={layout ? { left: 30, right: 10 } : undefined}>
        <CartesianGrid strokeDasharray="3 3" stroke="#94a3b833" />
        {layout ? <XAxis type="number" allowDecimals={false} tick={tick} /> : <XAxis dataKey="name" tick={tick} />}
        {layout ? <YAxis type="category" dataKey="name" width={110} tick={tick} /> : <YAxis allowDecimals={false} tick={tick} />}
        <Tooltip />
        <Bar dataKey="count" name="Count" isAnimationActive={false} onClick={(_, index) => open(index)} cursor="pointer">
          {bars.map((b) => (
            <Cell key={b.name} fill={b.colour} data-bar={b.name} />
          ))}
        </Bar>
      </BarChart>
    </div>
  );
}

export function QualityCharts({ q }: { q: AgentQuality }) {
  const links = qualityLinks(q);
  const ai = q.replies.ai;
  const reviews = q.ratings.reviews;
  const abortShare = ai ? q.terminations.abort / ai : null;
  return (
    <div className="space-y-4">
      <div className="grid grid-cols-2 gap-2 md:grid-cols-4 xl:grid-cols-7">
        <Figure label="Replies" value={count(q.replies.total)} of={`${count(ai)} AI · ${count(q.replies.operator)} by operators`} testId="figure-replies" />
        <Figure
          label="Latency p50"
          value={ms(q.latency.p50)}
          of={`of ${count(q.latency.measured)} of ${count(ai)} AI replies (measured by the Console)`}
          testId="figure-p50"
        />
        <Figure
          label="Latency p95"
          value={ms(q.latency.p95)}
          of={`of ${count(q.latency.measured)} of ${count(ai)} AI replies (measured by the Console)`}
          testId="figure-p95"
        />
        <Figure label="Aborted" value={pct(abortShare)} of={`${count(q.terminations.abort)} of ${count(ai)} AI replies`} testId="figure-abort-share" />
        <Figure label="Reviews" value={count(reviews)} of="written in the range" testId="figure-reviews" />
        <Figure
          label="Rated bad"
          value={pct(q.ratings.badShare)}
          of={`${count(q.ratings.bad)} of ${count(reviews)} reviews written in the range`}
          testId="figure-bad-share"
        />
        <Figure
          label="Taken over"
          value={pct(q.takeovers.rate)}
          of={`${count(q.takeovers.takenOver)} of ${count(q.takeovers.sessions)} sessions active in the range`}
          testId="figure-takeover-rate"
        />
      </div>
      <div className="grid gap-4 xl:grid-cols-2">
        <Card title={`AI replies per day (${count(ai)})`} testId="chart-replies">
          <Bars bars={links.aiPerDay} testId="bars-ai-per-day" />
        </Card>
        <Card title={`Operator replies per day (${count(q.replies.operator)}; own scale)`} testId="chart-operator-replies">
          <Bars bars={links.operatorPerDay} testId="bars-operator-per-day" />
        </Card>
        <Card title={`Latency of AI replies, measured by the Console (${count(q.latency.measured)} of ${count(ai)})`} testId="chart-latency">
          <Bars bars={links.latency} testId="bars-latency" />
          <BarLinks bars={links.latency} />
          <p className="mt-1 text-xs text-slate-500 dark:text-slate-400" data-testid="latency-note">
            From each reply&apos;s user message to the reply, by FleetLM&apos;s timestamps (FleetLM computes no latency). The agent itself sent latency_ms for{" "}
            {count(q.latency.agentReported)} of them; time to first token, where the Console watched the stream: {count(q.latency.ttftMeasured)} replies
            {q.latency.ttftP50 !== null ? `, p50 ${ms(q.latency.ttftP50)}` : ""}.
          </p>
          <p className="mt-1 text-xs text-slate-500 dark:text-slate-400" data-testid="lost-count">
            Messages FleetLM lost in this agent&apos;s sessions (found in this range): {count(q.lostMessages)}
          </p>
        </Card>
        <Card title={`Terminations of ${count(ai)} AI replies`} testId="chart-terminations">
          <Legend
            items={[
              { name: "finish", colour: COLOURS.finish },
              { name: "abort", colour: COLOURS.abort },
              { name: "interrupted", colour: COLOURS.interrupted },
            ]}
          />
          <div className="flex flex-wrap gap-2">
            <Bars bars={links.terminations.slice(0, 1)} width={170} testId="bars-finish" />
            {/* Aborts and interruptions are usually a sliver of finishes: their own panel and scale keeps them visible. */}
            <Bars bars={links.terminations.slice(1)} width={300} testId="bars-problems" />
          </div>
          <BarLinks bars={links.terminations} />
          <p className="mt-1 text-xs text-slate-500 dark:text-slate-400" data-testid="interrupted-note">
            {q.terminations.interrupted
              ? `Interrupted = streams that never finished, seen live in watched sessions since ${formatUtc(q.terminations.interrupted.measuredSince)} (FleetLM stores nothing for them, so they have no replies to open).`
              : "Interrupted: not measured. FleetLM stores nothing for a stream that never finished; the Console counts them only from live chunks while it runs."}
          </p>
        </Card>
        <Card title={`Ratings (${count(reviews)} reviews written in the range)`} testId="chart-ratings">
          <Legend
            items={[
              { name: "good", colour: COLOURS.good },
              { name: "bad", colour: COLOURS.bad },
            ]}
          />
          <Bars bars={links.ratings} width={240} testId="bars-ratings" />
          <BarLinks bars={links.ratings} />
        </Card>
        <Card title={`Labels (share of ${count(reviews)} reviews)`} testId="chart-labels">
          {links.labels.length ? (
            <Bars bars={links.labels} layout="vertical" height={Math.max(120, 28 * links.labels.length)} testId="bars-labels" />
          ) : (
            <p className="text-xs text-slate-600 dark:text-slate-400">No labels in the range.</p>
          )}
          <BarLinks bars={links.labels} />
          <ul className="mt-1 text-xs text-slate-500 dark:text-slate-400" data-testid="label-shares">
            {q.ratings.labels.map((l) => (
              <li key={l.label}>
                {l.label}: {l.count} of {count(reviews)} reviews ({pct(l.share)})
              </li>
            ))}
          </ul>
        </Card>
      </div>
    </div>
  );
}
