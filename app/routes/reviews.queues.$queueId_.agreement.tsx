// How well a queue's reviewers agree, per score (alpha over all raters with its sample size, kappa per pair),
// and over time (per week, or per day with ?by=day); and the disagreements, which an admin settles with a final value.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requirePermission } from "~/auth/guards.server";
import { can } from "~/auth/permissions";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { clientIp } from "~/lib/client-ip.server";
import { invalid, parseForm, readForm } from "~/lib/forms.server";
import { adjudicate, AdjudicationError, AdjudicationSchema, AgreementPeriodSchema, queueAgreement, RATING_KEY } from "~/reviews/agreement/agreement.server";
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
  const parsed = parseForm(AdjudicationSchema, form);
  if (!parsed.ok) return parsed.response;
  try {
    await adjudicate(me, queue, parsed.data, clientIp(context));
  } catch (error) {
    if (error instanceof AdjudicationError)
      return invalid({ [error.field]: [error.message] }, { sessionId: parsed.data.sessionId, seq: String(parsed.data.seq), key: parsed.data.key });
    throw error;
  }
  const by = AgreementPeriodSchema.catch("week").parse(new URL(request.url).searchParams.get("by"));
  throw redirect(`/reviews/queues/${queue.id}/agreement${by === "day" ? "?by=day" : ""}`);
}

const fmt = (v: number | null) => (v === null ? "–" : v.toFixed(3));

export default function AgreementPage() {
  const { queue, by, scores, disagreements, options, mayAdjudicate } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = (result && "errors" in result ? result.errors : {}) as Record<string, string[] | undefined>;
  const values = (result && "values" in result ? result.values : {}) as Record<string, string | undefined>;
  const input = "rounded border border-slate-300 px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-950";
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
      <table className="w-full text-sm" data-testid="agreement-table">
        <thead>
          <tr className="text-left text-slate-500">
            <th className="py-1">Score</th>
            <th>α</th>
            <th>κ (2 raters)</th>
            <th>n replies</th>
            <th>values</th>
            <th>raters</th>
            <th>Per pair (κ, n)</th>
          </tr>
        </thead>
        <tbody>
          {scores.map((s) => (
            <tr key={s.key} className="border-t border-slate-200 align-top dark:border-slate-800" data-testid={`agreement-${s.key}`}>
              <td className="py-1 font-medium">{s.label}</td>
              <td data-testid="alpha">{fmt(s.alpha)}</td>
              <td data-testid="kappa">{fmt(s.kappa)}</td>
              <td data-testid="n">{s.items}</td>
              <td>{s.values}</td>
              <td>{s.raters}</td>
              <td>
                {s.pairs.map((p) => (
                  <div key={`${p.a}|${p.b}`}>
                    {p.aName} · {p.bName}: {fmt(p.kappa)} (n {p.items})
                  </div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
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
            const mine = values.sessionId === d.sessionId && values.seq === String(d.seq) && values.key === d.key;
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
                {mayAdjudicate ? (
                  <Form method="post" className="mt-1 flex flex-wrap items-center gap-2" aria-label={`Adjudicate ${d.label} of #${d.seq}`}>
                    <input type="hidden" name="sessionId" value={d.sessionId} />
                    <input type="hidden" name="seq" value={d.seq} />
                    <input type="hidden" name="key" value={d.key} />
                    {options[d.key]?.length ? (
                      <select name="value" defaultValue={d.final?.value ?? ""} className={input} aria-label="Final value">
                        <option value="">Final value…</option>
                        {options[d.key]!.map((o) => (
                          <option key={o} value={o}>
                            {o}
                          </option>
                        ))}
                      </select>
                    ) : (
                      <input name="value" defaultValue={d.final?.value ?? ""} placeholder="Final value" className={`${input} w-28`} aria-label="Final value" />
                    )}
                    <input name="note" placeholder="Why (optional)" className={`${input} grow`} aria-label="Note" />
                    <button className="rounded border border-slate-300 px-2 py-1 dark:border-slate-700">{d.final ? "Change decision" : "Decide"}</button>
                    {mine && errors.value ? (
                      <span role="alert" className="text-xs text-red-600">
                        {errors.value.join(" ")}
                      </span>
                    ) : null}
                  </Form>
                ) : null}
              </li>
            );
          })}
          {disagreements.length === 0 ? <li className="text-sm text-slate-500">No disagreements.</li> : null}
        </ul>
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
