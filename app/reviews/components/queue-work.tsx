// Working a queue by keyboard: the server hands out one reply at a time (reserved to me), I rate it, fill the
// queue's scores beside their rubrics, and Enter saves and fetches the next. j/→ skips, 1 good, 2 bad, label
// hotkeys toggle, c comment, f flag, Tab into the scores.
import { formatUtc } from "~/lib/format-date";
import { Link } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState } from "react";
import type { QueueProgress } from "../queues/queues.server";
import type { LabelDef, Rating } from "../review-types";
import { MAX_COMMENT } from "../review-types";
import { scoreField, type ScoreConfigView } from "../scores/score-types";
import { ReplyContext } from "./reply-context";
import { useReview } from "./use-review";
import { Banner } from "~/components/ui/banner";
import { Button, ToggleButton, toggleClass } from "~/components/ui/button";
import { controlClass } from "~/components/ui/field";
import { errorsByField, firstErrorOf } from "~/lib/forms";

type Item = { sessionId: string; seq: number; rank: string; reviewsDone: number; reservedUntil: string };
/** The work route's answer: the next item, or conform's reply (errors by field, the form's own under ""). */
type WorkAnswer = { ok: true; item: Item | null; progress: QueueProgress } | { ok?: undefined; status: "error"; error: Record<string, string[] | null> };
type Props = { queueId: string; configs: ScoreConfigView[]; labels: LabelDef[]; initialProgress: QueueProgress };

function isTyping(target: EventTarget | null) {
  const el = target as HTMLElement | null;
  if (!el) return false;
  if (el.tagName === "INPUT") return !["checkbox", "radio", "button", "submit"].includes((el as HTMLInputElement).type);
  return el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable;
}

export function QueueWork({ queueId, configs, labels, initialProgress }: Props) {
  const [item, setItem] = useState<Item | null | undefined>(undefined);
  const [progress, setProgress] = useState(initialProgress);
  const [error, setError] = useState<string | null>(null);

  const work = useCallback(
    async (fields: [string, string][]): Promise<WorkAnswer> => {
      const res = await fetch(`/reviews/queues/${encodeURIComponent(queueId)}/work`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: new URLSearchParams(fields),
      });
      const json = (await res.json().catch(() => null)) as WorkAnswer | null;
      return json ?? { status: "error", error: { "": [`The Console answered ${res.status}.`] } };
    },
    [queueId],
  );

  const take = useCallback(
    async (fields: [string, string][]) => {
      const answer = await work(fields);
      if (answer.ok) {
        setItem(answer.item);
        setProgress(answer.progress);
        setError(null);
      } else setError(firstErrorOf(answer) ?? "Refused.");
      return answer;
    },
    [work],
  );

  useEffect(() => {
    void take([["intent", "next"]]);
    // Leaving the page lets go of my open item, so nobody waits for my hold to expire. keepalive lets the
    // request outlive the page.
    const release = () =>
      void fetch(`/reviews/queues/${encodeURIComponent(queueId)}/work`, {
        method: "POST",
        keepalive: true,
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: new URLSearchParams({ intent: "release" }),
      }).catch(() => undefined);
    window.addEventListener("pagehide", release);
    return () => {
      window.removeEventListener("pagehide", release);
      release();
    };
  }, [take, queueId]);

  return (
    <div className="space-y-3">
      <p className="text-sm" data-testid="queue-progress">
        <span className="font-medium" data-testid="remaining-for-me">
          {progress.remainingForMe}
        </span>{" "}
        left for you · <span data-testid="remaining-total">{progress.remaining}</span> reviews still needed in total ({progress.reviewsDone} of{" "}
        {progress.items * progress.reviewsNeeded} written; {progress.itemsComplete} of {progress.items} replies complete)
        {progress.perReviewer.length ? <> · {progress.perReviewer.map((r) => `${r.name} ${r.done}`).join(", ")}</> : null}
      </p>
      {error ? <Banner tone="error">{error}</Banner> : null}
      {item === undefined ? <p className="text-sm text-slate-600 dark:text-slate-400">Finding your next reply…</p> : null}
      {item === null ? (
        <p
          className="rounded border border-dashed border-slate-300 p-6 text-center text-slate-600 dark:border-slate-700 dark:text-slate-300"
          data-testid="queue-done"
        >
          Nothing left for you in this queue{progress.remaining > 0 ? " (the rest is open with other reviewers or needs someone else)" : ""}.
        </p>
      ) : null}
      {item ? (
        <QueueItemView
          key={`${item.sessionId}:${item.seq}`}
          item={item}
          configs={configs}
          labels={labels}
          onSkip={() =>
            void take([
              ["intent", "next"],
              ["after", item.rank],
            ])
          }
          onSubmit={(fields) => take([["intent", "review"], ["sessionId", item.sessionId], ["seq", String(item.seq)], ...fields])}
        />
      ) : null}
    </div>
  );
}

