// Admins build review queues: a filter over replies, the scores to fill, who reviews, reviews needed per
// reply (1–3). The queue's items are fixed when it is built; "Add new replies" tops it up from the filter.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { audit } from "~/audit/audit.server";
import { requirePermission } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { activeOperators } from "~/operators/operators.server";
import { clientIp } from "~/lib/client-ip.server";
import { invalid, parseForm, readForm } from "~/lib/forms.server";
import { reviewedAgents } from "~/reviews/queue.server";
import {
  createQueue,
  fillQueue,
  getQueue,
  listQueues,
  queueProgress,
  QueueBuildFiltersSchema,
  QueueFormSchema,
  QueueInputError,
} from "~/reviews/queues/queues.server";
import { currentScoreConfigs } from "~/reviews/scores/score-configs.server";

export const meta: MetaFunction = () => [{ title: "Review queues · FleetLM Console" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const me = await requirePermission(request, "reviews:manage");
  const [queues, configs, agents, people] = await Promise.all([listQueues(), currentScoreConfigs(), reviewedAgents(), activeOperators()]);
  const withProgress = await Promise.all(queues.map(async (q) => ({ ...q, progress: await queueProgress(q, me) })));
  return { queues: withProgress, configs, agents, people };
}

const IntentSchema = z.object({ intent: z.enum(["create", "fill"]) });
const IdSchema = z.object({ queueId: z.string().min(1).max(64) });

function filtersFrom(form: FormData) {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(QueueBuildFiltersSchema.shape)) {
    const value = form.get(key);
    if (typeof value === "string" && value.trim() !== "") raw[key] = value.trim();
  }
  return QueueBuildFiltersSchema.parse(raw);
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requirePermission(request, "reviews:manage");
  const form = await readForm(request);
  const intent = parseForm(IntentSchema, form);
  if (!intent.ok) return intent.response;
  const ip = clientIp(context);
  if (intent.data.intent === "fill") {
    const id = parseForm(IdSchema, form);
    if (!id.ok) return id.response;
    const queue = await getQueue(id.data.queueId);
    if (!queue) throw new Response("No such queue.", { status: 404 });
    const filled = await fillQueue(queue.id, queue.filters);
    await audit({ actor: me, action: "review_queue.fill", targetType: "review_queue", targetId: queue.id, details: filled, ip });
    throw redirect("/admin/review-queues");
  }
  const parsed = parseForm(QueueFormSchema, form);
  if (!parsed.ok) return parsed.response;
  try {
    const queue = await createQueue(me, parsed.data, filtersFrom(form), ip);
    throw redirect(`/reviews/queues/${queue.id}`);
  } catch (error) {
    if (error instanceof QueueInputError) return invalid(error.errors, Object.fromEntries([...form].map(([k, v]) => [k, String(v)])));
    throw error;
  }
}

const input = "rounded border border-slate-300 px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-950";

