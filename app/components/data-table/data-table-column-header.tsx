// A sortable column header is a link to the same URL with the next `sort` value (asc → desc → asc).
import { Link, useLocation } from "@remix-run/react";
import type { Column } from "@tanstack/react-table";
import { nextSort, withParams } from "~/lib/table-state";

export function DataTableColumnHeader<Row, Value>({ column, title }: { column: Column<Row, Value>; title: string }) {
  const { search } = useLocation();
  if (!column.getCanSort()) return <span>{title}</span>;
  const sorted = column.getIsSorted();
  const current = sorted ? { id: column.id, desc: sorted === "desc" } : { id: "", desc: false };
  const arrow = sorted === "asc" ? "↑" : sorted === "desc" ? "↓" : "↕";
  return (
    <Link
      to={withParams(search, { sort: nextSort(current, column.id) })}
      preventScrollReset
      className="inline-flex items-center gap-1 hover:text-slate-900 dark:hover:text-white"
    >
      {title}
      <span aria-hidden className={sorted ? "" : "text-slate-400"}>
        {arrow}
      </span>
      <span className="sr-only">{sorted ? `, sorted ${sorted === "asc" ? "ascending" : "descending"}` : ", sort"}</span>
    </Link>
  );
}
