// Find in transcript (issue 17): searches the whole session through /sessions/:id/find (the message index) plus
// the messages this page holds that the index may not have yet, then jumps from hit to hit ("3 of 7"). The
// transcript is virtualised, so the browser's own find cannot see most of it; this can.
import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from "react";
import { messageText } from "~/messages/message-text";
import type { ViewMessage } from "../types";
import { buttonClass } from "~/components/ui/button";

type Props = {
  sessionId: string;
  /** The messages the page holds (searched here too: the newest may not be indexed yet). */
  messages: ViewMessage[];
  onJump: (seq: number) => void;
  onClose: () => void;
};

export type FindBarHandle = { focus: () => void };
type Found = { q: string; seqs: number[]; capped: boolean };

const DEBOUNCE_MS = 250;

export const FindBar = forwardRef<FindBarHandle, Props>(function FindBar({ sessionId, messages, onJump, onClose }, ref) {
  const input = useRef<HTMLInputElement>(null);
  const [q, setQ] = useState("");
  const [found, setFound] = useState<Found | null>(null);
  const [index, setIndex] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  const [searching, setSearching] = useState(false);
  const held = useRef(messages);
  held.current = messages;
  const jump = useRef(onJump);
  jump.current = onJump;
  useImperativeHandle(ref, () => ({ focus: () => input.current?.select() }), []);
  useEffect(() => input.current?.focus(), []);

  useEffect(() => {
    const term = q.trim();
    if (!term) {
      setFound(null);
      setProblem(null);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      setSearching(true);
      fetch(`/sessions/${encodeURIComponent(sessionId)}/find?${new URLSearchParams({ q: term })}`, {
        headers: { accept: "application/json" },
        signal: controller.signal,
      })
        .then(async (response) => {
          if (!response.ok) throw new Error(response.status === 400 ? "That cannot be searched for." : "Search is unavailable right now.");
          return (await response.json()) as Found & { indexedUpTo: number };
        })
        .then((result) => {
          // What the index has not reached yet, the page may hold: search it here.
          const needle = term.toLocaleLowerCase();
          const local = held.current.filter((m) => m.seq > result.indexedUpTo && messageText(m.content).toLocaleLowerCase().includes(needle)).map((m) => m.seq);
          const seqs = [...new Set([...result.seqs, ...local])].sort((a, b) => a - b);
          setFound({ q: term, seqs, capped: result.capped });
          setProblem(null);
          // Start at the newest hit: the reader is at the tail.
          setIndex(seqs.length - 1);
          if (seqs.length > 0) jump.current(seqs[seqs.length - 1]!);
        })
        .catch((error: unknown) => {
          if (controller.signal.aborted) return;
          setProblem(error instanceof Error && error.message ? error.message : "Search is unavailable right now.");
        })
        .finally(() => {
          if (!controller.signal.aborted) setSearching(false);
        });
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [q, sessionId]);

  const hits = found?.seqs ?? [];
  const step = (delta: 1 | -1) => {
    if (hits.length === 0) return;
    const next = (index + delta + hits.length) % hits.length;
    setIndex(next);
    jump.current(hits[next]!);
  };

  const count = !q.trim()
    ? ""
    : problem
      ? problem
      : searching && !found
        ? "Searching…"
        : found
          ? hits.length === 0
            ? "No matches"
            : `${index + 1} of ${hits.length}${found.capped ? "+" : ""}`
          : "";

  return (
    <div
      role="search"
      className="flex items-center gap-2 rounded-lg border border-slate-200 bg-white px-2 py-1.5 dark:border-slate-800 dark:bg-slate-900"
      data-testid="find-bar"
    >
      <label htmlFor={`find-${sessionId}`} className="sr-only">
        Find in transcript
      </label>
      <input
        ref={input}
        id={`find-${sessionId}`}
        type="search"
        data-action="find-input"
        value={q}
        maxLength={200}
        placeholder="Find in the whole transcript"
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            step(e.shiftKey ? -1 : 1);
          } else if (e.key === "Escape") {
            e.preventDefault();
            onClose();
          }
        }}
        className="min-w-0 flex-1 rounded border border-slate-300 px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-950"
      />
      <span aria-live="polite" className="whitespace-nowrap text-xs text-slate-600 dark:text-slate-400" data-testid="find-count">
        {count}
      </span>
      <button
        type="button"
        onClick={() => step(-1)}
        disabled={hits.length === 0}
        aria-label="Previous hit"
        className="rounded border border-slate-300 px-2 py-0.5 text-sm disabled:opacity-50 dark:border-slate-700"
      >
        ↑
      </button>
      <button
        type="button"
        onClick={() => step(1)}
        disabled={hits.length === 0}
        aria-label="Next hit"
        className="rounded border border-slate-300 px-2 py-0.5 text-sm disabled:opacity-50 dark:border-slate-700"
      >
        ↓
      </button>
      <button type="button" onClick={onClose} aria-label="Close find" className={buttonClass({ variant: "quiet", size: "sm", className: "text-sm" })}>
        ×
      </button>
    </div>
  );
});
