// How well a queue's reviewers agree, per score (alpha over all raters with its sample size, kappa per pair),
// and over time (per week, or per day with ?by=day); and the disagreements, which an admin settles with a final value.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { getFormProps } from "@conform-to/react";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { requirePermission } from "~/auth/guards.server";
import { can } from "~/auth/permissions";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ErrorBanner } from "~/components/ui/banner";
import { Button } from "~/components/ui/button";
import { Field, SelectField } from "~/components/ui/field";
import { Table, TableHead, Td, Tr } from "~/components/ui/table";
import { clientIp } from "~/lib/client-ip.server";
import { formErrorsOf, parseSubmission, resultFor, useSchemaForm } from "~/lib/forms";
import { readForm, rejected } from "~/lib/forms.server";
import { AdjudicationSchema } from "~/reviews/agreement/adjudication-form";
import { adjudicate, AdjudicationError, AgreementPeriodSchema, queueAgreement, RATING_KEY } from "~/reviews/agreement/agreement.server";
import { AgreementSeries } from "~/reviews/components/agreement-series";
import { getQueue } from "~/reviews/queues/queues.server";
import { currentScoreConfigs } from "~/reviews/scores/score-configs.server";
import { RATINGS } from "~/lib/vocabulary";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Agreement · ${data?.queue.name ?? "Queue"} · FleetLM Console` }];

async function queueOr404(id: string | undefined) {
  const queue = await getQueue(z.string().min(1).max(64).catch("").parse(id));
  if (!queue) throw new Response("No such queue.", { status: 404 });
  return queue;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const me = await requirePermission(request, "reviews:curate");
  const queue = await queueOr404(params.queueId);
  const by = AgreementPeriodSchema.safeParse(new URL(request.url).searchParams.get("by") ?? "week");
  if (!by.success) throw new Response('"by" must be week or day.', { status: 400 });
  const [agreement, configs] = await Promise.all([queueAgreement(queue, { by: by.data }), currentScoreConfigs(queue.scoreKeys)]);
  const options: Record<string, string[]> = Object.fromEntries([
    [RATING_KEY, [...RATINGS]],
    ...configs.map((c) => [c.key, c.kind === "categorical" ? c.options : c.kind === "boolean" ? ["true", "false"] : []]),
  ]);
  return { queue: { id: queue.id, name: queue.name, reviewsNeeded: queue.reviewsNeeded }, ...agreement, options, mayAdjudicate: can(me, "reviews:manage") };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const me = await requirePermission(request, "reviews:manage");
  const queue = await queueOr404(params.queueId);
  const form = await readForm(request);
  const submission = parseSubmission(form, AdjudicationSchema);
  if (submission.status !== "success") return rejected(submission);
  try {
    await adjudicate(me, queue, submission.value, clientIp(context));
  } catch (error) {
    if (error instanceof AdjudicationError) return rejected(submission, { fieldErrors: { [error.field]: [error.message] } });
    throw error;
  }
  const by = AgreementPeriodSchema.catch("week").parse(new URL(request.url).searchParams.get("by"));
  throw redirect(`/reviews/queues/${queue.id}/agreement${by === "day" ? "?by=day" : ""}`);
}

const fmt = (v: number | null) => (v === null ? "–" : v.toFixed(3));

type Disagreement = Awaited<ReturnType<typeof loader>>["disagreements"][number];

/** One disagreement's decision: its final value (a pick from the score's options, or typed) and why. */
function AdjudicationForm({ d, options, result }: { d: Disagreement; options: string[] | undefined; result: unknown }) {
  const [form, fields] = useSchemaForm(AdjudicationSchema, {
    id: `adjudicate-${d.sessionId}-${d.seq}-${d.key}`,
    lastResult: resultFor(result, { sessionId: d.sessionId, seq: String(d.seq), key: d.key }),
    defaultValue: { value: d.final?.value ?? "", note: "" },
  });
  const busy = useNavigation().state === "submitting";
  return (
    <Form method="post" {...getFormProps(form)} className="mt-1 flex flex-wrap items-start gap-2" aria-label={`Adjudicate ${d.label} of #${d.seq}`}>
      <input type="hidden" name="sessionId" value={d.sessionId} />
      <input type="hidden" name="seq" value={d.seq} />
      <input type="hidden" name="key" value={d.key} />
      {options?.length ? (
        <SelectField
          meta={fields.value}
          label={<span className="sr-only">Final value</span>}
          density="sm"
          controlClassName="mt-0"
          options={[{ value: "", label: "Final value…" }, ...options.map((o) => ({ value: o, label: o }))]}
        />
      ) : (
        <Field
          meta={fields.value}
          label={<span className="sr-only">Final value</span>}
          placeholder="Final value"
          density="sm"
          className="w-28"
          controlClassName="mt-0"
        />
      )}
      <Field
        meta={fields.note}
        label={<span className="sr-only">Note</span>}
        placeholder="Why (optional)"
        density="sm"
        className="min-w-0 grow"
        controlClassName="mt-0"
      />
      <Button variant="secondary" disabled={busy}>
        {d.final ? "Change decision" : "Decide"}
      </Button>
      <ErrorBanner errors={form.errors ?? fields.key.errors ?? fields.sessionId.errors ?? fields.seq.errors} className="w-full" />
    </Form>
  );
}

