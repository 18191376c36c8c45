// Pagination as links: first/previous/next/last and the page size, each a URL the loader parses again.
import { Link, useLocation } from "@remix-run/react";
import { PAGE_SIZES, withParams, type TableState } from "~/lib/table-state";
import { buttonClass } from "~/components/ui/button";

const linkClass = buttonClass({ variant: "secondary" });
const disabledClass = "rounded border border-slate-200 px-2 py-1 text-slate-400 dark:border-slate-800";

function PageLink({ page, label, disabled }: { page: number; label: string; disabled: boolean }) {
  const { search } = useLocation();
  if (disabled)
    return (
      <span aria-disabled="true" className={disabledClass}>
        {label}
      </span>
    );
  return (
    <Link to={withParams(search, { page: page === 1 ? null : page })} preventScrollReset className={linkClass}>
      {label}
    </Link>
  );
}

export function DataTablePagination({ state }: { state: TableState }) {
  const { search } = useLocation();
  const { page, pageCount, pageSize, total } = state;
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  return (
    <nav aria-label="Pagination" className="mt-3 flex flex-wrap items-center gap-3 text-sm">
      <span data-testid="table-range">
        {first}–{last} of {total}
      </span>
      <span className="flex items-center gap-1">
        Rows per page
        {PAGE_SIZES.map((size) =>
          size === pageSize ? (
            <span key={size} aria-current="true" className="rounded bg-slate-200 px-1.5 py-0.5 font-medium dark:bg-slate-800">
              {size}
            </span>
          ) : (
            <Link
              key={size}
              to={withParams(search, { pageSize: size })}
              preventScrollReset
              className="rounded px-1.5 py-0.5 hover:bg-slate-100 dark:hover:bg-slate-900"
            >
              {size}
            </Link>
          ),
        )}
      </span>
      <span className="ml-auto flex items-center gap-1">
        <PageLink page={1} label="« First" disabled={page <= 1} />
        <PageLink page={page - 1} label="‹ Previous" disabled={page <= 1} />
        <span className="px-2">
          Page {page} of {pageCount}
        </span>
        <PageLink page={page + 1} label="Next ›" disabled={page >= pageCount} />
        <PageLink page={pageCount} label="Last »" disabled={page >= pageCount} />
      </span>
    </nav>
  );
}
