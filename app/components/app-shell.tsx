// The page frame: the brand, the main navigation, who is signed in (theme, sign out) and FleetLM's reachability.
// Below 1440 px the navigation has a row of its own and scrolls sideways when it does not fit (an admin's ten
// links at 390 px), so the page itself never scrolls sideways; from 1440 px it all fits on one row. The header's
// height per layout is --shell-header (tailwind.css), which full-height pages (the session workspace) subtract.
import { Form, NavLink, useFetcher, useLocation, useMatches } from "@remix-run/react";
import { useEffect, useRef } from "react";
import type { CurrentOperator } from "~/auth/guards.server";
import { can } from "~/auth/permissions";
import { THEMES } from "~/lib/theme-form";
import type { FleetlmHealth } from "~/fleetlm/health.server";
import { Notice } from "./ui/banner";
import { Button } from "./ui/button";
import { Chip } from "./ui/chip";
import { UnreadTotal } from "./unread-total";

type Props = { operator: CurrentOperator; fleetlm: FleetlmHealth | null; children: React.ReactNode };

const linkClass = ({ isActive }: { isActive: boolean }) =>
  `shrink-0 whitespace-nowrap rounded px-2 py-1.5 text-sm ${isActive ? "bg-slate-200 font-medium dark:bg-slate-800" : "hover:bg-slate-100 dark:hover:bg-slate-900"}`;

export function AppShell({ operator, fleetlm, children }: Props) {
  const settings = can(operator, "settings:manage");
  // A page that shows its own outage notice (the session page) gets no second one from the shell.
  const pageOwnsNotice = useMatches().some((match) => (match.handle as { ownOutageNotice?: boolean } | undefined)?.ownOutageNotice);
  const nav = useCurrentLinkInView();
  const location = useLocation();
  const theme = useFetcher({ key: "theme" });
  return (
    <div className="flex min-h-screen flex-col">
      <header className="flex h-[var(--shell-header)] flex-col border-b border-slate-200 bg-white px-4 dark:border-slate-800 dark:bg-slate-900 min-[1440px]:flex-row min-[1440px]:items-center min-[1440px]:gap-4">
        {/* Below 1440 px: brand and account on the first row, the navigation on its own. From 1440 px one row. */}
        <div className="flex h-12 shrink-0 items-center gap-3 sm:gap-4 min-[1440px]:contents">
          <span className="shrink-0 whitespace-nowrap font-semibold">
            FleetLM<span className="hidden sm:inline"> Console</span>
          </span>
          <div className="ml-auto flex min-w-0 items-center gap-2 text-sm sm:gap-3 min-[1440px]:order-last">
            <span data-testid="signed-in-as" className="flex min-w-0 items-center gap-1">
              {/* Below 640 px the role stands alone (the name is its tooltip): the row keeps room for theme and sign out. */}
              <span className="hidden max-w-[12rem] truncate sm:inline" title={operator.name}>
                {operator.name}
              </span>{" "}
              <Chip title={operator.name} className="min-w-0 truncate uppercase">
                {operator.role}
              </Chip>
            </span>
            {/* A fetcher, not a navigation (ADR 202): while a page's own fetcher is posting, a pending navigation to
                /theme made Remix revalidate /theme's loader, whose redirect to /inbox won. redirectTo is the page
                as it is now (path and query); without JavaScript the form posts natively and comes back the same way. */}
            <theme.Form method="post" action="/theme" preventScrollReset className="flex shrink-0 items-center gap-0.5 sm:gap-1" aria-label="Theme">
              <input type="hidden" name="redirectTo" value={`${location.pathname}${location.search}`} />
              {THEMES.map((value) => (
                <Button key={value} name="theme" value={value} variant="quiet" size="xs" disabled={theme.state !== "idle"}>
                  {value}
                </Button>
              ))}
            </theme.Form>
            <Form method="post" action="/logout" className="shrink-0">
              <Button variant="secondary" className="whitespace-nowrap">
                Sign out
              </Button>
            </Form>
          </div>
        </div>
        <nav
          ref={nav}
          aria-label="Main"
          className="-mx-4 flex h-12 shrink-0 items-center gap-1 overflow-x-auto px-4 min-[1440px]:mx-0 min-[1440px]:h-auto min-[1440px]:min-w-0 min-[1440px]:flex-1 min-[1440px]:px-0"
        >
          <NavLink to="/inbox" className={linkClass}>
            Inbox <UnreadTotal />
          </NavLink>
          <NavLink to="/reviews" className={linkClass}>
            Reviews
          </NavLink>
          {can(operator, "operators:manage") ? (
            <NavLink to="/admin/operators" className={linkClass}>
              Operators
            </NavLink>
          ) : null}
          {settings ? (
            <NavLink to="/admin/agents" className={linkClass}>
              Agents
            </NavLink>
          ) : null}
          {settings ? (
            <NavLink to="/admin/canned-replies" className={linkClass}>
              Canned replies
            </NavLink>
          ) : null}
          {settings ? (
            <NavLink to="/admin/review-labels" className={linkClass}>
              Review labels
            </NavLink>
          ) : null}
          {settings ? (
            <NavLink to="/admin/inbox" className={linkClass}>
              Inbox settings
            </NavLink>
          ) : null}
          {can(operator, "audit:read") ? (
            <NavLink to="/admin/audit" className={linkClass}>
              Audit log
            </NavLink>
          ) : null}
          {settings ? (
            <NavLink to="/admin/settings" className={linkClass}>
              Settings
            </NavLink>
          ) : null}
          <NavLink to="/account" className={linkClass}>
            Account
          </NavLink>
        </nav>
      </header>
      {fleetlm && !fleetlm.reachable && !pageOwnsNotice ? (
        <Notice tone="warning" role="status" className="rounded-none border-x-0 border-t-0 px-4 py-2">
          FleetLM unreachable: showing what the Console last knew. It reconnects by itself.
        </Notice>
      ) : null}
      <main className="flex-1 p-4">{children}</main>
    </div>
  );
}

/** Keeps the current page's link in view in a navigation that scrolls sideways (only the nav scrolls, never the page). */
function useCurrentLinkInView() {
  const nav = useRef<HTMLElement>(null);
  const { pathname } = useLocation();
  useEffect(() => {
    const el = nav.current;
    const link = el?.querySelector<HTMLElement>("[aria-current=page]");
    if (!el || !link || el.scrollWidth <= el.clientWidth) return;
    const left = link.offsetLeft - el.offsetLeft;
    if (left < el.scrollLeft || left + link.offsetWidth > el.scrollLeft + el.clientWidth) el.scrollLeft = left - (el.clientWidth - link.offsetWidth) / 2;
  }, [pathname]);
  return nav;
}
