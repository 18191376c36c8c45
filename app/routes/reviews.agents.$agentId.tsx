// Quality at a glance for one agent: charts over a date range (scores per day among them); agent and range live in the URL.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useNavigate } from "@remix-run/react";
import { requirePermission } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { QualityCharts } from "~/reviews/components/quality-charts";
import { ScoreCharts } from "~/reviews/components/score-charts";
import { agentQuality, parseAgentRange } from "~/reviews/quality.server";
import { reviewedAgents } from "~/reviews/queue.server";
import { scoresOverTime } from "~/reviews/scores-over-time.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.quality.agentId ?? "Agent"} quality · FleetLM Console` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requirePermission(request, "reviews:read");
  const { agentId, range } = parseAgentRange(request, params.agentId);
  let { from } = range;
  const { to } = range;
  // At most a year per page: the per-day chart stays readable and the scan bounded.
  if (Date.parse(to) - Date.parse(from) > 366 * 86_400_000) from = new Date(Date.parse(to) - 366 * 86_400_000).toISOString().slice(0, 10);
  const [quality, scores, agents] = await Promise.all([agentQuality(agentId, { from, to }), scoresOverTime(agentId, { from, to }), reviewedAgents()]);
  return { quality, scores, agents };
}

const input = "rounded border border-slate-300 px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-950";

export default function AgentQualityPage() {
  const { quality, scores, agents } = useLoaderData<typeof loader>();
  const q = quality;
  const navigate = useNavigate();
  const queue = new URLSearchParams({ agent: q.agentId, from: q.range.from, to: q.range.to });
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3">
        <h1 className="text-xl font-semibold">Quality · {q.agentId}</h1>
        <form
          method="get"
          className="flex flex-wrap items-end gap-2 text-sm"
          aria-label="Range"
          onSubmit={(event) => {
            // The agent is part of the path: switching agents opens its page with the same range.
            event.preventDefault();
            const data = new FormData(event.currentTarget);
            const agent = String(data.get("agentSwitch") ?? q.agentId);
            const search = new URLSearchParams({ from: String(data.get("from") ?? ""), to: String(data.get("to") ?? "") });
            navigate(`/reviews/agents/${encodeURIComponent(agent)}?${search}`);
          }}
        >
          <label className="flex flex-col">
            Agent
            <select name="agentSwitch" defaultValue={q.agentId} className={input}>
              {[...new Set([q.agentId, ...agents])].map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </label>
          <label className="flex flex-col">
            From
            <input type="date" name="from" defaultValue={q.range.from} className={input} />
          </label>
          <label className="flex flex-col">
            To
            <input type="date" name="to" defaultValue={q.range.to} className={input} />
          </label>
          <button className="rounded bg-slate-800 px-3 py-1.5 text-white dark:bg-slate-200 dark:text-slate-900">Show</button>
        </form>
        <Link to={`/reviews?${queue}`} className="text-sm text-blue-600 underline dark:text-blue-400">
          Review these replies
        </Link>
        <Link to={`/reviews?${queue}&sample=20`} className="text-sm text-blue-600 underline dark:text-blue-400">
          Sample 20
        </Link>
      </div>
      <QualityCharts q={q} />
      <ScoreCharts t={scores} />
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
