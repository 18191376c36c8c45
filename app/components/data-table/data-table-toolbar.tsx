// The toolbar: a GET form for the text/date filters it contains. Every other query value (sort, page size,
// faceted filters) rides along as a hidden input, and submitting starts again at page 1.
import { Form, Link, useLocation, useSearchParams } from "@remix-run/react";
import { withParams } from "~/lib/table-state";
import { Button } from "~/components/ui/button";

type Props = {
  /** The query keys of the inputs inside this form (they are not copied as hidden inputs). */
  fields: readonly string[];
  /** Every filter key, cleared by "Reset" (defaults to `fields`). */
  filterKeys?: readonly string[];
  children: React.ReactNode;
  /** Controls placed after the form (faceted filters, export links). */
  aside?: React.ReactNode;
};

export function DataTableToolbar({ fields, filterKeys = fields, children, aside }: Props) {
  const [params] = useSearchParams();
  const { search } = useLocation();
  const carried = [...params.entries()].filter(([key]) => key !== "page" && !fields.includes(key));
  const active = filterKeys.some((key) => params.getAll(key).some((v) => v !== ""));
  return (
    <div className="mb-3 flex flex-wrap items-end gap-2">
      <Form method="get" className="flex flex-wrap items-end gap-2" role="search" preventScrollReset>
        {carried.map(([key, value], index) => (
          <input key={`${key}-${index}`} type="hidden" name={key} value={value} />
        ))}
        {children}
        <Button variant="neutral">Apply</Button>
      </Form>
      {aside}
      {active ? (
        <Link to={withParams(search, Object.fromEntries(filterKeys.map((key) => [key, null])))} className="px-2 py-1 text-sm underline">
          Reset filters
        </Link>
      ) : null}
    </div>
  );
}

/** A labelled text input for the toolbar form. */
export function DataTableTextFilter({
  name,
  label,
  type = "search",
  placeholder,
}: {
  name: string;
  label: string;
  type?: "search" | "date";
  placeholder?: string;
}) {
  const [params] = useSearchParams();
  return (
    <label className="flex flex-col text-xs text-slate-600 dark:text-slate-300">
      {label}
      <input
        key={params.get(name) ?? ""}
        name={name}
        type={type}
        defaultValue={params.get(name) ?? ""}
        placeholder={placeholder}
        className="mt-0.5 rounded border border-slate-300 px-2 py-1 text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100"
      />
    </label>
  );
}