type Draft = { rating: Rating | null; labels: string[]; comment: string; scores: Record<string, string> };

function QueueItemView({
  item,
  configs,
  labels,
  onSkip,
  onSubmit,
}: {
  item: Item;
  configs: ScoreConfigView[];
  labels: LabelDef[];
  onSkip: () => void;
  onSubmit: (fields: [string, string][]) => Promise<WorkAnswer>;
}) {
  const review = useReview(item.sessionId, item.seq);
  const [draft, setDraft] = useState<Draft>({ rating: null, labels: [], comment: "", scores: {} });
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [saving, setSaving] = useState(false);
  const comment = useRef<HTMLTextAreaElement>(null);
  const view = review.view;

  const save = useCallback(async () => {
    if (!draft.rating) {
      setErrors({ rating: ["Rate it good or bad first (1 or 2)."] });
      return;
    }
    setSaving(true);
    const fields: [string, string][] = [
      ["rating", draft.rating],
      ["comment", draft.comment],
    ];
    for (const l of draft.labels) fields.push(["labels", l]);
    for (const c of configs) fields.push([scoreField(c.key), draft.scores[c.key] ?? ""]);
    const answer = await onSubmit(fields);
    setSaving(false);
    if (!answer.ok) setErrors(errorsByField(answer));
  }, [draft, configs, onSubmit]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.metaKey || event.ctrlKey || event.altKey) return;
      if (isTyping(event.target)) {
        if (event.key === "Escape") (event.target as HTMLElement).blur();
        return;
      }
      const key = event.key;
      if (key === "j" || key === "ArrowRight") onSkip();
      else if (key === "1") setDraft((d) => ({ ...d, rating: "good" }));
      else if (key === "2") setDraft((d) => ({ ...d, rating: "bad" }));
      else if (key === "c") comment.current?.focus();
      else if (key === "f" && view && !view.state.flagged) void review.setFlag(true);
      else if (key === "Enter") void save();
      else {
        const label = labels.find((l) => l.hotkey === key.toLowerCase());
        if (!label) return;
        setDraft((d) => ({ ...d, labels: d.labels.includes(label.name) ? d.labels.filter((x) => x !== label.name) : [...d.labels, label.name] }));
      }
      event.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [labels, onSkip, review, save, view]);

  // A refused field names its message (aria-describedby) and says it is invalid; the message sits beside it.
  const errorId = (name: string) => `work-error-${name.replace(/\W/g, "-")}`;
  const invalid = (name: string) => (errors[name] ? { "aria-invalid": true, "aria-describedby": errorId(name) } : {});
  const fieldError = (name: string) =>
    errors[name] ? (
      <Banner tone="error" id={errorId(name)} className="text-xs">
        {errors[name]!.join(" ")}
      </Banner>
    ) : null;
  const input = controlClass("inline");
  return (
    <section aria-label="Reply under review" className="grid gap-4 lg:grid-cols-[1fr_24rem]" data-testid="work-item" data-key={`${item.sessionId}:${item.seq}`}>
      <div className="space-y-2 rounded border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900">
        <header className="flex flex-wrap items-center gap-2 text-sm">
          <Link to={`/sessions/${encodeURIComponent(item.sessionId)}?seq=${item.seq}`} className="text-blue-600 underline dark:text-blue-400">
            Open session
          </Link>
          <span className="text-slate-600 dark:text-slate-400">
            seq {item.seq} · {item.reviewsDone} review{item.reviewsDone === 1 ? "" : "s"} so far · held for you until {formatUtc(item.reservedUntil, "minute")}
          </span>
          {view?.state.flagged ? (
            <span className="text-amber-700 dark:text-amber-300">Flagged by {view.state.flagged.byMe ? "you" : (view.state.flagged.byName ?? "someone")}</span>
          ) : null}
        </header>
        <div className="max-h-[60vh] overflow-auto">
          <ReplyContext sessionId={item.sessionId} seq={item.seq} />
        </div>
      </div>
      <form
        className="space-y-3 text-sm"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
        aria-label="Review"
      >
        <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Rating">
          <ToggleButton tone="good" pressed={draft.rating === "good"} onClick={() => setDraft((d) => ({ ...d, rating: "good" }))}>
            <kbd>1</kbd> Good
          </ToggleButton>
          <ToggleButton tone="bad" pressed={draft.rating === "bad"} onClick={() => setDraft((d) => ({ ...d, rating: "bad" }))}>
            <kbd>2</kbd> Bad
          </ToggleButton>
          {fieldError("rating")}
        </div>
        {configs.map((c) => (
          <div key={c.key} className="space-y-1 rounded border border-slate-200 p-2 dark:border-slate-800" data-testid={`score-${c.key}`}>
            <label className="flex flex-col gap-1">
              <span className="font-medium">
                {c.label}
                {c.required ? " *" : ""}{" "}
                <span className="font-normal text-xs text-slate-600 dark:text-slate-400">
                  v{c.version}
                  {c.kind === "numeric" ? ` · ${c.min}–${c.max}${c.step ? ` step ${c.step}` : ""}` : ""}
                </span>
              </span>
              {c.kind === "numeric" ? (
                <input
                  name={scoreField(c.key)}
                  type="number"
                  min={c.min ?? undefined}
                  max={c.max ?? undefined}
                  step={c.step ?? "any"}
                  value={draft.scores[c.key] ?? ""}
                  aria-label={c.label}
                  {...invalid(scoreField(c.key))}
                  onChange={(e) => setDraft((d) => ({ ...d, scores: { ...d.scores, [c.key]: e.target.value } }))}
                  className={`${input} w-28`}
                />
              ) : (
                <select
                  name={scoreField(c.key)}
                  value={draft.scores[c.key] ?? ""}
                  aria-label={c.label}
                  {...invalid(scoreField(c.key))}
                  onChange={(e) => setDraft((d) => ({ ...d, scores: { ...d.scores, [c.key]: e.target.value } }))}
                  className={input}
                >
                  <option value="">—</option>
                  {(c.kind === "boolean" ? ["true", "false"] : c.options).map((o) => (
                    <option key={o} value={o}>
                      {c.kind === "boolean" ? (o === "true" ? "yes" : "no") : o}
                    </option>
                  ))}
                </select>
              )}
            </label>
            {fieldError(scoreField(c.key))}
            {c.description ? <p className="text-xs text-slate-600 dark:text-slate-300">{c.description}</p> : null}
            {c.rubric ? (
              <p className="whitespace-pre-wrap rounded bg-slate-50 p-1.5 text-xs text-slate-600 dark:bg-slate-800 dark:text-slate-300" data-testid="rubric">
                {c.rubric}
              </p>
            ) : null}
          </div>
        ))}
        <fieldset className="flex flex-wrap gap-2">
          <legend className="sr-only">Labels</legend>
          {labels.map((label) => (
            <label key={label.id} className={toggleClass({ className: "flex items-center gap-1" })}>
              <input
                type="checkbox"
                checked={draft.labels.includes(label.name)}
                onChange={() =>
                  setDraft((d) => ({ ...d, labels: d.labels.includes(label.name) ? d.labels.filter((x) => x !== label.name) : [...d.labels, label.name] }))
                }
              />
              {label.hotkey ? <kbd className="text-xs text-slate-600 dark:text-slate-400">{label.hotkey}</kbd> : null} {label.name}
            </label>
          ))}
        </fieldset>
        <label className="block">
          <span className="text-xs text-slate-600 dark:text-slate-400">
            <kbd>c</kbd> Comment
          </span>
          <textarea
            ref={comment}
            aria-label="Comment"
            rows={2}
            maxLength={MAX_COMMENT}
            value={draft.comment}
            {...invalid("comment")}
            onChange={(e) => setDraft((d) => ({ ...d, comment: e.target.value }))}
            onKeyDown={(e) => {
              if (e.key === "Enter" && !e.shiftKey) {
                e.preventDefault();
                void save();
              }
            }}
            className={`mt-1 block w-full ${input}`}
          />
        </label>
        <div className="flex flex-wrap items-center gap-3">
          <Button disabled={saving} size="lg">
            <kbd>Enter</kbd> Save and next
          </Button>
          <Button type="button" variant="ghost" onClick={onSkip}>
            <kbd>j</kbd> Skip
          </Button>
          {errors.form ? <Banner tone="error">{errors.form.join(" ")}</Banner> : null}
          {fieldError("comment")}
          {fieldError("labels")}
        </div>
      </form>
    </section>
  );
}
