// The inbox's one set of views (each defined on the page), saved and team views, and the facets that narrow
// any view; every choice lives in the URL, so any view is a link someone can share.
import { getFormProps, type SubmissionResult } from "@conform-to/react";
import { Form, Link, useLocation, useNavigation, useSearchParams, useSubmit } from "@remix-run/react";
import { DataTableFacetedFilter, DataTableToolbar, withParams } from "~/components/data-table";
import { Banner, ErrorBanner, Notice } from "~/components/ui/banner";
import { Button, buttonClass, tabClass, toggleClass } from "~/components/ui/button";
import { ChipRemove } from "~/components/ui/chip";
import { CheckboxField, Field, controlClass } from "~/components/ui/field";
import { SaveViewSchema } from "~/inbox/inbox-forms";
import { firstErrorOf, resultFor, useSchemaForm } from "~/lib/forms";
import type { InboxView, InboxViewId } from "~/inbox/views";
import { AgentQualityBadge } from "~/reviews/components/agent-quality-badge";
import { SESSION_STATUSES } from "~/lib/vocabulary";

export const FILTER_KEYS = ["status", "agent", "q", "unread", "needsHuman", "lost", "takenOver", "assigned", "label"] as const;

type SavedView = { id: string; name: string; search: string; team: boolean };

/** The views as tabs; switching keeps the facets and starts again at page 1 in the view's own order. */
export function ViewTabs({ views, current }: { views: InboxView[]; current: InboxViewId }) {
  const { search } = useLocation();
  const active = views.find((v) => v.id === current) ?? views[0]!;
  return (
    <div className="space-y-1">
      <nav aria-label="Views" className="flex flex-wrap gap-1 text-sm">
        {views.map((view) => (
          <Link
            key={view.id}
            to={withParams(search, { view: view.id === "all" ? null : view.id, sort: null })}
            aria-current={view.id === current ? "page" : undefined}
            aria-describedby={view.id === current ? "view-definition" : undefined}
            data-testid={`view-${view.id}`}
            className={tabClass()}
          >
            {view.label}
          </Link>
        ))}
      </nav>
      <p id="view-definition" data-testid="view-definition" className="text-sm text-slate-600 dark:text-slate-300">
        <span className="font-medium">{active.label}:</span> {active.definition}
      </p>
    </div>
  );
}

/** My saved views and the team's pinned ones, with "save this view" (admins may pin it for everyone). */
export function SavedViewsBar({
  mine,
  team,
  isAdmin,
  lastResult,
}: {
  mine: SavedView[];
  team: SavedView[];
  isAdmin: boolean;
  lastResult?: SubmissionResult<string[]>;
}) {
  const { search } = useLocation();
  const navigation = useNavigation();
  const saving = navigation.formData?.get("intent") === "view-save";
  const [form, fields] = useSchemaForm(SaveViewSchema, { id: "save-view", lastResult });
  const link = (view: SavedView) => (
    <li key={view.id} className="flex items-center rounded-full border border-slate-300 dark:border-slate-700">
      <Link to={`/inbox${view.search}`} className="px-3 py-0.5 hover:underline">
        {view.team ? <span className="sr-only">Team view: </span> : null}
        {view.name}
      </Link>
      {!view.team || isAdmin ? (
        <Form method="post" className="contents">
          <input type="hidden" name="intent" value="view-delete" />
          <input type="hidden" name="viewId" value={view.id} />
          <ChipRemove label={`Delete the view ${view.name}`} type="submit" className="px-2 text-slate-500 hover:text-red-700 dark:hover:text-red-300" />
        </Form>
      ) : null}
    </li>
  );
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      {team.length > 0 ? (
        <ul aria-label="Team views" className="flex flex-wrap items-center gap-1">
          <li className="text-xs uppercase text-slate-500 dark:text-slate-400">Team</li>
          {team.map(link)}
        </ul>
      ) : null}
      {mine.length > 0 ? (
        <ul aria-label="My saved views" className="flex flex-wrap items-center gap-1">
          <li className="text-xs uppercase text-slate-500 dark:text-slate-400">Saved</li>
          {mine.map(link)}
        </ul>
      ) : null}
      <details className="relative" open={form.status === "error" ? true : undefined}>
        <summary className={`${buttonClass({ variant: "secondary", size: "sm", className: "cursor-pointer list-none border-dashed text-sm" })}`}>
          Save this view…
        </summary>
        <Form
          method="post"
          {...getFormProps(form)}
          aria-label="Save this view"
          className="absolute z-10 mt-1 flex w-72 flex-col gap-2 rounded border border-slate-200 bg-white p-3 shadow dark:border-slate-800 dark:bg-slate-900"
        >
          <input type="hidden" name="intent" value="view-save" />
          <input type="hidden" name="search" value={search} />
          <Field meta={fields.name} label="Name" density="sm" />
          {isAdmin ? <CheckboxField meta={fields.team} label="Pin for the whole team" /> : null}
          <ErrorBanner errors={form.errors ?? fields.search.errors} />
          <Button variant="neutral" disabled={saving}>
            {saving ? "Saving…" : "Save"}
          </Button>
        </Form>
      </details>
    </div>
  );
}

