// The review queue: replies I have not reviewed, filters and sampling in the URL, a keyboard-driven flow.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { requirePermission } from "~/auth/guards.server";
import { can } from "~/auth/permissions";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Button, buttonClass } from "~/components/ui/button";
import { controlClass } from "~/components/ui/field";
import { MessageView } from "~/sessions/components/message-view";
import { dayProblems } from "~/lib/calendar-day";
import { ExportButton } from "~/reviews/components/export-button";
import { ReplyFilterFields } from "~/reviews/components/reply-filter-fields";
import { ReplyMessageView } from "~/reviews/components/reply-context";
import { ReviewQueue } from "~/reviews/components/review-queue";
import { listLabels } from "~/reviews/labels.server";
import { newSampleSeed, parseQueueFilters, scoreFilterProblems, reviewedAgents, sampledQueue, unreviewedQueue, type QueueItem } from "~/reviews/queue.server";
import { listDatasets } from "~/reviews/datasets/datasets.server";
import { listQueues, mayWorkOn } from "~/reviews/queues/queues.server";
import { replyPreviews, sessionUsers } from "~/reviews/snapshots.server";

/** Rows with a text preview and the session's user, so the list says what each reply is. */
async function withPreviews(items: QueueItem[]) {
  const [previews, users] = await Promise.all([replyPreviews(items), sessionUsers(items.map((i) => i.sessionId))]);
  return items.map((i) => ({ ...i, preview: previews.get(`${i.sessionId}:${i.seq}`) ?? null, userId: users.get(i.sessionId) ?? null }));
}

/** Filters a chart bar sets (not in the form): kept on Apply, shown as a removable line. */
const CHART_FILTERS = ["rating", "label", "score", "scoreValue", "scoreVersions", "reviewedFrom", "reviewedTo", "maxLatency"] as const;

