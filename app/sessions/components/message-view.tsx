// One persisted message: sender, time (UTC), seq, and the body by kind. Every value from FleetLM is
// rendered as text or through SafeMarkdown, so nothing in a message can inject markup or script.
import type { ReactNode } from "react";
import { formatUtc, senderOf } from "../format";
import type { ViewMessage } from "../types";
import { AssistantParts, partsOf } from "./assistant-parts";
import { JsonBlock } from "./json-block";

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
    return <p className="whitespace-pre-wrap break-words">{content.text}</p>;
  }
  if (kind === "assistant") {
    const parts = partsOf(content);
    if (parts) return <AssistantParts parts={parts} />;
  }
  return <JsonBlock label={`kind: ${kind}`} value={content} />;
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
      {typeof latency === "number" ? <span data-testid="latency">{latency} ms</span> : null}
    </span>
  );
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
      <header className="mb-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-slate-500 dark:text-slate-400">
        <span className="font-medium text-slate-800 dark:text-slate-200" data-testid="sender">{sender.label}</span>
        <time dateTime={message.insertedAt} title={message.insertedAtRaw ?? message.insertedAt}>
          {formatUtc(message.insertedAt)}
        </time>
        <span className="font-mono">#{message.seq}</span>
        <MessageMeta message={message} />
      </header>
      <Body message={message} />
      {actions ? <div className="mt-2">{actions}</div> : null}
    </article>
  );
}
