import { formatJson } from "../format";

/** Formatted JSON as text (React escapes it), cut when huge. */
export function JsonBlock({ value, label }: { value: unknown; label?: string }) {
  const { text, truncated } = formatJson(value);
  return (
    <div className="text-xs">
      {label ? <div className="mb-0.5 font-medium text-slate-600 dark:text-slate-400">{label}</div> : null}
      <pre className="max-h-80 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-100 p-2 font-mono dark:bg-slate-800">{text}</pre>
      {truncated > 0 ? <p className="mt-0.5 text-slate-600 dark:text-slate-400">… {truncated.toLocaleString("en")} more characters not shown</p> : null}
    </div>
  );
}