/** What the last view form did: saved or deleted (a status), or why a delete was refused. */
export function ViewResult({ result }: { result: unknown }) {
  const saved = result as { ok?: boolean; message?: string; intent?: string } | undefined;
  if (saved?.ok && saved.message)
    return (
      <Banner tone="success" data-testid="view-result">
        {saved.message}
      </Banner>
    );
  // A refused save shows by its own form; a refused delete (a hand-made post, a view gone) here.
  const refusal = resultFor(result, { intent: "view-delete" });
  const message = refusal ? firstErrorOf(refusal) : undefined;
  return message ? (
    <Banner tone="error" data-testid="view-result">
      {message}
    </Banner>
  ) : null;
}

/** What was wrong with the URL: each bad value was left out, the rest of the view is shown. */
export function UrlProblems({ problems }: { problems: { key: string; message: string }[] }) {
  const { search } = useLocation();
  if (problems.length === 0) return null;
  const keys = [...new Set(problems.map((p) => p.key))];
  return (
    <Notice tone="warning" data-testid="url-problems" className="py-2">
      <p className="font-medium">Some of this link's settings were not understood and are left out:</p>
      <ul className="ml-5 list-disc">
        {problems.map((p, i) => (
          <li key={i}>{p.message}</li>
        ))}
      </ul>
      <Link to={withParams(search, Object.fromEntries(keys.map((k) => [k, null])))} className="underline">
        Remove them from the address
      </Link>
    </Notice>
  );
}

function UnreadToggle() {
  const { search } = useLocation();
  const [params] = useSearchParams();
  const on = params.get("unread") === "1";
  return (
    <Link
      to={withParams(search, { unread: on ? null : "1" })}
      preventScrollReset
      aria-current={on ? "true" : undefined}
      data-testid="facet-unread"
      className={toggleClass({ dashed: true })}
    >
      Unread only
    </Link>
  );
}

/** Sessions in which FleetLM lost messages (their transcripts show where). */
function LostToggle() {
  const { search } = useLocation();
  const [params] = useSearchParams();
  const on = params.get("lost") === "1";
  return (
    <Link
      to={withParams(search, { lost: on ? null : "1" })}
      preventScrollReset
      aria-current={on ? "true" : undefined}
      data-testid="facet-lost"
      title="Sessions with messages FleetLM lost"
      className={toggleClass({ tone: "warning", dashed: true })}
    >
      Lost messages
    </Link>
  );
}

export function InboxFilters({ agents, labels, searchRef }: { agents: string[]; labels: string[]; searchRef: React.RefObject<HTMLDivElement> }) {
  const [params] = useSearchParams();
  return (
    <DataTableToolbar
      fields={["q", "agent"]}
      filterKeys={FILTER_KEYS}
      aside={
        <div className="flex flex-wrap items-center gap-2">
          <DataTableFacetedFilter name="status" title="FleetLM status" options={SESSION_STATUSES.map((s) => ({ value: s, label: s }))} />
          {labels.length > 0 ? <DataTableFacetedFilter name="label" title="Label" options={labels.map((l) => ({ value: l, label: l }))} /> : null}
          <UnreadToggle />
          <LostToggle />
        </div>
      }
    >
      <div ref={searchRef} className="contents">
        <label className="flex flex-col text-xs text-slate-600 dark:text-slate-300">
          Search users, session ids and messages
          <input
            key={params.get("q") ?? ""}
            name="q"
            type="search"
            defaultValue={params.get("q") ?? ""}
            placeholder="Search  /"
            maxLength={200}
            data-testid="inbox-search"
            className={controlClass("inline", "mt-0.5 w-64")}
          />
        </label>
      </div>
      <label className="flex flex-col text-xs text-slate-600 dark:text-slate-300">
        Agent
        <AgentSelect agents={agents} />
      </label>
      <SelectedAgentQuality />
    </DataTableToolbar>
  );
}

/** The filtered agent's quality figures (reviews), inline beside the filter. */
function SelectedAgentQuality() {
  const [params] = useSearchParams();
  const agent = params.get("agent");
  return agent ? <AgentQualityBadge agentId={agent} className="self-end" /> : null;
}

/** Applies at once: picking an agent submits the toolbar's form (the search box's text goes with it). */
function AgentSelect({ agents }: { agents: string[] }) {
  const [params] = useSearchParams();
  const submit = useSubmit();
  const current = params.get("agent") ?? "";
  return (
    <select
      key={current}
      name="agent"
      defaultValue={current}
      data-testid="agent-select"
      onChange={(e) => submit(e.currentTarget.form, { preventScrollReset: true })}
      className={controlClass("inline", "mt-0.5")}
    >
      <option value="">Any</option>
      {[...new Set([...agents, ...(current ? [current] : [])])].map((agent) => (
        <option key={agent} value={agent}>
          {agent}
        </option>
      ))}
    </select>
  );
}
