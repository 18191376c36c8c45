// Where the search backfill of sessions older than full-text search stands (ADR 150), for admins.
import type { BackfillProgress } from "~/inbox/search-backfill.server";

export function SearchBackfillStatus({ progress }: { progress: BackfillProgress }) {
  const { scanned, total, sessions, messages, finishedAt, startedAt, error } = progress;
  return (
    <section aria-labelledby="search-backfill" className="space-y-1 text-sm" data-testid="search-backfill">
      <h2 id="search-backfill" className="font-semibold">
        Search index of older sessions
      </h2>
      <p>
        {finishedAt
          ? `Done ${finishedAt.slice(0, 16).replace("T", " ")} UTC: ${messages.toLocaleString()} messages of ${sessions.toLocaleString()} older sessions made searchable.`
          : startedAt
            ? `Running: ${scanned.toLocaleString()} of ${total.toLocaleString()} sessions looked at, ${messages.toLocaleString()} messages of ${sessions.toLocaleString()} sessions indexed so far.`
            : "Not started yet: it starts with the gateway and makes messages indexed before full-text search searchable."}
      </p>
      {error && !finishedAt ? <p className="text-amber-800 dark:text-amber-300">Paused, retrying every minute: {error}</p> : null}
    </section>
  );
}
