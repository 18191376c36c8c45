// Row actions: a small disclosure menu holding the row's forms (no client state, works without JavaScript).
export function DataTableRowActions({ label, open, children }: { label: string; open?: boolean; children: React.ReactNode }) {
  return (
    <details className="relative" open={open}>
      <summary className="cursor-pointer list-none rounded px-2 py-0.5 text-sm hover:bg-slate-100 dark:hover:bg-slate-800">
        ⋯ <span className="sr-only">{label}</span>
      </summary>
      <div className="absolute right-0 z-10 mt-1 w-72 space-y-2 rounded border border-slate-200 bg-white p-2 shadow dark:border-slate-800 dark:bg-slate-900">
        {children}
      </div>
    </details>
  );
}
