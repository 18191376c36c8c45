// The agent's reply while it streams, assembled from chunks; replaced by the persisted message.
import type { LiveReply } from "../use-session-timeline";
import { AssistantParts } from "./assistant-parts";

const labels = { streaming: "typing…", finished: "saving…", interrupted: "interrupted" } as const;

/** An interrupted reply's parts stop where they were: none keeps a "streaming" / "input-streaming" badge. */
function settled(parts: LiveReply["content"]["parts"]) {
  return parts.map((part) => (typeof part.state === "string" && part.state.endsWith("streaming") ? { ...part, state: undefined } : part));
}

export function LiveBubble({ live }: { live: LiveReply }) {
  return (
    <article
      data-testid="live-bubble"
      data-status={live.status}
      aria-live="polite"
      className={`rounded-lg border border-dashed p-3 ${live.status === "interrupted" ? "border-red-300 bg-red-50 dark:border-red-800 dark:bg-red-950/40" : "border-blue-300 bg-blue-50/60 dark:border-blue-800 dark:bg-blue-950/30"}`}
    >
      <header className="mb-1 flex items-center gap-3 text-xs text-slate-500 dark:text-slate-400">
        <span className="font-medium text-slate-800 dark:text-slate-200">AI</span>
        <span className={live.status === "interrupted" ? "font-medium text-red-700 dark:text-red-300" : ""}>
          {live.status === "streaming" ? <span className="mr-1 inline-block h-2 w-2 animate-pulse rounded-full bg-blue-500" aria-hidden /> : null}
          {labels[live.status]}
        </span>
      </header>
      <AssistantParts parts={live.status === "interrupted" ? settled(live.content.parts) : live.content.parts} />
      {live.status === "interrupted" ? (
        <p className="mt-1 text-xs text-red-700 dark:text-red-300">This reply stopped before it finished; FleetLM stores nothing for an unfinished reply.</p>
      ) : null}
    </article>
  );
}
