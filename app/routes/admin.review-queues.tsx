// Admins build review queues: a filter over replies, the scores to fill, who reviews, reviews needed per
// reply (1–3). The queue's items are fixed when it is built; "Add new replies" tops it up from the filter.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { getFormProps } from "@conform-to/react";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { audit } from "~/audit/audit.server";
import { requirePermission } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ErrorBanner } from "~/components/ui/banner";
import { Button } from "~/components/ui/button";
import { controlClass, Field, FieldError, SelectField } from "~/components/ui/field";
import { EmptyRow, Table, TableHead, Td, Tr } from "~/components/ui/table";
import { activeOperators } from "~/operators/operators.server";
import { clientIp } from "~/lib/client-ip.server";
import { formErrorsOf, parseSubmission, resultFor, useSchemaForm } from "~/lib/forms";
import { readForm, rejected } from "~/lib/forms.server";
import { ReplyFilterFields } from "~/reviews/components/reply-filter-fields";
import { reviewedAgents } from "~/reviews/queue.server";
import { createQueue, fillQueue, getQueue, listQueues, queueProgress, QueueBuildFiltersSchema, QueueInputError } from "~/reviews/queues/queues.server";
import { CreateQueueFormSchema, FillQueueFormSchema, QueueIntentSchema } from "~/reviews/queues/forms";
import { currentScoreConfigs } from "~/reviews/scores/score-configs.server";

export const meta: MetaFunction = () => [{ title: "Review queues · FleetLM Console" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const me = await requirePermission(request, "reviews:manage");
  const [queues, configs, agents, people] = await Promise.all([listQueues(), currentScoreConfigs(), reviewedAgents(), activeOperators()]);
  const withProgress = await Promise.all(queues.map(async (q) => ({ ...q, progress: await queueProgress(q, me) })));
  return { queues: withProgress, configs, agents, people };
}

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
  const intent = parseSubmission(form, QueueIntentSchema);
  if (intent.status !== "success") return rejected(intent);
  const ip = clientIp(context);
  if (intent.value.intent === "fill") {
    const submission = parseSubmission(form, FillQueueFormSchema);
    if (submission.status !== "success") return rejected(submission);
    const queue = await getQueue(submission.value.queueId);
    if (!queue) throw new Response("No such queue.", { status: 404 });
    const filled = await fillQueue(queue.id, queue.filters);
    await audit({ actor: me, action: "review_queue.fill", targetType: "review_queue", targetId: queue.id, details: filled, ip });
    throw redirect("/admin/review-queues");
  }
  const submission = parseSubmission(form, CreateQueueFormSchema);
  if (submission.status !== "success") return rejected(submission);
  try {
    const { intent: _intent, ...input } = submission.value;
    const queue = await createQueue(me, input, filtersFrom(form), ip);
    throw redirect(`/reviews/queues/${queue.id}`);
  } catch (error) {
    if (error instanceof QueueInputError) return rejected(submission, { fieldErrors: error.errors });
    throw error;
  }
}

// The reply filters beside the queue fields are plain controls: QueueBuildFiltersSchema reads them leniently.
const input = controlClass("sm");

export default function AdminReviewQueues() {
  const { queues, configs, agents, people } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const lastResult = resultFor(result, { intent: "create" });
  const values = (lastResult?.initialValue ?? {}) as Record<string, string | undefined>;
  const [form, fields] = useSchemaForm(CreateQueueFormSchema, { lastResult, defaultValue: { reviewsNeeded: "1", reserveMinutes: "15" } });
  return (
    <div className="max-w-4xl space-y-4">
      <h1 className="text-xl font-semibold">Review queues</h1>
      <ErrorBanner errors={formErrorsOf(result) ?? result?.error?.intent ?? result?.error?.queueId ?? undefined} />
      <Table caption="Review queues" data-testid="queue-table">
        <TableHead columns={["Queue", "Items", "Reviews needed", "Done / remaining", ""]} />
        <tbody>
          {queues.map((q) => (
            <Tr key={q.id}>
              <Td>
                <Link to={`/reviews/queues/${q.id}`} className="text-blue-700 underline dark:text-blue-300">
                  {q.name}
                </Link>
              </Td>
              <Td>{q.progress.items}</Td>
              <Td>{q.reviewsNeeded}</Td>
              <Td>
                {q.progress.reviewsDone} / {q.progress.remaining}
              </Td>
              <Td className="flex gap-2">
                <Link to={`/reviews/queues/${q.id}/agreement`} className="text-blue-700 underline dark:text-blue-300">
                  Agreement
                </Link>
                <Form method="post">
                  <input type="hidden" name="intent" value="fill" />
                  <input type="hidden" name="queueId" value={q.id} />
                  <Button variant="ghost" size="sm" className="px-0 py-0 text-sm">
                    Add new replies
                  </Button>
                </Form>
              </Td>
            </Tr>
          ))}
          {queues.length === 0 ? <EmptyRow colSpan={5}>No queues yet.</EmptyRow> : null}
        </tbody>
      </Table>

      <Form
        method="post"
        {...getFormProps(form)}
        className="space-y-3 rounded border border-slate-200 p-3 text-sm dark:border-slate-800"
        aria-label="New queue"
      >
        <h2 className="font-semibold">New queue</h2>
        <input type="hidden" name="intent" value="create" />
        <div className="grid gap-2 md:grid-cols-2">
          <Field meta={fields.name} label="Name" density="sm" />
          <Field meta={fields.description} label="Description" density="sm" />
        </div>
        <fieldset className="grid gap-2 md:grid-cols-4">
          <legend className="mb-1 font-medium">Replies</legend>
          <ReplyFilterFields agents={agents} values={values}>
            <label className="flex flex-col">
              With label
              <input name="label" defaultValue={values.label} className={input} />
            </label>
            <label className="flex flex-col">
              Latency below (ms)
              <input name="maxLatency" type="number" min={1} defaultValue={values.maxLatency} className={input} />
            </label>
          </ReplyFilterFields>
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
                <span className="text-xs text-slate-600 dark:text-slate-400">
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
          <FieldError meta={fields.scoreKeys} />
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
            <FieldError meta={fields.reviewerIds} />
          </label>
          <SelectField meta={fields.reviewsNeeded} label="Reviews per reply" density="sm" options={["1", "2", "3"].map((n) => ({ value: n, label: n }))} />
          <Field meta={fields.reserveMinutes} type="number" label="Reserve an open item for (minutes)" density="sm" />
        </div>
        <Button size="lg" disabled={busy}>
          Build queue
        </Button>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
