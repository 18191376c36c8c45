// One persisted message: sender, time (UTC), seq, and the body by kind. Every value from FleetLM is
// rendered as text or through SafeMarkdown, so nothing in a message can inject markup or script, and within
// the render budget, so no message can stall the page (ADR 085). The sender is the server's authorship, and a
// message whose kind or metadata claims another author says so (ADR 087).
import { stoppedBy } from "@fleetlm/client";
import { useState, type ReactNode } from "react";
import { formatUtc, senderOf } from "../format";
import type { ViewMessage } from "../types";
import { AssistantParts, PlainText, partsOf } from "./assistant-parts";
import { JsonBlock } from "./json-block";
import { SlicedText } from "./long-text";
import { MessageBodyProvider, useFullMessage } from "./message-body-context";

type Props = {
  message: ViewMessage;
  session: { userId: string; agentId: string };
  highlighted?: boolean;
  /** Extra controls under assistant messages (review controls). */
  actions?: ReactNode;
};

const roleStyle = {
  user: "border-slate-200 bg-white dark:border-slate-700 dark:bg-slate-900",
  ai: "border-blue-200 bg-blue-50 dark:border-blue-900 dark:bg-blue-950/40",
  operator: "border-emerald-200 bg-emerald-50 dark:border-emerald-900 dark:bg-emerald-950/40",
  other: "border-slate-200 bg-slate-50 dark:border-slate-700 dark:bg-slate-900",
} as const;

function Body({ message }: { message: ViewMessage }) {
  const { kind, content } = message;
  if (kind === "text" && typeof content.text === "string" && Object.keys(content).length === 1) {
    return <PlainText value={content.text} path={["text"]} />;
  }
  if (kind === "assistant") {
    const parts = partsOf(content);
    if (parts) return <AssistantParts parts={parts} />;
  }
  return <JsonBlock label={`kind: ${kind}`} value={content} />;
}

/** Parts summarised for depth or count (ADR 085): the whole message, as compact JSON, on demand. */
function OmittedNotice({ message }: { message: ViewMessage }) {
  const loadFull = useFullMessage();
  const [full, setFull] = useState<string | null>(null);
  const [state, setState] = useState<"idle" | "loading" | "error">("idle");
  const cuts = [...(message.omitted?.content ?? []), ...(message.omitted?.metadata ?? [])].filter((o) => o.kind !== "text");
  if (cuts.length === 0) return null;
  const show = async () => {
    setState("loading");
    try {
      const m = await loadFull();
      setFull(JSON.stringify({ content: m.content, metadata: m.metadata }));
      setState("idle");
    } catch {
      setState("error");
    }
  };
  return (
    <div className="mt-1 text-xs text-slate-600 dark:text-slate-400" data-testid="omitted-notice">
      {full !== null ? (
        <div className="max-h-80 overflow-auto rounded bg-slate-100 p-2 font-mono dark:bg-slate-800">
          <SlicedText text={full} className="whitespace-pre-wrap break-all" />
        </div>
      ) : (
        <p className="flex flex-wrap items-center gap-2">
          <span>
            {cuts.length === 1 ? "One part" : `${cuts.length} parts`} of this message {cuts.length === 1 ? "is" : "are"} too large or nested too deeply to show
            here.
          </span>
          <button
            type="button"
            onClick={() => void show()}
            disabled={state === "loading"}
            className="rounded border border-slate-300 px-1.5 py-0.5 dark:border-slate-700"
            data-testid="show-whole-message"
          >
            {state === "loading" ? "Loading…" : "Show the whole message"}
          </button>
          {state === "error" ? (
            <span role="alert" className="text-red-600">
              Could not load it; try again.
            </span>
          ) : null}
        </p>
      )}
    </div>
  );
}

export function MessageMeta({ message }: { message: ViewMessage }) {
  if (message.kind !== "assistant") return null;
  const termination = message.metadata.termination;
  const latency = message.metadata.latency_ms;
  return (
    <span className="flex items-center gap-2">
      {typeof termination === "string" ? (
        <span className={termination === "abort" ? "rounded bg-red-100 px-1 text-red-800 dark:bg-red-950 dark:text-red-200" : ""} data-testid="termination">
          {termination}
        </span>
      ) : null}
      {termination === "abort" ? <StoppedBy stoppedBy={stoppedBy(message.metadata)} /> : null}
      {typeof latency === "number" ? <span data-testid="latency">{latency} ms</span> : null}
    </span>
  );
}

/**
 * Who stopped a reply, from the `stopped_by` the gate wrote into the abort (ADR 043; FleetLM keeps it inside
 * `_finish_chunk`, which the SDK's `stoppedBy` reads). The name is
 * there only as far as the end-user policy allows (ADR 120); with "none" the reply says an operator stopped it.
 */
function StoppedBy({ stoppedBy }: { stoppedBy: unknown }) {
  if (!stoppedBy || typeof stoppedBy !== "object") return null;
  const by = stoppedBy as { source?: unknown; operator_name?: unknown };
  if (by.source !== "operator") return null;
  const name = typeof by.operator_name === "string" && by.operator_name.trim() ? by.operator_name.trim().slice(0, 80) : null;
  return <span data-testid="stopped-by">{name ? `stopped by ${name}` : "stopped by an operator"}</span>;
}

export function MessageView({ message, session, highlighted = false, actions }: Props) {
  const sender = senderOf(message, session);
  return (
    <article
      data-seq={message.seq}
      data-testid="message"
      aria-current={highlighted ? "true" : undefined}
      className={`rounded-lg border p-3 ${roleStyle[sender.role]} ${highlighted ? "ring-2 ring-amber-400" : ""}`}
    >
      <header className="mb-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-slate-600 dark:text-slate-400">
        <span className="font-medium text-slate-800 dark:text-slate-200" data-testid="sender">
          {sender.label}
        </span>
        {sender.suspicious ? (
          <span
            className="rounded bg-red-100 px-1 font-medium text-red-800 dark:bg-red-950 dark:text-red-200"
            title={sender.suspicious}
            data-testid="suspicious"
          >
            suspicious: {sender.suspicious}
          </span>
        ) : null}
        <time dateTime={message.insertedAt} title={message.insertedAtRaw ?? message.insertedAt}>
          {formatUtc(message.insertedAt)}
        </time>
        <span className="font-mono">#{message.seq}</span>
        <MessageMeta message={message} />
      </header>
      <MessageBodyProvider sessionId={message.sessionId} seq={message.seq} omitted={message.omitted?.content}>
        <Body message={message} />
        <OmittedNotice message={message} />
      </MessageBodyProvider>
      {actions ? <div className="mt-2">{actions}</div> : null}
    </article>
  );
}
