// The per-agent quality charts (recharts). Fixed-size charts so the server render matches the browser's.
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import type { AgentQuality } from "../quality.server";

const pct = (v: number | null) => (v === null ? "–" : `${(v * 100).toFixed(1)}%`);
const ms = (v: number | null) => (v === null ? "–" : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v} ms`);

function Card({ title, children, testId }: { title: string; children: React.ReactNode; testId?: string }) {
  return (
    <section className="rounded border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900" data-testid={testId} aria-label={title}>
      <h2 className="mb-2 text-sm font-semibold">{title}</h2>
      {children}
    </section>
  );
}

function Figure({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="rounded border border-slate-200 px-3 py-2 dark:border-slate-800">
      <div className="text-xs text-slate-500">{label}</div>
      <div className="text-lg font-semibold" data-testid={testId}>{value}</div>
    </div>
  );
}

const W = 520;
const H = 220;

export function QualityCharts({ q }: { q: AgentQuality }) {
  const terminations = [
    { name: "finish", count: q.terminations.finish },
    { name: "abort", count: q.terminations.abort },
    ...(q.terminations.interrupted ? [{ name: "interrupted", count: q.terminations.interrupted.count }] : []),
  ];
  const ratings = [
    { name: "good", count: q.ratings.good },
    { name: "bad", count: q.ratings.bad },
  ];
  return (
    <div className="space-y-4">
      <div className="grid grid-cols-2 gap-2 md:grid-cols-4 lg:grid-cols-7">
        <Figure label="Replies" value={String(q.replies.total)} testId="figure-replies" />
        <Figure label="By operators" value={String(q.replies.operator)} />
        <Figure label="Latency p50" value={ms(q.latency.p50)} testId="figure-p50" />
        <Figure label="Latency p95" value={ms(q.latency.p95)} testId="figure-p95" />
        <Figure label="Reviews" value={String(q.ratings.reviews)} testId="figure-reviews" />
        <Figure label="Rated bad" value={pct(q.ratings.badShare)} testId="figure-bad-share" />
        <Figure label="Takeover rate" value={`${pct(q.takeovers.rate)} (${q.takeovers.takenOver}/${q.takeovers.sessions})`} testId="figure-takeover-rate" />
      </div>
      <div className="grid gap-4 xl:grid-cols-2">
        <Card title="Replies over time" testId="chart-replies">
          <BarChart width={W} height={H} data={q.perDay}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="day" fontSize={11} />
            <YAxis allowDecimals={false} fontSize={11} />
            <Tooltip />
            <Legend />
            <Bar dataKey="ai" name="AI" stackId="r" fill="#2563eb" isAnimationActive={false} />
            <Bar dataKey="operator" name="Operator" stackId="r" fill="#9333ea" isAnimationActive={false} />
          </BarChart>
        </Card>
        <Card
          title={`Latency distribution, measured by the Console (p50 ${ms(q.latency.p50)}, p95 ${ms(q.latency.p95)}; covers ${q.latency.measured} of ${q.replies.ai} AI replies)`}
          testId="chart-latency"
        >
          <BarChart width={W} height={H} data={q.latency.buckets}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="label" fontSize={11} />
            <YAxis allowDecimals={false} fontSize={11} />
            <Tooltip />
            <Bar dataKey="count" name="Replies" fill="#0891b2" isAnimationActive={false} />
          </BarChart>
          <p className="mt-1 text-xs text-slate-500" data-testid="latency-note">
            From each reply&apos;s user message to the reply, by FleetLM&apos;s timestamps (FleetLM computes no latency). The agent itself sent latency_ms
            for {q.latency.agentReported} of them; time to first token, where the Console watched the stream: {q.latency.ttftMeasured} replies
            {q.latency.ttftP50 !== null ? `, p50 ${ms(q.latency.ttftP50)}` : ""}.
          </p>
          <p className="mt-1 text-xs text-slate-500" data-testid="lost-count">
            Messages FleetLM lost in this agent&apos;s sessions (found in this range): {q.lostMessages}
          </p>
        </Card>
        <Card title="Terminations (AI replies)" testId="chart-terminations">
          <BarChart width={W} height={H} data={terminations}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="name" fontSize={11} />
            <YAxis allowDecimals={false} fontSize={11} />
            <Tooltip />
            <Bar dataKey="count" name="Replies" fill="#16a34a" isAnimationActive={false} />
          </BarChart>
          <p className="mt-1 text-xs text-slate-500" data-testid="interrupted-note">
            {q.terminations.interrupted
              ? `Interrupted = streams that never finished, seen live in watched sessions since ${new Date(q.terminations.interrupted.measuredSince).toUTCString()} (FleetLM stores nothing for them).`
              : "Interrupted: not measured. FleetLM stores nothing for a stream that never finished; the Console counts them only from live chunks while it runs."}
          </p>
        </Card>
        <Card title={`Ratings (${q.ratings.reviews} reviews, ${pct(q.ratings.badShare)} bad) and labels`} testId="chart-ratings">
          <div className="flex flex-wrap gap-4">
            <BarChart width={180} height={H} data={ratings}>
              <XAxis dataKey="name" fontSize={11} />
              <YAxis allowDecimals={false} fontSize={11} />
              <Tooltip />
              <Bar dataKey="count" name="Reviews" fill="#dc2626" isAnimationActive={false} />
            </BarChart>
            <BarChart width={W - 200} height={H} data={q.ratings.labels} layout="vertical" margin={{ left: 40 }}>
              <XAxis type="number" allowDecimals={false} fontSize={11} />
              <YAxis type="category" dataKey="label" width={110} fontSize={11} />
              <Tooltip />
              <Bar dataKey="count" name="Reviews with label" fill="#f59e0b" isAnimationActive={false} />
            </BarChart>
          </div>
          <ul className="mt-1 text-xs text-slate-500" data-testid="label-shares">
            {q.ratings.labels.map((l) => (
              <li key={l.label}>{l.label}: {l.count} ({pct(l.share)} of reviews)</li>
            ))}
          </ul>
        </Card>
      </div>
    </div>
  );
}
