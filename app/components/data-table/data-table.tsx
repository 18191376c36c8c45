// The table itself: TanStack Table in manual (server-driven) mode. The loader already sorted, filtered and
// paged the rows; TanStack only supplies the column model, header/cell rendering and the sort state.
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef, type Row, type Table } from "@tanstack/react-table";
import type { HTMLAttributes, ReactNode, Ref } from "react";
import type { TableState } from "~/lib/table-state";

/** What a page may add to each body row: a key (to re-mount it), a ref, handlers, data-* and ARIA attributes, classes. */
export type RowExtras = HTMLAttributes<HTMLTableRowElement> & { key?: string; ref?: Ref<HTMLTableRowElement> } & {
  [data: `data-${string}`]: string | undefined;
};

export function useServerTable<TRow>(options: {
  data: TRow[];
  columns: ColumnDef<TRow, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any -- TanStack's own column type
  state: TableState;
  getRowId?: (row: TRow) => string;
}): Table<TRow> {
  const { data, columns, state, getRowId } = options;
  return useReactTable({
    data,
    columns,
    getRowId,
    getCoreRowModel: getCoreRowModel(),
    manualPagination: true,
    manualSorting: true,
    manualFiltering: true,
    enableMultiSort: false,
    pageCount: state.pageCount,
    rowCount: state.total,
    state: {
      sorting: [state.sort],
      pagination: { pageIndex: state.page - 1, pageSize: state.pageSize },
    },
  });
}

export function DataTable<TRow>({
  table,
  caption,
  emptyText = "No results.",
  busy = false,
  rowExtras,
}: {
  table: Table<TRow>;
  caption?: string;
  emptyText?: ReactNode;
  /** A reload is under way: the rows are dimmed and marked aria-busy. */
  busy?: boolean;
  rowExtras?: (row: Row<TRow>, index: number) => RowExtras;
}) {
  const rows = table.getRowModel().rows;
  return (
    <div
      className={`relative overflow-x-auto rounded-md border border-slate-200 transition-opacity motion-reduce:transition-none dark:border-slate-800 ${busy ? "opacity-60" : ""}`}
      aria-busy={busy}
    >
      <table className="w-full text-left text-sm">
        {caption ? <caption className="sr-only">{caption}</caption> : null}
        <thead className="bg-slate-50 text-slate-600 dark:bg-slate-900 dark:text-slate-300">
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <th
                  key={header.id}
                  scope="col"
                  className="px-3 py-2 font-medium"
                  aria-sort={header.column.getIsSorted() === "asc" ? "ascending" : header.column.getIsSorted() === "desc" ? "descending" : undefined}
                >
                  {header.isPlaceholder ? null : flexRender(header.column.columnDef.header, header.getContext())}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={table.getVisibleLeafColumns().length} className="px-3 py-8 text-center text-slate-600 dark:text-slate-400">
                {emptyText}
              </td>
            </tr>
          ) : (
            rows.map((row, index) => {
              const { key = row.id, className = "", ...extras } = rowExtras?.(row, index) ?? {};
              return (
                <tr key={key} {...extras} className={`border-t border-slate-200 align-top dark:border-slate-800 ${className}`}>
                  {row.getVisibleCells().map((cell) => (
                    <td key={cell.id} className="px-3 py-2">
                      {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    </td>
                  ))}
                </tr>
              );
            })
          )}
        </tbody>
      </table>
    </div>
  );
}
