import { Form, NavLink, useMatches } from "@remix-run/react";
import type { CurrentOperator } from "~/auth/guards.server";
import { can } from "~/auth/permissions";
import type { FleetlmHealth } from "~/fleetlm/health.server";
import { UnreadTotal } from "./unread-total";

type Props = { operator: CurrentOperator; fleetlm: FleetlmHealth | null; children: React.ReactNode };

const linkClass = ({ isActive }: { isActive: boolean }) =>
  `rounded px-3 py-1.5 text-sm ${isActive ? "bg-slate-200 font-medium dark:bg-slate-800" : "hover:bg-slate-100 dark:hover:bg-slate-900"}`;

export function AppShell({ operator, fleetlm, children }: Props) {
  const settings = can(operator, "settings:manage");
  // A page that shows its own outage notice (the session page) gets no second one from the shell.
  const pageOwnsNotice = useMatches().some((match) => (match.handle as { ownOutageNotice?: boolean } | undefined)?.ownOutageNotice);
  return (
    <div className="flex min-h-screen flex-col">
      <header className="flex items-center gap-4 border-b border-slate-200 bg-white px-4 py-2 dark:border-slate-800 dark:bg-slate-900">
        <span className="font-semibold">FleetLM Console</span>
        <nav aria-label="Main" className="flex items-center gap-1">
          <NavLink to="/inbox" className={linkClass}>
            Inbox <UnreadTotal />
          </NavLink>
          <NavLink to="/reviews" className={linkClass}>Reviews</NavLink>
          {can(operator, "operators:manage") ? <NavLink to="/admin/operators" className={linkClass}>Operators</NavLink> : null}
          {settings ? <NavLink to="/admin/agents" className={linkClass}>Agents</NavLink> : null}
          {settings ? <NavLink to="/admin/canned-replies" className={linkClass}>Canned replies</NavLink> : null}
          {settings ? <NavLink to="/admin/review-labels" className={linkClass}>Review labels</NavLink> : null}
          {settings ? <NavLink to="/admin/inbox" className={linkClass}>Inbox settings</NavLink> : null}
          {can(operator, "audit:read") ? <NavLink to="/admin/audit" className={linkClass}>Audit log</NavLink> : null}
          {settings ? <NavLink to="/admin/settings" className={linkClass}>Settings</NavLink> : null}
          <NavLink to="/account" className={linkClass}>Account</NavLink>
        </nav>
        <div className="ml-auto flex items-center gap-3 text-sm">
          <span data-testid="signed-in-as">
            {operator.name} <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs uppercase dark:bg-slate-800">{operator.role}</span>
          </span>
          <Form method="post" action="/theme" className="flex items-center gap-1" aria-label="Theme">
            {(["system", "light", "dark"] as const).map((theme) => (
              <button key={theme} name="theme" value={theme} className="rounded px-1.5 py-0.5 text-xs hover:bg-slate-100 dark:hover:bg-slate-800">
                {theme}
              </button>
            ))}
          </Form>
          <Form method="post" action="/logout">
            <button className="rounded border border-slate-300 px-2 py-1 dark:border-slate-700">Sign out</button>
          </Form>
        </div>
      </header>
      {fleetlm && !fleetlm.reachable && !pageOwnsNotice ? (
        <div role="status" className="bg-amber-100 px-4 py-2 text-sm text-amber-900 dark:bg-amber-900 dark:text-amber-100">
          FleetLM unreachable: showing what the Console last knew. It reconnects by itself.
        </div>
      ) : null}
      <main className="flex-1 p-4">{children}</main>
    </div>
  );
}
