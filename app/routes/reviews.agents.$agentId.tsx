// Quality at a glance for one agent: charts over a date range (scores per day among them); agent and range live in the URL.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { getFormProps } from "@conform-to/react";
import { Form, Link, useLoaderData, useNavigate } from "@remix-run/react";
import { requirePermission } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Button } from "~/components/ui/button";
import { Field, SelectField } from "~/components/ui/field";
import { useSchemaForm } from "~/lib/forms";
import { AgentRangeFormSchema } from "~/reviews/quality-range-form";
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

export default function AgentQualityPage() {
  const { quality, scores, agents } = useLoaderData<typeof loader>();
  const q = quality;
  const navigate = useNavigate();
  const [form, fields] = useSchemaForm(AgentRangeFormSchema, {
    id: `range-${q.agentId}-${q.range.from}-${q.range.to}`,
    defaultValue: { agentSwitch: q.agentId, from: q.range.from, to: q.range.to },
    // The agent is part of the path: switching agents opens its page with the same range.
    onValidSubmit: (_event, range) =>
      navigate(`/reviews/agents/${encodeURIComponent(range.agentSwitch)}?${new URLSearchParams({ from: range.from, to: range.to })}`),
  });
  const queue = new URLSearchParams({ agent: q.agentId, from: q.range.from, to: q.range.to });
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3">
        <h1 className="text-xl font-semibold">Quality · {q.agentId}</h1>
        <Form method="get" {...getFormProps(form)} className="flex flex-wrap items-start gap-2 text-sm" aria-label="Range">
          <SelectField
            meta={fields.agentSwitch}
            label="Agent"
            density="sm"
            options={[...new Set([q.agentId, ...agents])].map((a) => ({ value: a, label: a }))}
          />
          <Field meta={fields.from} type="date" label="From" density="sm" />
          <Field meta={fields.to} type="date" label="To" density="sm" />
          <Button variant="neutral" size="lg" className="mt-5">
            Show
          </Button>
        </Form>
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
