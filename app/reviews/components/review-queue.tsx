// The keyboard-driven review flow: a list of replies and the current one in the context of the messages
// before it. j/→ next, k/← previous, 1 good, 2 bad, label hotkeys, c comment, f flag, Enter save (and next).
import { formatUtc } from "~/lib/format-date";
import { Link } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState } from "react";
import type { LabelDef, QueueItem } from "../review-types";
import { MAX_COMMENT } from "../review-types";
import { AddToDataset, type DatasetOption } from "./add-to-dataset";
import { ReplyContext } from "./reply-context";
import { useReview } from "./use-review";
import { ToggleButton, buttonClass, toggleClass } from "~/components/ui/button";
import { controlClass } from "~/components/ui/field";

type Props = { items: QueueItem[]; labels: LabelDef[]; more: boolean; datasets?: DatasetOption[] };

function isTyping(target: EventTarget | null) {
  const el = target as HTMLElement | null;
  if (!el) return false;
  if (el.tagName === "INPUT") return !["checkbox", "radio", "button", "submit"].includes((el as HTMLInputElement).type);
  return el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable;
}

export function ReviewQueue({ items, labels, more, datasets = [] }: Props) {
  const firstOpen = Math.max(
    0,
    items.findIndex((i) => !i.reviewedByMe),
  );
  const [index, setIndex] = useState(firstOpen);
  const [done, setDone] = useState<Set<string>>(() => new Set(items.filter((i) => i.reviewedByMe).map((i) => `${i.sessionId}:${i.seq}`)));
  const current = items[index];

  if (items.length === 0) {
    return (
      <p
        className="rounded border border-dashed border-slate-300 p-6 text-center text-slate-600 dark:border-slate-700 dark:text-slate-300"
        data-testid="queue-empty"
      >
        Nothing left to review with these filters.
      </p>
    );
  }
  const move = (delta: number) => setIndex((i) => Math.min(items.length - 1, Math.max(0, i + delta)));
  return (
    <div className="grid gap-4 lg:grid-cols-[22rem_1fr]">
      <ol
        className="max-h-[70vh] overflow-auto rounded border border-slate-200 bg-white text-sm dark:border-slate-800 dark:bg-slate-900"
        aria-label="Replies to review"
      >
        {items.map((item, i) => {
          const k = `${item.sessionId}:${item.seq}`;
          return (
            <li key={k}>
              <button
                type="button"
                onClick={() => setIndex(i)}
                aria-current={i === index ? "true" : undefined}
                data-testid="queue-item"
                data-key={k}
                className={`flex w-full items-start gap-2 px-2 py-1.5 text-left ${i === index ? "bg-blue-50 dark:bg-blue-950" : "hover:bg-slate-50 dark:hover:bg-slate-800"}`}
              >
                <span className="w-4 shrink-0">{done.has(k) ? "✓" : ""}</span>
                <span className="min-w-0 flex-1">
                  <span className="flex items-center gap-2 text-xs text-slate-500 dark:text-slate-400">
                    {item.flaggedAt ? <span className="rounded bg-amber-100 px-1 text-amber-900 dark:bg-amber-900 dark:text-amber-100">flagged</span> : null}
                    <span className="truncate">
                      {item.userId ?? "unknown user"} → {item.agentId}
                    </span>
                    {item.byOperator ? <span className="text-purple-700 dark:text-purple-300">operator</span> : null}
                    {item.termination === "abort" ? <span className="text-red-600">abort</span> : null}
                    <time dateTime={item.at} className="ml-auto shrink-0">
                      {item.at.slice(5, 16).replace("T", " ")}
                    </time>
                  </span>
                  <span className="block truncate" data-testid="queue-item-preview">
                    {item.preview ?? `#${item.seq}${item.latencyMs !== null ? ` · ${item.latencyMs} ms` : ""}`}
                  </span>
                </span>
              </button>
            </li>
          );
        })}
        {more ? <li className="px-2 py-1.5 text-xs text-slate-600 dark:text-slate-400">More replies wait: reload when these are done.</li> : null}
      </ol>
      {current ? (
        <CurrentReply
          key={`${current.sessionId}:${current.seq}`}
          item={current}
          position={`${index + 1} of ${items.length}`}
          labels={labels}
          datasets={datasets}
          onNext={() => move(1)}
          onPrevious={() => move(-1)}
          onSaved={() => {
            setDone((d) => new Set(d).add(`${current.sessionId}:${current.seq}`));
            move(1);
          }}
        />
      ) : null}
    </div>
  );
}

