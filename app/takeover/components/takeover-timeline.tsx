// Who took this session over, when, why, and when and how it was handed back.
import type { TimelineEntry } from "../takeover.server";
import { formatUtc } from "~/lib/format-date";

const ENDINGS: Record<string, string> = {
  handback: "handed back",
  forced: "force-released",
  expired: "expired (no activity)",
  signout: "released at sign-out",
  deactivated: "released (account deactivated)",
  role_change: "released (role changed to one that cannot take over)",
};

export function TakeoverTimeline({ entries }: { entries: TimelineEntry[] }) {
  if (entries.length === 0) return null;
  return (
    <details className="text-sm" data-testid="takeover-timeline">
      <summary className="cursor-pointer text-slate-600 dark:text-slate-400">Takeovers ({entries.length})</summary>
      <ol className="mt-2 flex flex-col gap-1">
        {entries.map((entry) => (
          <li key={entry.id} className="rounded bg-slate-50 px-2 py-1 dark:bg-slate-800/50">
            <span className="font-medium">{entry.operator.name}</span> took over <time dateTime={entry.startedAt}>{formatUtc(entry.startedAt)}</time>
            {entry.reason ? <span className="text-slate-600 dark:text-slate-400"> — “{entry.reason}”</span> : null}
            {entry.active ? (
              <span className="ml-1 rounded bg-amber-100 px-1 text-xs text-amber-900 dark:bg-amber-900 dark:text-amber-100">active</span>
            ) : entry.releasedAt ? (
              <span className="text-slate-600 dark:text-slate-400">
                ; {ENDINGS[entry.releaseReason ?? ""] ?? "released"}
                {(entry.releaseReason === "forced" || entry.releaseReason === "role_change" || entry.releaseReason === "deactivated") &&
                entry.releasedBy &&
                entry.releasedBy.id !== entry.operator.id
                  ? ` by ${entry.releasedBy.name}`
                  : ""}{" "}
                <time dateTime={entry.releasedAt}>{formatUtc(entry.releasedAt)}</time>
              </span>
            ) : null}
          </li>
        ))}
      </ol>
    </details>
  );
}