export default function AgreementPage() {
  const { queue, by, scores, disagreements, options, mayAdjudicate } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="max-w-5xl space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold">Agreement · {queue.name}</h1>
        <Link to={`/reviews/queues/${queue.id}`} className="text-sm text-blue-600 underline dark:text-blue-400">
          Back to the queue
        </Link>
      </div>
      <p className="text-sm text-slate-600 dark:text-slate-300">
        Krippendorff's alpha over every reply with two or more reviews (nominal for good/bad, categorical and yes/no scores; interval for numeric ones); Cohen's
        kappa for each pair of reviewers on the replies both rated. 1 = perfect agreement, 0 = what chance would give. n = replies compared.
      </p>
      {/* A refused decision whose row is gone (settled or changed meanwhile) still says why. */}
      {result && !disagreements.some((d) => resultFor(result, { sessionId: d.sessionId, seq: String(d.seq), key: d.key })) ? (
        <ErrorBanner errors={formErrorsOf(result) ?? Object.values(result.error ?? {}).find(Boolean) ?? undefined} />
      ) : null}
      <div className="overflow-x-auto">
        <Table caption="Agreement per score" data-testid="agreement-table">
          <TableHead columns={["Score", "α", "κ (2 raters)", "n replies", "values", "raters", "Per pair (κ, n)"]} />
          <tbody>
            {scores.map((s) => (
              <Tr key={s.key} data-testid={`agreement-${s.key}`}>
                <Td className="font-medium">{s.label}</Td>
                <Td data-testid="alpha">{fmt(s.alpha)}</Td>
                <Td data-testid="kappa">{fmt(s.kappa)}</Td>
                <Td data-testid="n">{s.items}</Td>
                <Td>{s.values}</Td>
                <Td>{s.raters}</Td>
                <Td>
                  {s.pairs.map((p) => (
                    <div key={`${p.a}|${p.b}`}>
                      {p.aName} · {p.bName}: {fmt(p.kappa)} (n {p.items})
                    </div>
                  ))}
                </Td>
              </Tr>
            ))}
          </tbody>
        </Table>
      </div>
      <section className="space-y-2" aria-label="Agreement over time">
        <div className="flex flex-wrap items-center gap-3">
          <h2 className="font-semibold">Agreement over time</h2>
          <nav aria-label="Period" className="flex gap-2 text-sm">
            {(["week", "day"] as const).map((p) =>
              p === by ? (
                <span key={p} className="font-medium" aria-current="page">
                  per {p}
                </span>
              ) : (
                <Link key={p} to={p === "week" ? "?" : "?by=day"} className="text-blue-600 underline dark:text-blue-400">
                  per {p}
                </Link>
              ),
            )}
          </nav>
        </div>
        <p className="text-sm text-slate-600 dark:text-slate-300">
          Alpha as above, over the replies whose last counted review was written in that {by} (UTC{by === "week" ? ", weeks from Monday" : ""}); n = replies
          compared. A point over few replies moves a lot.
        </p>
        <div className="grid gap-4 xl:grid-cols-2">
          {scores.map((s) => (
            <AgreementSeries key={s.key} label={s.label} scoreKey={s.key} by={by} series={s.series} />
          ))}
        </div>
      </section>
      <section className="space-y-2">
        <h2 className="font-semibold">
          Disagreements ({disagreements.filter((d) => !d.final).length} open, {disagreements.filter((d) => d.final).length} settled)
        </h2>
        <ul className="space-y-2" data-testid="disagreements">
          {disagreements.map((d) => {
            return (
              <li
                key={`${d.sessionId}:${d.seq}:${d.key}`}
                className="rounded border border-slate-200 p-2 text-sm dark:border-slate-800"
                data-testid="disagreement"
              >
                <div className="flex flex-wrap items-center gap-2">
                  <Link to={`/sessions/${encodeURIComponent(d.sessionId)}?seq=${d.seq}`} className="text-blue-600 underline dark:text-blue-400">
                    #{d.seq}
                  </Link>
                  <span className="font-medium">{d.label}</span>
                  {d.values.map((v) => (
                    <span key={v.reviewerId} className="rounded bg-slate-100 px-1.5 dark:bg-slate-800">
                      {v.name}: {v.value}
                    </span>
                  ))}
                  {d.final ? (
                    <span className="rounded bg-green-100 px-1.5 text-green-900 dark:bg-green-900 dark:text-green-100" data-testid="final">
                      final {d.final.value} ({d.final.adminName}
                      {d.final.note ? `: ${d.final.note}` : ""})
                    </span>
                  ) : null}
                </div>
                {mayAdjudicate ? <AdjudicationForm d={d} options={options[d.key]} result={result} /> : null}
              </li>
            );
          })}
          {disagreements.length === 0 ? <li className="text-sm text-slate-600 dark:text-slate-400">No disagreements.</li> : null}
        </ul>
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