export default function AdminReviewQueues() {
  const { queues, configs, agents, people } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors = (result && "errors" in result ? result.errors : {}) as Record<string, string[] | undefined>;
  const values = (result && "values" in result ? result.values : {}) as Record<string, string | undefined>;
  const err = (name: string) =>
    errors[name] ? (
      <span className="text-xs text-red-600" role="alert">
        {errors[name]!.join(" ")}
      </span>
    ) : null;
  return (
    <div className="max-w-4xl space-y-4">
      <h1 className="text-xl font-semibold">Review queues</h1>
      <table className="w-full text-sm" data-testid="queue-table">
        <thead>
          <tr className="text-left text-slate-500">
            <th className="py-1">Queue</th>
            <th>Items</th>
            <th>Reviews needed</th>
            <th>Done / remaining</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {queues.map((q) => (
            <tr key={q.id} className="border-t border-slate-200 dark:border-slate-800">
              <td className="py-1">
                <Link to={`/reviews/queues/${q.id}`} className="text-blue-700 underline dark:text-blue-300">
                  {q.name}
                </Link>
              </td>
              <td>{q.progress.items}</td>
              <td>{q.reviewsNeeded}</td>
              <td>
                {q.progress.reviewsDone} / {q.progress.remaining}
              </td>
              <td className="flex gap-2 py-1">
                <Link to={`/reviews/queues/${q.id}/agreement`} className="text-blue-700 underline dark:text-blue-300">
                  Agreement
                </Link>
                <Form method="post">
                  <input type="hidden" name="intent" value="fill" />
                  <input type="hidden" name="queueId" value={q.id} />
                  <button className="underline">Add new replies</button>
                </Form>
              </td>
            </tr>
          ))}
          {queues.length === 0 ? (
            <tr>
              <td colSpan={5} className="py-2 text-slate-500">
                No queues yet.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>

      <Form method="post" className="space-y-3 rounded border border-slate-200 p-3 text-sm dark:border-slate-800" aria-label="New queue">
        <h2 className="font-semibold">New queue</h2>
        <input type="hidden" name="intent" value="create" />
        <div className="grid gap-2 md:grid-cols-2">
          <label className="flex flex-col">
            Name
            <input name="name" defaultValue={values.name} className={input} />
            {err("name")}
          </label>
          <label className="flex flex-col">
            Description
            <input name="description" defaultValue={values.description} className={input} />
          </label>
        </div>
        <fieldset className="grid gap-2 md:grid-cols-4">
          <legend className="mb-1 font-medium">Replies</legend>
          <label className="flex flex-col">
            Agent
            <select name="agent" defaultValue={values.agent ?? ""} className={input}>
              <option value="">All agents</option>
              {agents.map((a) => (
                <option key={a}>{a}</option>
              ))}
            </select>
          </label>
          <label className="flex flex-col">
            Termination
            <select name="termination" defaultValue={values.termination ?? ""} className={input}>
              <option value="">Any</option>
              <option>finish</option>
              <option>abort</option>
            </select>
          </label>
          <label className="flex flex-col">
            Written by
            <select name="author" defaultValue={values.author ?? ""} className={input}>
              <option value="">AI or operator</option>
              <option value="ai">AI</option>
              <option value="operator">Operator</option>
            </select>
          </label>
          <label className="flex flex-col">
            With label
            <input name="label" defaultValue={values.label} className={input} />
          </label>
          <label className="flex flex-col">
            Latency above (ms)
            <input name="minLatency" type="number" min={0} defaultValue={values.minLatency} className={input} />
          </label>
          <label className="flex flex-col">
            Latency below (ms)
            <input name="maxLatency" type="number" min={1} defaultValue={values.maxLatency} className={input} />
          </label>
          <label className="flex flex-col">
            From
            <input name="from" type="date" defaultValue={values.from} className={input} />
          </label>
          <label className="flex flex-col">
            To
            <input name="to" type="date" defaultValue={values.to} className={input} />
          </label>
          <label className="flex items-center gap-1">
            <input name="flagged" type="checkbox" value="1" defaultChecked={values.flagged === "1"} /> Flagged only
          </label>
          <label className="flex flex-col">
            Sample rate (%)
            <input name="rate" type="number" min={0.01} max={100} step="any" placeholder="100" defaultValue={values.rate} className={input} />
          </label>
          <label className="flex flex-col">
            Seed
            <input name="seed" placeholder="random" defaultValue={values.seed} className={input} />
          </label>
        </fieldset>
        <fieldset>
          <legend className="mb-1 font-medium">Scores to fill (good/bad and labels always)</legend>
          <div className="flex flex-wrap gap-3">
            {configs.map((c) => (
              <label key={c.key} className="flex items-center gap-1">
                <input type="checkbox" name="scoreKeys" value={c.key} /> {c.label}{" "}
                <span className="text-xs text-slate-500">
                  ({c.kind}, v{c.version})
                </span>
              </label>
            ))}
            {configs.length === 0 ? (
              <Link to="/admin/scores" className="text-blue-700 underline dark:text-blue-300">
                Define scores first
              </Link>
            ) : null}
          </div>
          {err("scoreKeys")}
        </fieldset>
        <div className="grid gap-2 md:grid-cols-3">
          <label className="flex flex-col">
            Reviewers (none picked = any auditor or admin)
            <select name="reviewerIds" multiple size={Math.min(6, Math.max(3, people.length))} className={input}>
              {people.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({p.role})
                </option>
              ))}
            </select>
            {err("reviewerIds")}
          </label>
          <label className="flex flex-col">
            Reviews per reply
            <select name="reviewsNeeded" defaultValue={values.reviewsNeeded ?? "1"} className={input}>
              <option>1</option>
              <option>2</option>
              <option>3</option>
            </select>
            {err("reviewsNeeded")}
          </label>
          <label className="flex flex-col">
            Reserve an open item for (minutes)
            <input name="reserveMinutes" type="number" min={1} max={240} defaultValue={values.reserveMinutes ?? "15"} className={input} />
            {err("reserveMinutes")}
          </label>
        </div>
        <button disabled={busy} className="rounded bg-blue-600 px-3 py-1.5 font-medium text-white disabled:opacity-60">
          Build queue
        </button>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
