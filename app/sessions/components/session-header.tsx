// The session page's top bar: back to the inbox view the operator came from (with its filters), previous/next in
// that view, who and what this session is, who else is looking, who holds it, and whether the page is live.
import { Link } from "@remix-run/react";
import type { TakeoverView } from "~/takeover/takeover.server";
import type { InboxNav } from "~/sessions/workspace.server";
import { AgentQualityBadge } from "~/reviews/components/agent-quality-badge";
import type { SessionSummary } from "../types";
import { buttonClass } from "~/components/ui/button";

type Props = {
  session: SessionSummary;
  takeover: TakeoverView | null;
  viewers: { id: string; name: string }[];
  typing: { id: string; name: string }[];
  me: { id: string };
  /** The page's live feed AND the gateway's socket to FleetLM are both up. */
  live: boolean;
  /** The Console has joined the session's channel: live messages will arrive (a readiness signal for tests too). */
  watching?: boolean;
  nav: InboxNav;
};

const navButton = buttonClass({ variant: "secondary" });

export function SessionHeader({ session, takeover, viewers, typing, me, live, watching = false, nav }: Props) {
  const others = viewers.filter((v) => v.id !== me.id);
  const typists = typing.filter((v) => v.id !== me.id);
  return (
    <header
      aria-label="Session"
      className="flex flex-wrap items-center gap-x-3 gap-y-2 rounded-lg border border-slate-200 bg-white px-3 py-2 dark:border-slate-800 dark:bg-slate-900"
    >
      <nav aria-label="Inbox" className="flex items-center gap-1">
        <Link to={nav.inboxHref} className={navButton} data-testid="back-to-inbox">
          ← Inbox
        </Link>
        {nav.previous ? (
          <Link
            to={nav.previous.href}
            className={navButton}
            aria-label="Previous session"
            aria-keyshortcuts="k"
            data-action="previous-session"
            data-testid="previous-session"
            prefetch="intent"
          >
            ↑
          </Link>
        ) : (
          <span className={`${navButton} opacity-40`} aria-disabled="true" aria-label="No previous session">
            ↑
          </span>
        )}
        {nav.next ? (
          <Link
            to={nav.next.href}
            className={navButton}
            aria-label="Next session"
            aria-keyshortcuts="j"
            data-action="next-session"
            data-testid="next-session"
            prefetch="intent"
          >
            ↓
          </Link>
        ) : (
          <span className={`${navButton} opacity-40`} aria-disabled="true" aria-label="No next session">
            ↓
          </span>
        )}
        {nav.position !== null ? <span className="text-xs text-slate-600 dark:text-slate-400">#{nav.position} in view</span> : null}
      </nav>
      <div className="min-w-0">
        <h1 className="truncate text-base font-semibold">
          Session <span className="font-mono text-sm">{session.id}</span>
        </h1>
        <p className="truncate text-xs text-slate-600 dark:text-slate-400">
          user <span className="font-mono">{session.userId}</span> · agent <span className="font-mono">{session.agentId}</span>{" "}
          <AgentQualityBadge agentId={session.agentId} />
        </p>
      </div>
      <div className="ml-auto flex flex-wrap items-center gap-3 text-xs">
        <span className="text-slate-600 dark:text-slate-400">
          Held by:{" "}
          <span data-testid="takeover-holder" className="font-medium text-slate-900 dark:text-slate-100">
            {takeover ? takeover.holder.name : "nobody (AI answers)"}
          </span>
        </span>
        <span className="text-slate-600 dark:text-slate-400" data-testid="viewers">
          {others.length ? `Also viewing: ${others.map((v) => v.name).join(", ")}` : "Nobody else is viewing."}
        </span>
        <span aria-live="polite" className="text-slate-600 dark:text-slate-400" data-testid="typing">
          {typists.length ? `${typists.map((v) => v.name).join(", ")} ${typists.length === 1 ? "is" : "are"} typing a reply…` : ""}
        </span>
        <span
          className={live ? "text-emerald-700 dark:text-emerald-400" : "text-slate-600 dark:text-slate-400"}
          data-testid="live-status"
          data-watching={live && watching ? "true" : "false"}
          title={live ? "Updates arrive as they happen." : "Not receiving updates right now."}
        >
          {live ? "● live" : "○ not live"}
        </span>
      </div>
    </header>
  );
}
