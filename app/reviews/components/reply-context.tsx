// The conversation around a reply under review, rendered as the session view renders it (tool calls and
// reasoning as parts, operators by name, never raw JSON), with "load more" up and down.
import { createContext, useCallback, useContext, useEffect, useState } from "react";
import type { MessageView } from "~/sessions/components/message-view";
import type { ReplyView } from "../review-types";
import { replyUrl } from "./use-review";
import { buttonClass } from "~/components/ui/button";

type Context = NonNullable<ReplyView["context"]>;

const STEP = 10;

/**
 * How a message is drawn: the session view's MessageView, handed in by the route. Reviews sit below the session page
 * (which shows their quality badge), so they may not import its components (docs/architecture.md, ADR 140).
 */
export const ReplyMessageView = createContext<typeof MessageView | null>(null);

export function useReplyContext(sessionId: string, seq: number, initialBefore = 5) {
  const [before, setBefore] = useState(initialBefore);
  const [after, setAfter] = useState(0);
  const [context, setContext] = useState<Context | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    fetch(`${replyUrl(sessionId, seq)}?context=${before}&after=${after}`, { headers: { accept: "application/json" } })
      .then(async (res) => {
        if (!res.ok) throw new Error(res.status === 404 ? "This reply is not in FleetLM." : `The Console answered ${res.status}.`);
        const view = (await res.json()) as ReplyView;
        if (live) {
          setContext(view.context ?? null);
          setError(null);
        }
      })
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [sessionId, seq, before, after]);
  const more = useCallback(
    (direction: "up" | "down") => (direction === "up" ? setBefore((b) => Math.min(200, b + STEP)) : setAfter((a) => Math.min(200, a + STEP))),
    [],
  );
  return { context, error, more, after };
}

export function ReplyContext({ sessionId, seq, initialBefore = 5 }: { sessionId: string; seq: number; initialBefore?: number }) {
  const { context, error, more, after } = useReplyContext(sessionId, seq, initialBefore);
  const Message = useContext(ReplyMessageView);
  if (!Message) throw new Error("ReplyContext needs a ReplyMessageView provider: the route hands in the session view's MessageView.");
  if (error)
    return (
      <p role="alert" className="text-sm text-red-600">
        {error}
      </p>
    );
  if (!context) return <p className="text-sm text-slate-600 dark:text-slate-400">Loading the conversation…</p>;
  if ("unavailable" in context) {
    return (
      <p role="status" className="rounded bg-amber-100 p-2 text-sm text-amber-900 dark:bg-amber-900 dark:text-amber-100" data-testid="context-unavailable">
        FleetLM is unreachable: the conversation cannot be shown right now. You can still save: the Console keeps a copy of the reply, and the review is marked
        as saved from it.
      </p>
    );
  }
  const session = { userId: context.userId ?? "", agentId: context.agentId ?? "" };
  const last = context.messages.at(-1)?.seq ?? seq;
  return (
    <div className="space-y-2" data-testid="reply-context">
      {context.hasMoreBefore ? (
        <button
          type="button"
          onClick={() => more("up")}
          className={buttonClass({ variant: "link", size: "inline", className: "text-xs" })}
          data-testid="more-before"
        >
          Load earlier messages
        </button>
      ) : (
        <p className="text-xs text-slate-600 dark:text-slate-400">Start of the conversation.</p>
      )}
      {context.messages.map((m) => (
        <Message key={m.seq} highlighted={m.seq === seq} session={session} message={m.view} />
      ))}
      {after === 0 || last - seq >= after ? (
        <button
          type="button"
          onClick={() => more("down")}
          className={buttonClass({ variant: "link", size: "inline", className: "text-xs" })}
          data-testid="more-after"
        >
          Load later messages
        </button>
      ) : (
        <p className="text-xs text-slate-600 dark:text-slate-400">End of the conversation.</p>
      )}
    </div>
  );
}
