// The plain table of a small list (not the server-driven data table of components/data-table): a caption for
// screen readers, a muted header row, rows divided by a line, and one row that says the list is empty.
import type { ReactNode, TdHTMLAttributes, ThHTMLAttributes } from "react";

export function Table({ caption, className, children, ...rest }: { caption?: string; className?: string; children: ReactNode; "data-testid"?: string }) {
  return (
    <table className={["w-full text-left text-sm", className].filter(Boolean).join(" ")} {...rest}>
      {caption ? <caption className="sr-only">{caption}</caption> : null}
      {children}
    </table>
  );
}

/**
 * The header row: one scoped `th` per column; an empty string is a column without a visible title. `boxed` is the
 * look of a table inside a bordered box (a shaded header, padded cells).
 */
export function TableHead({ columns, boxed = false }: { columns: ReactNode[]; boxed?: boolean }) {
  return (
    <thead className={boxed ? "bg-slate-50 text-slate-600 dark:bg-slate-900 dark:text-slate-300" : undefined}>
      <tr className={boxed ? undefined : "text-left text-slate-600 dark:text-slate-400"}>
        {columns.map((title, i) => (
          <Th key={i} className={boxed ? "px-3 py-2 font-medium" : undefined}>
            {title === "" ? <span className="sr-only">Actions</span> : title}
          </Th>
        ))}
      </tr>
    </thead>
  );
}

export function Th({ className, ...props }: ThHTMLAttributes<HTMLTableCellElement>) {
  return <th scope="col" className={className ?? "py-1 pr-3 font-medium"} {...props} />;
}

export function Tr({ children, className, ...rest }: { children: ReactNode; className?: string; "data-testid"?: string }) {
  return (
    <tr className={["border-t border-slate-200 dark:border-slate-800", className].filter(Boolean).join(" ")} {...rest}>
      {children}
    </tr>
  );
}

export function Td({ className, ...props }: TdHTMLAttributes<HTMLTableCellElement>) {
  return <td className={["py-1 pr-3 align-top", className].filter(Boolean).join(" ")} {...props} />;
}

/** The row shown when there is nothing to list. */
export function EmptyRow({ colSpan, children }: { colSpan: number; children: ReactNode }) {
  return (
    <tr>
      <td colSpan={colSpan} className="py-2 text-slate-600 dark:text-slate-400">
        {children}
      </td>
    </tr>
  );
}