function CurrentReply({
  item,
  position,
  labels,
  datasets,
  onNext,
  onPrevious,
  onSaved,
}: {
  item: QueueItem;
  position: string;
  labels: LabelDef[];
  datasets: DatasetOption[];
  onNext: () => void;
  onPrevious: () => void;
  onSaved: () => void;
}) {
  const review = useReview(item.sessionId, item.seq);
  const comment = useRef<HTMLTextAreaElement>(null);
  const reasonInput = useRef<HTMLInputElement>(null);
  const { draft, view } = review;
  // Clearing someone else's flag asks for a reason first (the server refuses it without one).
  const [askReason, setAskReason] = useState(false);
  const [reason, setReason] = useState("");
  const toggleFlag = useCallback(() => {
    const flag = view?.state.flagged;
    if (flag && !flag.byMe) {
      setAskReason(true);
      setTimeout(() => reasonInput.current?.focus(), 0);
      return;
    }
    void review.setFlag(!flag);
  }, [review, view]);

  const save = useCallback(async () => {
    if (await review.submit()) onSaved();
  }, [review, onSaved]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.metaKey || event.ctrlKey || event.altKey) return;
      if (isTyping(event.target)) {
        if (event.key === "Escape") (event.target as HTMLElement).blur();
        if (event.key === "Enter" && !event.shiftKey && event.target === comment.current) {
          event.preventDefault();
          void save();
        }
        return;
      }
      const key = event.key;
      if (key === "j" || key === "ArrowRight") onNext();
      else if (key === "k" || key === "ArrowLeft") onPrevious();
      else if (key === "1") review.edit({ rating: "good" });
      else if (key === "2") review.edit({ rating: "bad" });
      else if (key === "c") comment.current?.focus();
      else if (key === "f") toggleFlag();
      else if (key === "Enter") void save();
      else {
        const label = labels.find((l) => l.hotkey === key.toLowerCase());
        if (!label) return;
        review.toggleLabel(label.name);
      }
      event.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [labels, onNext, onPrevious, review, save, toggleFlag]);

  return (
    <section
      aria-label="Reply under review"
      className="space-y-3 rounded border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900"
      data-testid="current-reply"
    >
      <header className="flex flex-wrap items-center gap-2 text-sm">
        <span className="font-medium">{position}</span>
        <Link to={`/sessions/${encodeURIComponent(item.sessionId)}?seq=${item.seq}`} className="text-blue-600 underline dark:text-blue-400">
          Open session
        </Link>
        <span className="text-slate-600 dark:text-slate-400">
          {item.agentId} · seq {item.seq} · {item.termination}
          {item.latencyMs !== null ? ` · ${item.latencyMs} ms` : ""} · {item.byOperator ? "written by an operator" : "AI"}
        </span>
        <time dateTime={item.at} title={item.at} className="ml-auto text-slate-600 dark:text-slate-400">
          {formatUtc(item.at)}
        </time>
      </header>
      {view?.state.flagged ? (
        <p className="text-sm text-amber-700 dark:text-amber-300" data-testid="flagged-by">
          Flagged by {view.state.flagged.byMe ? "you" : (view.state.flagged.byName ?? "someone")} · {formatUtc(view.state.flagged.at)}.
        </p>
      ) : null}
      {askReason && view?.state.flagged ? (
        <form
          className="flex flex-wrap items-center gap-2 text-sm"
          aria-label="Clear someone else's flag"
          onSubmit={async (event) => {
            event.preventDefault();
            if (await review.setFlag(false, reason.trim())) {
              setAskReason(false);
              setReason("");
            }
          }}
        >
          <label className="flex grow items-center gap-2">
            Why clear {view.state.flagged.byName ?? "their"}’s flag?
            <input
              ref={reasonInput}
              required
              maxLength={500}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              aria-label="Reason for clearing the flag"
              className={controlClass("inline", "grow")}
            />
          </label>
          <button className={buttonClass({ variant: "secondary" })}>Clear flag</button>
          <button type="button" onClick={() => setAskReason(false)} className={buttonClass({ variant: "link-muted", size: "inline" })}>
            Cancel
          </button>
        </form>
      ) : null}
      {view?.state.conflict ? (
        <p role="status" className="rounded bg-slate-100 p-2 text-sm text-slate-700 dark:bg-slate-800 dark:text-slate-200" data-testid="review-conflict">
          {view.state.conflict === "wrote"
            ? "You wrote this reply, so someone else has to review it."
            : "You held this session, so someone else has to review its replies."}
        </p>
      ) : null}
      {review.loadError ? (
        <p role="alert" className="text-sm text-red-600">
          {review.loadError}
        </p>
      ) : null}
      <div className="max-h-[45vh] overflow-auto">
        <ReplyContext sessionId={item.sessionId} seq={item.seq} />
      </div>
      <form
        className="space-y-2 text-sm"
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Rating">
          <ToggleButton tone="good" pressed={draft.rating === "good"} onClick={() => review.edit({ rating: "good" })}>
            <kbd>1</kbd> Good
          </ToggleButton>
          <ToggleButton tone="bad" pressed={draft.rating === "bad"} onClick={() => review.edit({ rating: "bad" })}>
            <kbd>2</kbd> Bad
          </ToggleButton>
          <ToggleButton tone="warning" pressed={Boolean(view?.state.flagged)} onClick={toggleFlag}>
            <kbd>f</kbd> {view?.state.flagged ? "Unflag" : "Flag"}
          </ToggleButton>
          {view?.state.mine ? (
            <span className="text-xs text-slate-600 dark:text-slate-400">You reviewed this {formatUtc(view.state.mine.updatedAt)}: saving edits it.</span>
          ) : null}
        </div>
        <fieldset className="flex flex-wrap gap-2">
          <legend className="sr-only">Labels</legend>
          {labels.map((label) => (
            <label key={label.id} className={toggleClass({ className: "flex items-center gap-1" })}>
              <input type="checkbox" checked={draft.labels.includes(label.name)} onChange={() => review.toggleLabel(label.name)} />
              {label.hotkey ? <kbd className="text-xs text-slate-600 dark:text-slate-400">{label.hotkey}</kbd> : null} {label.name}
            </label>
          ))}
        </fieldset>
        <label className="block">
          <span className="text-xs text-slate-600 dark:text-slate-400">
            <kbd>c</kbd> Comment (Enter saves, Shift+Enter new line, Esc leaves)
          </span>
          <textarea
            ref={comment}
            aria-label="Comment"
            rows={2}
            maxLength={MAX_COMMENT}
            value={draft.comment}
            onChange={(e) => review.edit({ comment: e.target.value })}
            className={controlClass("sm", "mt-1")}
          />
        </label>
        <div className="flex items-center gap-3">
          <button type="submit" disabled={review.save.status === "saving" || Boolean(view?.state.conflict)} className={buttonClass({ size: "lg" })}>
            <kbd>Enter</kbd> Save and next
          </button>
          <span className="text-xs text-slate-600 dark:text-slate-400">
            <kbd>j</kbd>/<kbd>→</kbd> next · <kbd>k</kbd>/<kbd>←</kbd> previous
          </span>
          {review.save.status === "error" ? (
            <span role="alert" className="text-red-600">
              {review.save.message}
            </span>
          ) : null}
          {review.save.status === "saved" ? <span className="text-green-700">Saved</span> : null}
          <span className="ml-auto text-xs text-slate-400">
            {draft.comment.length}/{MAX_COMMENT}
          </span>
        </div>
      </form>
      {view?.state.mine ? <AddToDataset sessionId={item.sessionId} seq={item.seq} datasets={datasets} /> : null}
    </section>
  );
}
