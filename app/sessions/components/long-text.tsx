// Text too long (or too markup-dense) to format: shown plain, cut, with "Show all". The whole text is fetched
// on demand when the loader cut it (ADR 085) and painted in slices, one per frame, so even a megabyte never
// holds the main thread for long.
import { useEffect, useState, type ReactNode } from "react";
import { formatChars } from "../render-budget";

/** Characters painted per frame by "Show all". */
export const SLICE_CHARS = 50_000;

type Props = {
  /** The text as held (perhaps already cut by the server). */
  text: string;
  /** Characters the whole text has, when the server cut it; the page then fetches it on demand. */
  fullLength?: number;
  /** Shown before the text is opened in full. */
  shownChars: number;
  /** Why it is plain ("too long to format"). */
  reason: string;
  loadFull?: () => Promise<string>;
  /** How the whole text is shown once opened (default: plain, sliced); markdown formats it in a worker. */
  renderFull?: (text: string) => ReactNode;
};

export function LongText({ text, fullLength, shownChars, reason, loadFull, renderFull = (whole) => <SlicedText text={whole} /> }: Props) {
  const [full, setFull] = useState<string | null>(null);
  const [state, setState] = useState<"idle" | "loading" | "error">("idle");
  const total = fullLength ?? text.length;
  const cut = total > shownChars || fullLength !== undefined;

  const showAll = async () => {
    if (fullLength === undefined || !loadFull) return setFull(text);
    setState("loading");
    try {
      setFull(await loadFull());
      setState("idle");
    } catch {
      setState("error");
    }
  };

  return (
    <div data-testid="long-text">
      {full !== null ? (
        renderFull(full)
      ) : (
        <p className="whitespace-pre-wrap break-words">
          {text.slice(0, shownChars)}
          {cut ? "…" : ""}
        </p>
      )}
      <p className="mt-1 flex flex-wrap items-center gap-2 text-xs text-slate-600 dark:text-slate-400">
        <span>
          {reason}
          {cut && full === null ? ` — ${formatChars(Math.min(shownChars, text.length))} of ${formatChars(total)} shown.` : "."}
        </span>
        {cut && full === null ? (
          <button
            type="button"
            onClick={() => void showAll()}
            disabled={state === "loading"}
            className="rounded border border-slate-300 px-1.5 py-0.5 dark:border-slate-700"
            data-testid="show-all"
          >
            {state === "loading" ? "Loading…" : "Show all"}
          </button>
        ) : null}
        {state === "error" ? (
          <span role="alert" className="text-red-600">
            Could not load the whole text; try again.
          </span>
        ) : null}
      </p>
    </div>
  );
}

/** Plain text painted SLICE_CHARS at a time, one slice per frame. */
export function SlicedText({ text, className = "whitespace-pre-wrap break-words" }: { text: string; className?: string }) {
  const slices = Math.max(1, Math.ceil(text.length / SLICE_CHARS));
  const [painted, setPainted] = useState(1);
  useEffect(() => {
    if (painted >= slices) return;
    const schedule = typeof requestAnimationFrame === "function" ? requestAnimationFrame : (fn: () => void) => setTimeout(fn, 0);
    const cancel = typeof cancelAnimationFrame === "function" ? cancelAnimationFrame : clearTimeout;
    const handle = schedule(() => setPainted((n) => n + 1)) as number;
    return () => cancel(handle);
  }, [painted, slices]);
  return (
    <p className={className} data-testid="sliced-text" data-complete={painted >= slices ? "true" : "false"}>
      {Array.from({ length: Math.min(painted, slices) }, (_, i) => (
        <span key={i}>{text.slice(i * SLICE_CHARS, (i + 1) * SLICE_CHARS)}</span>
      ))}
    </p>
  );
}
