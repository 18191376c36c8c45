// The holder's composer: sends as the agent. One client message id per draft, reused on every retry, so a
// double-click or a retry after an unclear failure never posts twice; a failed send keeps the draft and says why.
// Typing "/" at the start opens the canned replies; typing also counts as activity for the idle timer.
// With a `draftKey` the draft (and its client message id) is kept in localStorage across reloads and sign-outs.
import { useFetcher } from "@remix-run/react";
import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { Button } from "~/components/ui/button";
import { quietPost } from "~/lib/quiet-post";
import { controlClass } from "~/components/ui/field";
import type { TakeoverActionResult } from "../panel-types";
import type { CannedReplyView } from "../canned-replies.server";
import { clearDraft, loadDraft, saveDraft } from "../drafts";
import { BODY_MAX, MessageBodySchema } from "../schemas";

const HEARTBEAT_EVERY_MS = 30_000;
const PENDING_RETRY_MS = 1_500;

type Props = {
  sessionId: string;
  agentId: string;
  url: string;
  cannedReplies: CannedReplyView[];
  /** Where the draft is kept in localStorage (see ../drafts.ts); none keeps it in memory only. */
  draftKey?: string;
  /** Called (throttled by the caller) while the holder types: teammates see "X is typing". Never the text. */
  onTyping?: () => void;
};

export function Composer({ sessionId, agentId, url, cannedReplies, draftKey, onTyping }: Props) {
  const send = useFetcher<TakeoverActionResult>({ key: `takeover-send:${sessionId}` });
  const [draft, setDraft] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pick, setPick] = useState(0);
  const clientId = useRef<string | null>(null);
  const lastBeat = useRef(Date.now());
  const retryTimer = useRef<ReturnType<typeof setTimeout>>();
  const handled = useRef<unknown>(null);
  const textarea = useRef<HTMLTextAreaElement>(null);

  // The saved draft is read after hydration (the server cannot see localStorage).
  const restored = useRef(false);
  useEffect(() => {
    if (!draftKey || restored.current) return;
    restored.current = true;
    const saved = loadDraft(window.localStorage, draftKey);
    if (saved) {
      setDraft(saved.text);
      clientId.current = saved.clientMessageId;
    }
  }, [draftKey]);
  const persist = (text: string) => {
    if (draftKey) saveDraft(window.localStorage, draftKey, { text, clientMessageId: clientId.current });
  };

  const submitDraft = (body: string) => {
    clientId.current ??= crypto.randomUUID();
    persist(body); // the id is saved with the text before the request leaves: a reload mid-send retries it
    send.submit({ intent: "send", clientMessageId: clientId.current, body }, { method: "post", action: url });
  };

  // After every render on purpose: `handled` makes it act once per answer, with the draft as it is then.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => {
    const result = send.data;
    if (!result || send.state !== "idle" || handled.current === result) return;
    handled.current = result;
    if (result.ok) {
      setDraft("");
      setError(null);
      clientId.current = null;
      if (draftKey) clearDraft(window.localStorage, draftKey);
    } else if (result.status === "pending") {
      // The first attempt is still on its way: ask again with the same id; it will never post twice.
      retryTimer.current = setTimeout(() => submitDraft(draft), PENDING_RETRY_MS);
    } else {
      setError(result.reason);
    }
  });
  useEffect(() => () => clearTimeout(retryTimer.current), []);

  const query = draft.startsWith("/") && !draft.includes("\n") ? draft.slice(1).toLowerCase() : null;
  const matches = query === null ? [] : cannedReplies.filter((c) => c.title.toLowerCase().includes(query) || c.body.toLowerCase().includes(query)).slice(0, 8);

  const onChange = (text: string) => {
    setDraft(text);
    setPick(0);
    persist(text);
    if (text.trim()) onTyping?.();
    if (Date.now() - lastBeat.current > HEARTBEAT_EVERY_MS) {
      lastBeat.current = Date.now();
      quietPost(url, { intent: "heartbeat" }); // keeps the claim alive while I type; nothing on the page changes
    }
  };

  const insert = (reply: CannedReplyView) => {
    setDraft(reply.body);
    persist(reply.body);
    setPick(0);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (matches.length > 0) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        setPick((i) => (i + (event.key === "ArrowDown" ? 1 : matches.length - 1)) % matches.length);
        return;
      }
      if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        insert(matches[pick] ?? matches[0]!);
        return;
      }
      if (event.key === "Escape") {
        setDraft("");
        persist("");
        return;
      }
    }
    if (event.key === "Enter" && (event.metaKey || event.ctrlKey)) {
      event.preventDefault();
      trySend();
    }
  };

  const sending = send.state !== "idle";
  const canSend = draft.trim().length > 0 && draft.length <= BODY_MAX && !sending;
  // The route's own schema checks the draft first (ADR 196); its refusal, or the server's, names the textarea.
  const [invalid, setInvalid] = useState<string | null>(null);
  const trySend = () => {
    const checked = MessageBodySchema.safeParse(draft);
    if (!checked.success) return setInvalid(checked.error.issues[0]?.message ?? "Not a message");
    setInvalid(null);
    if (canSend) submitDraft(draft);
  };
  const errorId = `composer-error-${sessionId}`;
  const shownError = invalid ?? (error ? `Not sent: ${error}` : null);

  return (
    <form
      className="flex flex-col gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        trySend();
      }}
    >
      <label htmlFor={`composer-${sessionId}`} className="text-sm font-medium">
        Reply as the agent <span className="font-mono text-xs text-slate-600 dark:text-slate-400">({agentId})</span>
      </label>
      <div className="relative">
        <textarea
          id={`composer-${sessionId}`}
          ref={textarea}
          data-composer
          value={draft}
          onChange={(e) => {
            setInvalid(null);
            onChange(e.target.value);
          }}
          onKeyDown={onKeyDown}
          rows={3}
          maxLength={BODY_MAX}
          aria-invalid={shownError ? true : undefined}
          aria-describedby={shownError ? `${errorId} composer-help-${sessionId}` : `composer-help-${sessionId}`}
          className={controlClass("inline", "block w-full py-2")}
        />
        {matches.length > 0 ? (
          <ul
            role="listbox"
            aria-label="Canned replies"
            className="absolute left-0 right-0 top-full z-10 mt-1 max-h-60 overflow-auto rounded border border-slate-300 bg-white shadow dark:border-slate-700 dark:bg-slate-900"
          >
            {matches.map((reply, i) => (
              <li key={reply.id} role="option" aria-selected={i === pick}>
                <button
                  type="button"
                  onClick={() => insert(reply)}
                  className={`block w-full px-2 py-1 text-left text-sm ${i === pick ? "bg-indigo-50 dark:bg-indigo-950" : ""}`}
                >
                  <span className="font-medium">{reply.title}</span> <span className="text-slate-600 dark:text-slate-400">{reply.body.slice(0, 80)}</span>
                </button>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      <div className="flex items-center gap-2">
        <p id={`composer-help-${sessionId}`} className="text-xs text-slate-600 dark:text-slate-400">
          “/” inserts a canned reply · Ctrl+Enter sends · {draft.length}/{BODY_MAX}
        </p>
        <Button variant="agent" disabled={!canSend} className="ml-auto">
          {sending ? "Sending…" : error ? "Retry send" : "Send as agent"}
        </Button>
      </div>
      {shownError ? (
        <p id={errorId} role="alert" className="text-sm text-red-700 dark:text-red-300">
          {shownError}
        </p>
      ) : null}
    </form>
  );
}
