// Saved views (bookmarkable preset URLs) and the filter toolbar; every filter lives in the URL.
import { Link, useLocation, useSearchParams } from "@remix-run/react";
import { DataTableFacetedFilter, DataTableTextFilter, DataTableToolbar, withParams } from "~/components/data-table";
import { AgentQualityBadge } from "~/reviews/components/agent-quality-badge";

export const SAVED_VIEWS: { label: string; search: string }[] = [
  { label: "All", search: "" },
  { label: "My unread", search: "?unread=1" },
  { label: "Needs a human", search: "?needsHuman=1&status=active" },
  { label: "Assigned to me", search: "?assigned=me" },
  { label: "Unassigned", search: "?assigned=none&status=active" },
  { label: "Taken over", search: "?takenOver=yes" },
];

export const FILTER_KEYS = ["status", "agent", "q", "unread", "needsHuman", "takenOver", "assigned", "label"] as const;

function Toggle({ name, value, label }: { name: string; value: string; label: string }) {
  const { search } = useLocation();
  const [params] = useSearchParams();
  const on = params.get(name) === value;
  return (
    <Link
      to={withParams(search, { [name]: on ? null : value })}
      preventScrollReset
      aria-pressed={on}
      className={`rounded border px-2 py-1 text-sm ${on ? "border-blue-500 bg-blue-50 font-medium dark:bg-blue-950" : "border-dashed border-slate-300 dark:border-slate-700"}`}
    >
      {label}
    </Link>
  );
}

export function SavedViews() {
  const { search } = useLocation();
  const current = normalise(search);
  return (
    <nav aria-label="Saved views" className="mb-3 flex flex-wrap gap-1 text-sm">
      {SAVED_VIEWS.map((view) => (
        <Link
          key={view.label}
          to={`/inbox${view.search}`}
          aria-current={normalise(view.search) === current ? "page" : undefined}
          className="rounded-full border border-slate-300 px-3 py-1 hover:bg-slate-100 aria-[current=page]:bg-slate-800 aria-[current=page]:text-white dark:border-slate-700 dark:hover:bg-slate-800 dark:aria-[current=page]:bg-slate-200 dark:aria-[current=page]:text-slate-900"
        >
          {view.label}
        </Link>
      ))}
    </nav>
  );
}

function normalise(search: string) {
  const params = new URLSearchParams(search);
  for (const key of ["page", "pageSize", "sort"]) params.delete(key);
  return [...params.entries()].map(([k, v]) => `${k}=${v}`).sort().join("&");
}

export function InboxFilters({ agents, labels, searchRef }: { agents: string[]; labels: string[]; searchRef: React.RefObject<HTMLDivElement> }) {
  return (
    <DataTableToolbar
      fields={["q", "agent"]}
      filterKeys={FILTER_KEYS}
      aside={
        <div className="flex flex-wrap items-center gap-2">
          <DataTableFacetedFilter name="status" title="Status" options={["active", "inactive", "archived"].map((s) => ({ value: s, label: s }))} />
          {labels.length > 0 ? <DataTableFacetedFilter name="label" title="Label" options={labels.map((l) => ({ value: l, label: l }))} /> : null}
          <Toggle name="unread" value="1" label="Unread only" />
          <Toggle name="needsHuman" value="1" label="Needs a human" />
          <Toggle name="takenOver" value="yes" label="Taken over" />
          <Toggle name="assigned" value="me" label="Assigned to me" />
          <Toggle name="assigned" value="none" label="Unassigned" />
        </div>
      }
    >
      <div ref={searchRef} className="contents">
        <DataTableTextFilter name="q" label="User (prefix) or session id" placeholder="Search users  /" />
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

function AgentSelect({ agents }: { agents: string[] }) {
  const [params] = useSearchParams();
  const current = params.get("agent") ?? "";
  return (
    <select key={current} name="agent" defaultValue={current} className="mt-0.5 rounded border border-slate-300 px-2 py-1 text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100">
      <option value="">Any</option>
      {[...new Set([...agents, ...(current ? [current] : [])])].map((agent) => (
        <option key={agent} value={agent}>{agent}</option>
      ))}
    </select>
  );
}