export const meta: MetaFunction = () => [{ title: "Reviews · FleetLM Console" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const me = await requirePermission(request, "reviews:read");
  const url = new URL(request.url);
  const filters = parseQueueFilters(url.searchParams);
  if (filters.sample && !filters.seed) {
    // The seed goes into the URL so the sample stays the same while I work through it (and can be shared).
    url.searchParams.set("seed", newSampleSeed());
    throw redirect(url.pathname + url.search);
  }
  // A date that is not a real day is left out of the filters (like any bad filter value) and said so on the page.
  const problems = [...dayProblems(url.searchParams, ["from", "to"]), ...scoreFilterProblems(url.searchParams, filters)];
  const [labels, agents, allQueues, allDatasets] = await Promise.all([
    listLabels(),
    reviewedAgents(),
    listQueues(),
    can(me, "reviews:curate") ? listDatasets() : Promise.resolve([]),
  ]);
  const datasets = allDatasets.map((d) => ({ id: d.id, name: d.name }));
  const queues = allQueues.filter((q) => mayWorkOn(q, me)).map((q) => ({ id: q.id, name: q.name, reviewsNeeded: q.reviewsNeeded }));
  if (filters.sample && filters.seed) {
    const sample = await sampledQueue(me.id, { ...filters, sample: filters.sample, seed: filters.seed });
    return {
      filters,
      labels,
      agents,
      queues,
      datasets,
      items: await withPreviews(sample.items),
      more: false,
      sample: { size: filters.sample, pool: sample.poolSize, truncated: sample.truncated },
      canExport: can(me, "reviews:export"),
      canCurate: can(me, "reviews:curate"),
      canManageLabels: can(me, "settings:manage"),
      canManageReviews: can(me, "reviews:manage"),
      problems,
    };
  }
  const queue = await unreviewedQueue(me.id, filters);
  return {
    filters,
    labels,
    agents,
    queues,
    datasets,
    items: await withPreviews(queue.items),
    more: queue.more,
    sample: null,
    canExport: can(me, "reviews:export"),
    canCurate: can(me, "reviews:curate"),
    canManageLabels: can(me, "settings:manage"),
    canManageReviews: can(me, "reviews:manage"),
    problems,
  };
}

export default function ReviewsIndex() {
  const { filters, labels, agents, queues, datasets, items, more, sample, canExport, canCurate, canManageLabels, canManageReviews, problems } =
    useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const exportParams = new URLSearchParams(params);
  exportParams.delete("sample");
  exportParams.delete("seed");
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold">Review queue</h1>
        {filters.agent ? (
          <Link to={`/reviews/agents/${encodeURIComponent(filters.agent)}`} className="text-sm text-blue-600 underline dark:text-blue-400">
            Quality of {filters.agent}
          </Link>
        ) : null}
        {canManageLabels ? (
          <Link to="/admin/review-labels" className="text-sm text-blue-600 underline dark:text-blue-400">
            Manage labels
          </Link>
        ) : null}
        {canManageReviews ? (
          <Link to="/admin/scores" className="text-sm text-blue-600 underline dark:text-blue-400">
            Manage scores
          </Link>
        ) : null}
        {canManageReviews ? (
          <Link to="/admin/review-queues" className="text-sm text-blue-600 underline dark:text-blue-400">
            Manage queues
          </Link>
        ) : null}
        {canCurate ? (
          <Link to="/reviews/datasets" className="text-sm text-blue-600 underline dark:text-blue-400">
            Datasets
          </Link>
        ) : null}
        {canExport ? <ExportButton href={`/reviews/export?${exportParams}`} label="Export reviews (CSV)" className="ml-auto" /> : null}
      </div>
      {queues.length ? (
        <nav aria-label="Your review queues" className="flex flex-wrap items-center gap-2 text-sm" data-testid="my-queues">
          <span className="text-slate-600 dark:text-slate-400">Your queues:</span>
          {queues.map((q) => (
            <Link key={q.id} to={`/reviews/queues/${q.id}`} className={buttonClass({ variant: "secondary" })}>
              {q.name}
            </Link>
          ))}
        </nav>
      ) : null}
      <Form method="get" className="flex flex-wrap items-end gap-2 text-sm" aria-label="Queue filters">
        <ReplyFilterFields agents={agents} values={filters} />
        <label className="flex items-center gap-1 pb-1.5">
          <input name="show" type="checkbox" value="all" defaultChecked={filters.show === "all"} /> Include replies I reviewed
        </label>
        {CHART_FILTERS.map((k) => (filters[k] !== undefined ? <input key={k} type="hidden" name={k} value={String(filters[k])} /> : null))}
        <label className="flex flex-col">
          Random sample of
          <input name="sample" type="number" min={1} max={500} placeholder="all" defaultValue={filters.sample ?? ""} className={controlClass("sm")} />
        </label>
        <Button variant="neutral" size="lg" className="self-end">
          Apply
        </Button>
        <Link to="/reviews" className="pb-1.5 text-blue-600 underline dark:text-blue-400">
          Reset
        </Link>
      </Form>
      {problems.length ? (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400" data-testid="filter-problems">
          {problems.join(" ")} That filter was ignored.
        </p>
      ) : null}
      {filters.rating || filters.label || filters.score || filters.maxLatency !== undefined ? (
        <p className="text-sm text-slate-600 dark:text-slate-300" data-testid="chart-filter">
          From a chart: {filters.rating ? `replies with a review rated ${filters.rating}` : null}
          {filters.label ? `replies with a review labelled “${filters.label}”` : null}
          {filters.score
            ? `${filters.rating || filters.label ? " and " : "replies with a review "}scoring ${filters.score}${filters.scoreValue !== undefined ? ` = ${filters.scoreValue}` : ""}${filters.scoreVersions ? ` (v${filters.scoreVersions.join(", v")})` : ""}`
            : null}
          {filters.rating || filters.label || filters.score ? ` written ${filters.reviewedFrom ?? "…"} – ${filters.reviewedTo ?? "…"}` : null}
          {filters.maxLatency !== undefined
            ? `latency ${filters.minLatency !== undefined ? `≥ ${filters.minLatency + 1} ms and ` : ""}< ${filters.maxLatency} ms`
            : null}
          {" · "}
          {items.length}
          {more ? "+" : ""} replies.{" "}
          <Link
            to={`?${new URLSearchParams([...params].filter(([k]) => !(CHART_FILTERS as readonly string[]).includes(k)))}`}
            className="text-blue-600 underline dark:text-blue-400"
          >
            Remove
          </Link>
        </p>
      ) : null}
      {sample ? (
        <p className="text-sm text-slate-600 dark:text-slate-300" data-testid="sample-info">
          Sample of {items.length} from {sample.pool} matching replies (seed {filters.seed}; {items.filter((i) => i.reviewedByMe).length} reviewed by you).
          {sample.truncated ? " The pool was capped at 100,000 replies." : ""}{" "}
          <Link to={`?${new URLSearchParams([...params].filter(([k]) => k !== "seed"))}`} className="text-blue-600 underline dark:text-blue-400">
            New sample
          </Link>
        </p>
      ) : null}
      <ReplyMessageView.Provider value={MessageView}>
        <ReviewQueue key={`${params}`} items={items} labels={labels} more={more} datasets={datasets} />
      </ReplyMessageView.Provider>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
