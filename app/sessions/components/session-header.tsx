// Who and what this session is: user, agent, status, created, takeover holder, assignee, labels, viewers.
import type { ReactNode } from "react";
import type { TakeoverView } from "~/takeover/takeover.server";
import { formatUtc } from "../format";
import type { SessionSummary } from "../types";
import { AgentQualityBadge } from "~/reviews/components/agent-quality-badge";

type Props = {
  session: SessionSummary;
  assignee: { id: string; name: string } | null;
  labels: string[];
  takeover: TakeoverView | null;
  viewers: { id: string; name: string }[];
  /** The Console has joined the session's channel: live messages will arrive (a readiness signal for tests too). */
  watching?: boolean;
  me: { id: string };
  connected: boolean;
  children?: ReactNode; // the takeover panel
};

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="text-sm">{children}</dd>
    </div>
  );
}

export function SessionHeader({ session, assignee, labels, takeover, viewers, me, connected, watching = false, children }: Props) {
  const others = viewers.filter((v) => v.id !== me.id);
  return (
    <section aria-label="Session" className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
      <div className="flex flex-wrap items-center gap-2">
        <h1 className="text-lg font-semibold">
          Session <span className="font-mono text-base">{session.id}</span>
        </h1>
        <span data-testid="session-status" className={`rounded px-1.5 py-0.5 text-xs ${session.status === "archived" ? "bg-slate-200 dark:bg-slate-700" : "bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100"}`}>
          {session.status}
        </span>
        <span className={`ml-auto text-xs ${connected ? "text-emerald-700 dark:text-emerald-400" : "text-slate-500"}`} data-testid="live-status" data-watching={connected && watching ? "true" : "false"}>
          {connected ? "● live" : "○ not live"}
        </span>
      </div>
      <dl className="mt-3 grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
        <Field label="User"><span className="font-mono">{session.userId}</span></Field>
        <Field label="Agent">
          <span className="font-mono">{session.agentId}</span> <AgentQualityBadge agentId={session.agentId} />
        </Field>
        <Field label="Created">
          <time dateTime={session.createdAt ?? undefined} title={session.createdAtRaw ?? session.createdAt ?? undefined}>{formatUtc(session.createdAt) || "—"}</time>
        </Field>
        <Field label="Taken over by"><span data-testid="takeover-holder">{takeover ? takeover.holder.name : "nobody (AI answers)"}</span></Field>
        <Field label="Assignee">{assignee?.name ?? "—"}</Field>
        <Field label="Labels">
          {labels.length ? (
            <span className="flex flex-wrap gap-1">
              {labels.map((label) => (
                <span key={label} className="rounded bg-slate-100 px-1.5 text-xs dark:bg-slate-800">{label}</span>
              ))}
            </span>
          ) : (
            "—"
          )}
        </Field>
      </dl>
      <p className="mt-2 text-xs text-slate-500" data-testid="viewers">
        {others.length ? `Also viewing: ${others.map((v) => v.name).join(", ")}` : "Nobody else is viewing."}
      </p>
      {children ? <div className="mt-3">{children}</div> : null}
    </section>
  );
}
