// Rate / label / comment / flag one assistant message, shown under every agent reply in the session view.
// It loads its state only once scrolled into view, so a long session does not fire a request per message.
import { formatUtc } from "~/lib/format-date";
import { useEffect, useId, useRef, useState } from "react";
import { Button, ToggleButton, buttonClass } from "~/components/ui/button";
import { controlClass } from "~/components/ui/field";
import { schemaConstraint } from "~/lib/forms";
import { ReviewFormSchema } from "../review-forms";
import { useReview } from "./use-review";

// The comment's limit comes from the schema the route checks with (ADR 190).
const COMMENT_MAX = schemaConstraint(ReviewFormSchema).comment?.maxLength ?? 2000;

function useVisible<T extends Element>() {
  const ref = useRef<T>(null);
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    const node = ref.current;
    if (!node || visible) return;
    if (typeof IntersectionObserver === "undefined") return setVisible(true);
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) setVisible(true);
    });
    observer.observe(node);
    return () => observer.disconnect();
  }, [visible]);
  return { ref, visible };
}

export function ReviewControls({ sessionId, seq }: { sessionId: string; seq: number; me: { id: string; role: string } }) {
  const { ref, visible } = useVisible<HTMLDivElement>();
  const review = useReview(sessionId, seq, { enabled: visible });
  const [open, setOpen] = useState(false);
  const { view, draft, save } = review;
  const ids = useId();
  const fieldError = (name: "comment" | "labels") => (save.status === "error" ? save.errors?.[name]?.[0] : undefined);
  const commentError = fieldError("comment");
  const labelsError = fieldError("labels");
  const flagged = view?.state.flagged ?? null;
  const mine = view?.state.mine ?? null;
  const conflict = view?.state.conflict ?? null;
  const conflictText =
    conflict === "wrote"
      ? "You wrote this reply: someone else reviews it."
      : conflict === "held"
        ? "You held this session: someone else reviews its replies."
        : undefined;
  const toggleFlag = () => {
    if (flagged && !flagged.byMe) {
      // Clearing someone else's flag needs a reason (the server refuses it without one).
      const reason = window.prompt(`${flagged.byName ?? "Someone else"} flagged this reply. Why clear their flag?`)?.trim();
      if (reason) void review.setFlag(false, reason);
      return;
    }
    void review.setFlag(!flagged);
  };

  return (
    <div ref={ref} className="mt-1 text-xs" data-testid={`review-controls-${seq}`}>
      <div className="flex flex-wrap items-center gap-1">
        <ToggleButton
          tone="good"
          size="xs"
          disabled={!view || Boolean(conflict)}
          title={conflictText}
          pressed={draft.rating === "good"}
          onClick={() => void review.submit({ rating: "good" })}
        >
          Good
        </ToggleButton>
        <ToggleButton
          tone="bad"
          size="xs"
          disabled={!view || Boolean(conflict)}
          title={conflictText}
          pressed={draft.rating === "bad"}
          onClick={() => void review.submit({ rating: "bad" })}
        >
          Bad
        </ToggleButton>
        <button
          type="button"
          disabled={!view || Boolean(conflict)}
          aria-expanded={open}
          onClick={() => setOpen((o) => !o)}
          className={buttonClass({ variant: "secondary", size: "xs" })}
        >
          {mine && (mine.labels.length > 0 || mine.comment) ? `Labels · comment (${mine.labels.length}${mine.comment ? ", 💬" : ""})` : "Labels · comment"}
        </button>
        <ToggleButton
          tone="warning"
          size="xs"
          disabled={!view}
          pressed={Boolean(flagged)}
          onClick={toggleFlag}
          title={
            flagged ? `Flagged${flagged.byName ? ` by ${flagged.byName}` : ""} ${formatUtc(flagged.at)}` : "Put this reply at the front of the review queue"
          }
        >
          {flagged ? "Flagged" : "Flag for review"}
        </ToggleButton>
        {view?.state.vanished ? (
          <span role="note" data-testid="reply-vanished" className="text-amber-800 dark:text-amber-200">
            FleetLM no longer has this reply (lost after delivery); reviews keep their snapshot.
          </span>
        ) : null}
        {view && view.state.reviewCount > 0 ? (
          <span className="text-slate-600 dark:text-slate-400">
            {view.state.reviewCount} review{view.state.reviewCount > 1 ? "s" : ""}
          </span>
        ) : null}
        {save.status === "saving" ? <span className="text-slate-600 dark:text-slate-400">Saving…</span> : null}
        {save.status === "saved" ? <span className="text-green-700 dark:text-green-400">Saved</span> : null}
        {save.status === "error" && !(open && (commentError || labelsError)) ? (
          <span role="alert" className="text-red-700 dark:text-red-400">
            {save.message}
          </span>
        ) : null}
        {review.loadError ? <span className="text-red-600">{review.loadError}</span> : null}
      </div>
      {open && view ? (
        <form
          className="mt-1 space-y-1 rounded border border-slate-200 p-2 dark:border-slate-800"
          onSubmit={(event) => {
            event.preventDefault();
            void review.submit();
          }}
        >
          <fieldset className="flex flex-wrap gap-2" aria-describedby={labelsError ? `${ids}-labels-error` : undefined}>
            <legend className="sr-only">Labels</legend>
            {review.labels.map((label) => (
              <label key={label.id} className="flex items-center gap-1">
                <input type="checkbox" checked={draft.labels.includes(label.name)} onChange={() => review.toggleLabel(label.name)} />
                {label.name}
              </label>
            ))}
          </fieldset>
          {labelsError ? (
            <p id={`${ids}-labels-error`} role="alert" className="text-red-700 dark:text-red-400">
              {labelsError}
            </p>
          ) : null}
          <textarea
            aria-label="Comment"
            value={draft.comment}
            maxLength={COMMENT_MAX}
            aria-invalid={commentError ? true : undefined}
            aria-describedby={commentError ? `${ids}-comment-error` : undefined}
            onChange={(e) => review.edit({ comment: e.target.value })}
            rows={2}
            className={controlClass("sm", "mt-0")}
          />
          {commentError ? (
            <p id={`${ids}-comment-error`} role="alert" className="text-red-700 dark:text-red-400">
              {commentError}
            </p>
          ) : null}
          <div className="flex items-center gap-2">
            <Button size="sm" disabled={!draft.rating || save.status === "saving"}>
              Save review
            </Button>
            {!draft.rating ? <span className="text-slate-600 dark:text-slate-400">Rate it good or bad to save.</span> : null}
            <span className="ml-auto text-slate-400">
              {draft.comment.length}/{COMMENT_MAX}
            </span>
          </div>
        </form>
      ) : null}
    </div>
  );
}
