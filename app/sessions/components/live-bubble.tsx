// The agent's reply while it streams, assembled from chunks; replaced by the persisted message.
import { useEffect } from "react";
import { useLiveReply, type LiveReply, type LiveReplyStore } from "../live-reply-store";
import { AssistantParts } from "./assistant-parts";

const labels = { streaming: "typing…", finished: "saving…", interrupted: "interrupted", refused: "not stored by FleetLM" } as const;

/** An interrupted reply's parts stop where they were: none keeps a "streaming" / "input-streaming" badge. */
function settled(parts: LiveReply["content"]["parts"]) {
  return parts.map((part) => (typeof part.state === "string" && part.state.endsWith("streaming") ? { ...part, state: undefined } : part));
}

/** Subscribes to the reply itself, so a chunk re-renders this bubble and nothing around it (ADR 206). */
export function LiveBubble({ store, onChange }: { store: LiveReplyStore; onChange?: () => void }) {
  const live = useLiveReply(store);
  useEffect(() => {
    if (live) onChange?.();
  }, [live, onChange]);
  return live ? <Bubble live={live} /> : null;
}

function Bubble({ live }: { live: LiveReply }) {
  const stopped = live.status === "interrupted" || live.status === "refused";
  return (
    <article
      data-testid="live-bubble"
      data-status={live.status}
      aria-live="polite"
      className={`rounded-lg border border-dashed p-3 ${stopped ? "border-red-300 bg-red-50 dark:border-red-800 dark:bg-red-950/40" : "border-blue-300 bg-blue-50/60 dark:border-blue-800 dark:bg-blue-950/30"}`}
    >
      <header className="mb-1 flex items-center gap-3 text-xs text-slate-600 dark:text-slate-400">
        <span className="font-medium text-slate-800 dark:text-slate-200">AI</span>
        <span className={stopped ? "font-medium text-red-700 dark:text-red-300" : ""}>
          {live.status === "streaming" ? <span className="mr-1 inline-block h-2 w-2 animate-pulse rounded-full bg-blue-500" aria-hidden /> : null}
          {labels[live.status]}
        </span>
      </header>
      <AssistantParts parts={stopped ? settled(live.content.parts) : live.content.parts} />
      {live.status === "interrupted" ? (
        <p className="mt-1 text-xs text-red-700 dark:text-red-300">This reply stopped before it finished; FleetLM stores nothing for an unfinished reply.</p>
      ) : null}
      {live.status === "refused" ? (
        <p className="mt-1 text-xs text-red-700 dark:text-red-300" data-testid="not-stored">
          Not stored by FleetLM: the agent sent a chunk FleetLM refuses ({live.refusedReason ?? "invalid chunk"}), so FleetLM failed this reply and stores
          nothing of it.
        </p>
      ) : null}
    </article>
  );
}
