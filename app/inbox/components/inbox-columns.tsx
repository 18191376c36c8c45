// The inbox table's columns (TanStack column defs): selection, user (the link into the session), agent, state,
// FleetLM status, my unread, last activity, last message or search hit, holder, assignee, labels. Sorting is the
// server's, so only columns an index can serve are sortable.
import { Chip } from "~/components/ui/chip";
import { Link } from "@remix-run/react";
import { createColumnHelper } from "@tanstack/react-table";
import { useMemo, type Dispatch, type SetStateAction } from "react";
import { DataTableColumnHeader } from "~/components/data-table";
import type { InboxRow } from "~/inbox/inbox-query.server";
import { sessionLink } from "~/inbox/session-link";
import { RelativeTime } from "./relative-time";
import { SearchHit } from "./search-hit";
import { StateCell } from "./state-cell";
import { RowViewers } from "./row-viewers";

const column = createColumnHelper<InboxRow>();
const ROLE_LABEL = { user: "User", agent: "AI", operator: "Operator" } as const;

export type InboxColumnsInput = {
  /** The rows shown (the select-all box covers this page only). */
  rows: InboxRow[];
  selected: Set<string>;
  setSelected: Dispatch<SetStateAction<Set<string>>>;
  toggle: (id: string) => void;
  /** The clock relative times and waiting states are measured against. */
  now: number;
  unansweredMinutes: number;
  /** The URL's query, carried into each session link (previous/next in this view). */
  search: string;
  /** Tabbing onto a row's link makes it the focused row. */
  onFocusRow: (id: string) => void;
  /** Who was viewing each row's session when the page loaded (the rows' `viewers` events keep it live), and me. */
  viewers: Record<string, { id: string; name: string }[]>;
  meId: string;
};

export function useInboxColumns({ rows, selected, setSelected, toggle, now, unansweredMinutes, search, onFocusRow, viewers, meId }: InboxColumnsInput) {
  return useMemo(
    () => [
      column.display({
        id: "select",
        header: () => (
          <input
            type="checkbox"
            aria-label="Select all on this page"
            checked={rows.length > 0 && rows.every((row) => selected.has(row.id))}
            onChange={(e) => {
              const checked = e.target.checked;
              // Only this page's rows: a selection made on other pages stays.
              setSelected((current) => {
                const next = new Set(current);
                for (const row of rows) {
                  if (checked) next.add(row.id);
                  else next.delete(row.id);
                }
                return next;
              });
            }}
          />
        ),
        cell: ({ row }) => (
          <input
            type="checkbox"
            aria-label={`Select session of ${row.original.userId}`}
            checked={selected.has(row.original.id)}
            onChange={() => toggle(row.original.id)}
          />
        ),
      }),
      column.accessor("userId", {
        id: "user",
        header: ({ column: c }) => <DataTableColumnHeader column={c} title="User" />,
        cell: ({ row }) => (
          <Link to={sessionLink(row.original.id, search)} className="font-medium hover:underline" onFocus={() => onFocusRow(row.original.id)}>
            {row.original.userId}
          </Link>
        ),
      }),
      column.accessor("agentId", { id: "agent", header: ({ column: c }) => <DataTableColumnHeader column={c} title="Agent" /> }),
      column.accessor("state", {
        id: "state",
        enableSorting: false,
        header: "State",
        cell: ({ row }) => <StateCell row={row.original} now={now} unansweredMinutes={unansweredMinutes} />,
      }),
      column.accessor("status", {
        id: "status",
        header: ({ column: c }) => <DataTableColumnHeader column={c} title="FleetLM" />,
        cell: ({ getValue }) => <span className={getValue() === "active" ? "" : "text-slate-500"}>{getValue()}</span>,
      }),
      column.accessor("unread", {
        id: "unread",
        enableSorting: false, // computed per operator: no index can serve it (use the "Unread only" filter)
        header: "My unread",
        cell: ({ getValue, row }) =>
          getValue() > 0 ? (
            <span data-testid={`unread-${row.original.id}`} className="rounded-full bg-blue-600 px-2 py-0.5 text-xs font-semibold text-white">
              {getValue()}
            </span>
          ) : row.original.activity ? (
            // AI or teammates replied since I last read: activity, not unread (ADR 100).
            <span
              data-testid={`unread-${row.original.id}`}
              aria-label="0 unread, new replies"
              title="New replies from the AI or a teammate"
              className="inline-flex items-center gap-1 text-xs text-slate-500 dark:text-slate-400"
            >
              <span aria-hidden className="inline-block h-2 w-2 rounded-full border border-slate-400" />0
            </span>
          ) : (
            <span data-testid={`unread-${row.original.id}`} className="text-slate-400" aria-label="0 unread">
              0
            </span>
          ),
      }),
      column.accessor("lastActivityAt", {
        id: "lastActivity",
        header: ({ column: c }) => <DataTableColumnHeader column={c} title="Last activity" />,
        cell: ({ getValue }) => <RelativeTime iso={getValue()} now={now} />,
      }),
      column.accessor("lastPreview", {
        id: "preview",
        enableSorting: false,
        header: "Last message",
        cell: ({ row }) =>
          row.original.hit ? (
            <SearchHit sessionId={row.original.id} seq={row.original.hit.seq} snippet={row.original.hit.snippet} />
          ) : row.original.lastPreview === null ? (
            <span className="text-slate-400">No messages</span>
          ) : (
            <span className="line-clamp-2 max-w-md">
              {row.original.lastSenderRole ? <Chip className="mr-1 uppercase">{ROLE_LABEL[row.original.lastSenderRole]}</Chip> : null}
              {row.original.lastPreview}
            </span>
          ),
      }),
      column.accessor((row) => row.holder?.name ?? null, {
        id: "holder",
        enableSorting: false,
        header: "Taken over by",
        cell: ({ getValue, row }) => (
          <>
            {getValue() ?? ""}
            <RowViewers sessionId={row.original.id} initial={viewers[row.original.id] ?? []} meId={meId} />
          </>
        ),
      }),
      column.accessor((row) => row.assignee?.name ?? null, {
        id: "assignee",
        enableSorting: false,
        header: "Assignee",
        cell: ({ getValue }) => getValue() ?? "",
      }),
      column.accessor("labels", {
        id: "labels",
        enableSorting: false,
        header: "Labels",
        cell: ({ getValue }) => (
          <span className="flex flex-wrap gap-1">
            {getValue().map((label) => (
              <Chip key={label} tone="warning">
                {label}
              </Chip>
            ))}
          </span>
        ),
      }),
    ],
    [rows, selected, setSelected, toggle, now, unansweredMinutes, search, onFocusRow, viewers, meId],
  );
}
