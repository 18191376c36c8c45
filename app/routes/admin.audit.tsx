import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useLocation } from "@remix-run/react";
import { createColumnHelper } from "@tanstack/react-table";
import { listAuditEvents } from "~/audit/audit-log.server";
import { requirePermission } from "~/auth/guards.server";
import {
  DataTable,
  DataTableColumnHeader,
  DataTableFacetedFilter,
  DataTablePagination,
  DataTableTextFilter,
  DataTableToolbar,
  formatDateTime,
  useServerTable,
} from "~/components/data-table";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { buttonClass } from "~/components/ui/button";

export const meta: MetaFunction = () => [{ title: "Audit log · FleetLM Console" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "audit:read");
  return listAuditEvents(request);
}

type Row = Awaited<ReturnType<typeof loader>>["events"][number];
const column = createColumnHelper<Row>();

/** Details are stored JSON written by our own code, but may echo user input: shown as text, never as HTML. */
function Details({ text }: { text: string }) {
  if (!text) return <span className="text-slate-400">—</span>;
  const short = text.length > 4000 ? `${text.slice(0, 4000)}\n… (${text.length - 4000} more characters)` : text;
  return (
    <details>
      <summary className="cursor-pointer text-xs text-slate-600 dark:text-slate-300">{text.replace(/\s+/g, " ").slice(0, 60)}</summary>
      <pre className="mt-1 max-h-64 max-w-md overflow-auto whitespace-pre-wrap break-all rounded bg-slate-100 p-2 text-xs dark:bg-slate-900">{short}</pre>
    </details>
  );
}

const columns = [
  column.accessor("at", {
    header: ({ column }) => <DataTableColumnHeader column={column} title="Time" />,
    cell: (info) => <span className="whitespace-nowrap">{formatDateTime(info.getValue())}</span>,
  }),
  column.accessor("action", {
    header: ({ column }) => <DataTableColumnHeader column={column} title="Action" />,
    cell: (info) => <code className="text-xs">{info.getValue()}</code>,
  }),
  column.accessor("actorEmail", {
    header: ({ column }) => <DataTableColumnHeader column={column} title="Actor" />,
    cell: (info) => info.getValue() ?? <span className="text-slate-400">system / anonymous</span>,
  }),
  column.display({
    id: "target",
    header: "Target",
    cell: ({ row }) =>
      row.original.targetType ? (
        <code className="text-xs">
          {row.original.targetType}:{row.original.targetId ?? ""}
        </code>
      ) : (
        "—"
      ),
  }),
  column.accessor("ip", { header: "IP", enableSorting: false, cell: (info) => <span className="font-mono text-xs">{info.getValue() ?? "—"}</span> }),
  column.accessor("details", { header: "Details", enableSorting: false, cell: (info) => <Details text={info.getValue()} /> }),
];

export default function AuditLog() {
  const { events, actions, table: state } = useLoaderData<typeof loader>();
  const { search } = useLocation();
  const table = useServerTable({ data: events, columns, state, getRowId: (row) => String(row.id) });
  const exportQuery = new URLSearchParams(search);
  exportQuery.delete("page");
  exportQuery.delete("pageSize");
  const exportSearch = exportQuery.toString();
  return (
    <section>
      <div className="mb-3 flex items-center gap-3">
        <h1 className="text-xl font-semibold">Audit log</h1>
        <Link
          reloadDocument
          to={`/admin/audit/export${exportSearch ? `?${exportSearch}` : ""}`}
          className={buttonClass({ variant: "secondary", className: "ml-auto" })}
        >
          Export CSV
        </Link>
      </div>
      <DataTableToolbar
        fields={["action", "actor", "targetType", "targetId", "from", "to"]}
        aside={<DataTableFacetedFilter name="action" title="Known actions" options={actions} single />}
      >
        <DataTableTextFilter name="action" label="Action (or its beginning)" placeholder="operator." />
        <DataTableTextFilter name="actor" label="Actor (e-mail or id)" />
        <DataTableTextFilter name="targetType" label="Target type" placeholder="operator" />
        <DataTableTextFilter name="targetId" label="Target id" />
        <DataTableTextFilter name="from" label="From (UTC)" type="date" />
        <DataTableTextFilter name="to" label="To (UTC, inclusive)" type="date" />
      </DataTableToolbar>
      <DataTable table={table} caption="Audit events" emptyText="No audit events match." />
      <DataTablePagination state={state} />
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
