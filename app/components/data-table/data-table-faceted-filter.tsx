// A faceted filter: a disclosure with one toggle link per value; the selected values repeat the query key
// (`?role=admin&role=auditor`). Links work without JavaScript and keep the state in the URL.
import { Link, useLocation, useSearchParams } from "@remix-run/react";
import { withParams } from "~/lib/table-state";

export type FacetOption = { value: string; label: string; count?: number };

/** `single`: picking a value replaces the current one (for filters that take one value). */
export function DataTableFacetedFilter({ name, title, options, single = false }: { name: string; title: string; options: FacetOption[]; single?: boolean }) {
  const { search } = useLocation();
  const [params] = useSearchParams();
  const selected = params.getAll(name);
  const toggle = (value: string) => (selected.includes(value) ? selected.filter((v) => v !== value) : single ? [value] : [...selected, value]);
  return (
    <details className="relative">
      <summary className="cursor-pointer list-none rounded border border-dashed border-slate-300 px-2 py-1 text-sm dark:border-slate-700">
        {title}
        {selected.length > 0 ? (
          <span className="ml-1 rounded bg-slate-200 px-1 text-xs dark:bg-slate-800">
            {selected.length === 1 ? (options.find((o) => o.value === selected[0])?.label ?? selected[0]) : `${selected.length} selected`}
          </span>
        ) : null}
      </summary>
      <ul
        aria-label={`${title} filter`}
        className="absolute z-10 mt-1 min-w-44 rounded border border-slate-200 bg-white p-1 shadow dark:border-slate-800 dark:bg-slate-900"
      >
        {options.map((option) => {
          const on = selected.includes(option.value);
          return (
            <li key={option.value}>
              <Link
                to={withParams(search, { [name]: toggle(option.value) })}
                preventScrollReset
                className="flex items-center gap-2 rounded px-2 py-1 text-sm hover:bg-slate-100 dark:hover:bg-slate-800"
              >
                <span aria-hidden className="inline-block w-4 text-center">
                  {on ? "✓" : ""}
                </span>
                <span>{option.label}</span>
                <span className="sr-only">{on ? "(selected, click to remove)" : "(click to add)"}</span>
                {option.count !== undefined ? <span className="ml-auto text-xs text-slate-600 dark:text-slate-400">{option.count}</span> : null}
              </Link>
            </li>
          );
        })}
        {selected.length > 0 ? (
          <li className="border-t border-slate-200 dark:border-slate-800">
            <Link
              to={withParams(search, { [name]: null })}
              preventScrollReset
              className="block rounded px-2 py-1 text-center text-sm hover:bg-slate-100 dark:hover:bg-slate-800"
            >
              Clear
            </Link>
          </li>
        ) : null}
      </ul>
    </details>
  );
}
