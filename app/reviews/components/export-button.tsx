// Downloads a streamed CSV export with progress: reads the response body chunk by chunk, counts CSV records
// (newlines outside quotes, so multi-line comments count once) against the server's X-Total-Rows, then saves
// the collected bytes as a file. Without JavaScript the plain link still downloads (no progress).
import { useRef, useState } from "react";
import { buttonClass } from "~/components/ui/button";

type Progress = { state: "idle" | "running" | "done" | "error"; rows: number; bytes: number; total: number | null; message?: string };

/** Counts record ends in CSV text incrementally; `inQuotes` carries over between chunks. */
export function countRecords(text: string, state: { inQuotes: boolean }): number {
  let records = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 34)
      state.inQuotes = !state.inQuotes; // '"' (an escaped "" toggles twice)
    else if (ch === 10 && !state.inQuotes) records++;
  }
  return records;
}

function filenameFrom(disposition: string | null, fallback: string) {
  return /filename="?([^";]+)"?/.exec(disposition ?? "")?.[1] ?? fallback;
}

export function ExportButton({ href, label, className = "" }: { href: string; label: string; className?: string }) {
  const [progress, setProgress] = useState<Progress>({ state: "idle", rows: 0, bytes: 0, total: null });
  const abort = useRef<AbortController | null>(null);

  async function run(event: React.MouseEvent) {
    if (typeof ReadableStream === "undefined") return; // let the link download
    event.preventDefault();
    const controller = new AbortController();
    abort.current = controller;
    try {
      const res = await fetch(href, { signal: controller.signal });
      if (!res.ok || !res.body) throw new Error(res.status === 403 ? "You may not export this." : `The Console answered ${res.status}.`);
      const total = res.headers.get("X-Total-Rows");
      const totalRows = total === null ? null : Number(total);
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      const quotes = { inQuotes: false };
      const parts: Uint8Array[] = [];
      let records = 0;
      let bytes = 0;
      setProgress({ state: "running", rows: 0, bytes: 0, total: totalRows });
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parts.push(value);
        bytes += value.byteLength;
        records += countRecords(decoder.decode(value, { stream: true }), quotes);
        setProgress({ state: "running", rows: Math.max(0, records - 1), bytes, total: totalRows });
      }
      const rows = Math.max(0, records - 1); // minus the header line
      const blob = new Blob(parts as BlobPart[], { type: "text/csv;charset=utf-8" });
      const url = URL.createObjectURL(blob);
      const a = document.createElement("a");
      a.href = url;
      a.download = filenameFrom(res.headers.get("Content-Disposition"), "export.csv");
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setProgress({ state: "done", rows, bytes, total: totalRows });
    } catch (error) {
      if (controller.signal.aborted) setProgress({ state: "idle", rows: 0, bytes: 0, total: null });
      else setProgress((p) => ({ ...p, state: "error", message: error instanceof Error ? error.message : String(error) }));
    } finally {
      abort.current = null;
    }
  }

  const pct = progress.total ? Math.min(100, Math.round((progress.rows / Math.max(1, progress.total)) * 100)) : null;
  return (
    <div className={`flex items-center gap-2 text-sm ${className}`}>
      <a href={href} download onClick={run} className={buttonClass({ variant: "secondary" })} aria-disabled={progress.state === "running"}>
        {label}
      </a>
      {progress.state === "running" ? (
        <>
          <progress max={progress.total ?? undefined} value={progress.total ? progress.rows : undefined} aria-label="Export progress" className="w-32" />
          <span data-testid="export-progress">
            {progress.rows.toLocaleString("en")} {progress.total !== null ? `of ${progress.total.toLocaleString("en")} rows (${pct}%)` : "rows"} ·{" "}
            {(progress.bytes / 1024).toFixed(0)} KiB
          </span>
          <button type="button" onClick={() => abort.current?.abort()} className={buttonClass({ variant: "link", size: "inline" })}>
            Cancel
          </button>
        </>
      ) : null}
      {progress.state === "done" ? (
        <span role="status" data-testid="export-done">
          Exported {progress.rows.toLocaleString("en")} rows.
        </span>
      ) : null}
      {progress.state === "error" ? (
        <span role="alert" className="text-red-600">
          {progress.message}
        </span>
      ) : null}
    </div>
  );
}
