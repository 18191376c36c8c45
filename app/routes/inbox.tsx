// The inbox: every indexed FleetLM session as a server-run table (state in the URL), kept live over /live.
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useFetcher, useLoaderData, useLocation, useNavigate, useNavigation, useRevalidator } from "@remix-run/react";
import { createColumnHelper } from "@tanstack/react-table";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { requireOperator } from "~/auth/guards.server";
import { DataTable, DataTableColumnHeader, DataTablePagination, useServerTable, withParams } from "~/components/data-table";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { sessionLink } from "~/sessions/session-link";
import { ensureGateway, gatewayStatus } from "~/fleetlm-sync/gateway.server";
import { BulkActionSchema, mayChangeSharedState, runBulkAction } from "~/inbox/inbox-actions.server";
import { assignableOperators, isIndexEmpty } from "~/inbox/inbox-lookups.server";
import { inboxFacets, queryInbox, readInboxParams, type InboxRow } from "~/inbox/inbox-query.server";
import { inboxSettings } from "~/inbox/inbox-settings.server";
import { DeleteViewSchema, SaveViewSchema, deleteView, listSavedViews, saveView } from "~/inbox/saved-views.server";
import { inboxViews } from "~/inbox/views";
import { expireSnoozes } from "~/inbox/state-actions.server";
import { wantsUnreadBadge } from "~/inbox/unread-badge.server";
import { BadgeSwitch } from "~/inbox/components/badge-switch";
import { BulkActions } from "~/inbox/components/bulk-actions";
import { InboxFilters, SavedViewsBar, UrlProblems, ViewTabs } from "~/inbox/components/inbox-filters";
import { KeyboardHelp } from "~/inbox/components/keyboard-help";
import { RelativeTime, useNow } from "~/inbox/components/relative-time";
import { useInboxKeys } from "~/inbox/components/use-inbox-keys";
import { useStableRows } from "~/inbox/components/use-stable-rows";
import { SearchHit } from "~/inbox/components/search-hit";
import { StateCell } from "~/inbox/components/state-cell";
import { clientIp } from "~/lib/client-ip.server";
import { useThrottledCallback } from "~/lib/use-throttled-callback";
import { parseForm, readForm } from "~/lib/forms.server";
import { tableState } from "~/lib/table-params.server";
import { liveBus } from "~/live/bus.server";
import type { LiveStreamEvent } from "~/live/events";
import { useLiveEvents } from "~/live/use-live";

export const meta: MetaFunction = () => [{ title: "Inbox · FleetLM Console" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const operator = await requireOperator(request);
  // Never a 400 page: unknown keys are ignored and each bad value is a problem shown beside the intact view.
  const { params, problems } = readInboxParams(request);
  ensureGateway();
  await expireSnoozes(); // due snoozes come back before the list is read (cheap when none are due)
  const settings = await inboxSettings();
  // Only the local index is read: FleetLM being down degrades freshness, never the page.
  const [{ rows, total, capped }, facets, operators, indexEmpty, unreadBadge, saved] = await Promise.all([
    queryInbox(params, operator.id),
    inboxFacets(),
    assignableOperators(),
    isIndexEmpty(),
    wantsUnreadBadge(operator),
    listSavedViews(operator.id),
  ]);
  const gateway = gatewayStatus();
  return {
    rows,
    table: tableState(params, total),
    capped,
    facets,
    operators: operators.filter((op) => op.id !== operator.id),
    canChange: mayChangeSharedState(operator),
    unreadBadge,
    indexEmpty,
    gateway: { running: gateway.running, connected: gateway.connected, fleetlmReachable: gateway.fleetlmReachable },
    problems,
    view: params.filters.view ?? "all",
    views: inboxViews({ waitMinutes: settings.unansweredMinutes }),
    saved,
    isAdmin: operator.role === "admin",
    unansweredMinutes: settings.unansweredMinutes,
    now: Date.now(),
    // The live feed resumes from here, so changes between this render and the page's subscription are not lost.
    liveId: liveBus().lastId,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const operator = await requireOperator(request);
  const form = await readForm(request);
  const intent = form.get("intent");
  if (intent === "view-save" || intent === "view-delete") {
    const parsedView = intent === "view-save" ? parseForm(SaveViewSchema, form) : parseForm(DeleteViewSchema, form);
    if (!parsedView.ok) return parsedView.response;
    const result =
      parsedView.data.intent === "view-save"
        ? await saveView(operator, parsedView.data, clientIp(context))
        : await deleteView(operator, parsedView.data.viewId, clientIp(context));
    return data({ ok: result.ok, message: result.message, intent }, { status: result.ok ? 200 : result.status });
  }
  const parsed = parseForm(BulkActionSchema, form);
  if (!parsed.ok) return parsed.response;
  const result = await runBulkAction(operator, parsed.data, clientIp(context));
  if (result.ok) {
    const url = new URL(request.url);
    url.searchParams.delete("index");
    return redirect(`/inbox${url.search}`);
  }
  if (result.status === 403 || result.status === 404) throw new Response(result.message, { status: result.status });
  return data({ ok: false as const, message: result.message }, { status: result.status });
}

const column = createColumnHelper<InboxRow>();
const ROLE_LABEL = { user: "User", agent: "AI", operator: "Operator" } as const;
// At most ~2 loader runs a second per tab; the first change after a quiet spell reloads at once.
const REVALIDATE_THROTTLE_MS = 400;

export default function InboxPage() {
  const loaderData = useLoaderData<typeof loader>();
  const { table: state, capped, facets, operators, canChange, indexEmpty, gateway } = loaderData;
  // Live patches: a session.changed event updates its row at once (unread moves by the new user messages,
  // exact because the event carries userCount); the reload that follows confirms it.
  const [patches, setPatches] = useState<Map<string, Partial<InboxRow> & { headSeq: number }>>(new Map());
  useEffect(() => {
    setPatches((current) => {
      if (current.size === 0) return current;
      const heads = new Map(loaderData.rows.map((row) => [row.id, row.headSeq]));
      const kept = [...current].filter(([id, patch]) => (heads.get(id) ?? Number.POSITIVE_INFINITY) < patch.headSeq);
      return kept.length === current.size ? current : new Map(kept);
    });
  }, [loaderData.rows]);
  const incoming = useMemo(
    () =>
      loaderData.rows.map((row) => {
        const patch = patches.get(row.id);
        return patch && patch.headSeq > row.headSeq ? { ...row, ...patch } : row;
      }),
    [loaderData.rows, patches],
  );
  const navigate = useNavigate();
  const navigation = useNavigation();
  const actionData = useActionData<{ ok: boolean; message?: string; intent?: string; errors?: Record<string, string[]> }>();
  const { search } = useLocation();
  const revalidator = useRevalidator();
  const now = useNow(loaderData.now);
  // The list holds still while the pointer is over it, focus is inside it, or the keyboard is working it (j/k/x).
  const [pointerIn, setPointerIn] = useState(false);
  const [focusIn, setFocusIn] = useState(false);
  const [keysIn, setKeysIn] = useState(false);
  const holding = pointerIn || focusIn || keysIn;
  const { rows, pending: heldUpdates } = useStableRows(incoming, holding, search);
  const release = useCallback(() => {
    setPointerIn(false);
    setFocusIn(false);
    setKeysIn(false);
  }, []);
  // Selection and focus belong to session ids, never to positions: they survive paging and live changes.
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [focusId, setFocusId] = useState<string | null>(null);
  // Keyboard shortcuts on the focused row post through these; their outcome shows above the list.
  const rowAction = useFetcher<{ ok: boolean; message?: string; errors?: Record<string, string[]> }>();
  const takeover = useFetcher<{ ok: boolean; reason?: string; intent?: string }>();
  const keyAction = useRef<{ what: string; id: string } | null>(null);
  const [keyResult, setKeyResult] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    if (rowAction.state !== "idle" || !keyAction.current) return;
    const done = keyAction.current;
    keyAction.current = null;
    const failed = rowAction.data && rowAction.data.ok === false;
    const label = { "assign-me": "Assigned to you", resolve: "Resolved", snooze: "Snoozed for an hour", "mark-read": "Marked read" }[done.what] ?? "Done";
    setKeyResult(
      failed
        ? {
            ok: false,
            text:
              rowAction.data?.message ??
              Object.values(rowAction.data?.errors ?? {})
                .flat()
                .join(" "),
          }
        : { ok: true, text: label },
    );
  }, [rowAction.state, rowAction.data]);
  useEffect(() => {
    if (takeover.state !== "idle" || !takeover.data) return;
    if (takeover.data.ok && focusId) navigate(`/sessions/${encodeURIComponent(focusId)}`);
    else if (!takeover.data.ok) setKeyResult({ ok: false, text: `Could not take it over: ${takeover.data.reason ?? "refused"}` });
  }, [takeover.state, takeover.data]); // eslint-disable-line react-hooks/exhaustive-deps
  const [help, setHelp] = useState(false);
  const [flash, setFlash] = useState<Map<string, number>>(new Map());
  const searchRef = useRef<HTMLDivElement>(null);
  const rowRefs = useRef(new Map<string, HTMLTableRowElement>());

  // Live: any change re-runs the loader (throttled), so order, badges and previews move in place.
  const scheduleRevalidate = useThrottledCallback(revalidator.revalidate, REVALIDATE_THROTTLE_MS);
  const rowsRef = useRef(rows);
  rowsRef.current = rows;
  const status = useLiveEvents(
    (event: LiveStreamEvent) => {
      if (event.type === "session.changed" && event.userCount !== undefined) {
        const row = rowsRef.current.find((r) => r.id === event.sessionId);
        if (row && event.headSeq > row.headSeq) {
          // Only the end user's messages make a row unread (ADR 100); anything else is new activity.
          const added = event.userCount - row.userCount;
          const unread = Math.max(0, row.unread + added);
          setPatches((current) =>
            new Map(current).set(row.id, {
              headSeq: event.headSeq,
              userCount: event.userCount!,
              unread,
              activity: unread === 0,
              lastActivityAt: event.lastActivityAt,
              lastSenderRole: event.lastSenderRole,
              lastPreview: event.lastPreview,
            }),
          );
        }
      }
      // "gateway": FleetLM went away or came back, so the banner below follows without a reload.
      if (event.type === "session.changed" || event.type === "read" || event.type === "takeover" || event.type === "reset" || event.type === "gateway")
        scheduleRevalidate();
    },
    { since: loaderData.liveId },
  );

  // Flash only rows whose content really changed: not rows that came into view by paging, filtering or sorting.
  const previous = useRef<{ key: string; signatures: Map<string, string> } | null>(null);
  const flashTimers = useRef(new Set<ReturnType<typeof setTimeout>>());
  useEffect(() => {
    const signature = (row: InboxRow) =>
      `${row.unread}|${row.headSeq}|${row.lastActivityAt}|${row.assignee?.id}|${row.holder?.id}|${row.labels.join(",")}|${row.status}|${row.state}`;
    const next = new Map(rows.map((row) => [row.id, signature(row)]));
    const before = previous.current;
    if (before && before.key === search) {
      const changed = rows.filter((row) => before.signatures.has(row.id) && before.signatures.get(row.id) !== next.get(row.id)).map((row) => row.id);
      if (changed.length > 0) {
        const stamp = Date.now();
        setFlash((current) => new Map([...current, ...changed.map((id) => [id, stamp] as const)]));
        const timer = setTimeout(() => {
          flashTimers.current.delete(timer);
          setFlash((current) => new Map([...current].filter(([, at]) => at !== stamp)));
        }, 1_300);
        flashTimers.current.add(timer);
      }
    }
    previous.current = { key: search, signatures: next };
  }, [rows, search]);
  useEffect(() => () => flashTimers.current.forEach(clearTimeout), []);

  const offPage = [...selected].filter((id) => !rows.some((row) => row.id === id)).length;

  const toggle = useCallback((id: string) => {
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }, []);

  const focusIndex = rows.findIndex((row) => row.id === focusId);
  const focusRow = (id: string) => {
    setFocusId(id);
    rowRefs.current.get(id)?.scrollIntoView({ block: "nearest" });
  };
  useInboxKeys({
    move: (delta) => {
      setKeysIn(true);
      const next = focusIndex < 0 ? 0 : Math.min(Math.max(0, focusIndex + delta), Math.max(0, rows.length - 1));
      const row = rows[next];
      if (row) focusRow(row.id);
    },
    open: () => {
      if (focusId) navigate(sessionLink(focusId, search));
    },
    toggle: () => {
      setKeysIn(true);
      if (focusId) toggle(focusId);
    },
    search: () => searchRef.current?.querySelector("input")?.focus(),
    act: (what) => {
      if (!focusId) return;
      setKeysIn(true);
      if (what === "take-over") {
        takeover.submit({ intent: "claim" }, { method: "post", action: `/sessions/${encodeURIComponent(focusId)}/takeover` });
        return;
      }
      const form: Record<string, string> = { ids: focusId };
      if (what === "assign-me") Object.assign(form, { intent: "assign", assignee: "me" });
      if (what === "resolve") Object.assign(form, { intent: "set-state", state: "resolved" });
      if (what === "snooze") Object.assign(form, { intent: "snooze", minutes: "60" });
      if (what === "mark-read") Object.assign(form, { intent: "mark-read" });
      keyAction.current = { what, id: focusId };
      rowAction.submit(form, { method: "post" });
    },
    help: () => setHelp((h) => !h),
    escape: () => {
      setHelp(false);
      setKeysIn(false);
    },
  });

  const columns = useMemo(
    () => [
      column.display({
        id: "select",
        header: () => (
          <input
            type="checkbox"
            aria-label="Select all on this page"
            checked={rows.length > 0 && rows.every((row) => selected.has(row.id))}
            onChange={(e) => {
              const checked = e.target.checked;
              // Only this page's rows: a selection made on other pages stays.
              setSelected((current) => {
                const next = new Set(current);
                for (const row of rows) {
                  if (checked) next.add(row.id);
                  else next.delete(row.id);
                }
                return next;
              });
            }}
          />
        ),
        cell: ({ row }) => (
          <input
            type="checkbox"
            aria-label={`Select session of ${row.original.userId}`}
            checked={selected.has(row.original.id)}
            onChange={() => toggle(row.original.id)}
          />
        ),
      }),
      column.accessor("userId", {
        id: "user",
        header: ({ column: c }) => <DataTableColumnHeader column={c} title="User" />,
        cell: ({ row }) => (
          <Link to={sessionLink(row.original.id, search)} className="font-medium hover:underline" onFocus={() => setFocusId(row.original.id)}>
            {row.original.userId}
          </Link>
        ),
      }),
      column.accessor("agentId", { id: "agent", header: ({ column: c }) => <DataTableColumnHeader column={c} title="Agent" /> }),
      column.accessor("state", {
        id: "state",
        enableSorting: false,
        header: "State",
        cell: ({ row }) => <StateCell row={row.original} now={now} unansweredMinutes={loaderData.unansweredMinutes} />,
      }),
      column.accessor("status", {
        id: "status",
        header: ({ column: c }) => <DataTableColumnHeader column={c} title="FleetLM" />,
        cell: ({ getValue }) => <span className={getValue() === "active" ? "" : "text-slate-500"}>{getValue()}</span>,
      }),
      column.accessor("unread", {
        id: "unread",
        enableSorting: false, // computed per operator: no index can serve it (use the "Unread only" filter)
        header: "My unread",
        cell: ({ getValue, row }) =>
          getValue() > 0 ? (
            <span data-testid={`unread-${row.original.id}`} className="rounded-full bg-blue-600 px-2 py-0.5 text-xs font-semibold text-white">
              {getValue()}
            </span>
          ) : row.original.activity ? (
            // AI or teammates replied since I last read: activity, not unread (ADR 100).
            <span
              data-testid={`unread-${row.original.id}`}
              aria-label="0 unread, new replies"
              title="New replies from the AI or a teammate"
              className="inline-flex items-center gap-1 text-xs text-slate-500 dark:text-slate-400"
            >
              <span aria-hidden className="inline-block h-2 w-2 rounded-full border border-slate-400" />0
            </span>
          ) : (
            <span data-testid={`unread-${row.original.id}`} className="text-slate-400" aria-label="0 unread">
              0
            </span>
          ),
      }),
      column.accessor("lastActivityAt", {
        id: "lastActivity",
        header: ({ column: c }) => <DataTableColumnHeader column={c} title="Last activity" />,
        cell: ({ getValue }) => <RelativeTime iso={getValue()} now={now} />,
      }),
      column.accessor("lastPreview", {
        id: "preview",
        enableSorting: false,
        header: "Last message",
        cell: ({ row }) =>
          row.original.hit ? (
            <SearchHit sessionId={row.original.id} seq={row.original.hit.seq} snippet={row.original.hit.snippet} />
          ) : row.original.lastPreview === null ? (
            <span className="text-slate-400">No messages</span>
          ) : (
            <span className="line-clamp-2 max-w-md">
              {row.original.lastSenderRole ? (
                <span className="mr-1 rounded bg-slate-100 px-1 text-xs uppercase text-slate-600 dark:bg-slate-800 dark:text-slate-300">
                  {ROLE_LABEL[row.original.lastSenderRole]}
                </span>
              ) : null}
              {row.original.lastPreview}
            </span>
          ),
      }),
      column.accessor((row) => row.holder?.name ?? null, {
        id: "holder",
        enableSorting: false,
        header: "Taken over by",
        cell: ({ getValue }) => getValue() ?? "",
      }),
      column.accessor((row) => row.assignee?.name ?? null, {
        id: "assignee",
        enableSorting: false,
        header: "Assignee",
        cell: ({ getValue }) => getValue() ?? "",
      }),
      column.accessor("labels", {
        id: "labels",
        enableSorting: false,
        header: "Labels",
        cell: ({ getValue }) => (
          <span className="flex flex-wrap gap-1">
            {getValue().map((label) => (
              <span key={label} className="rounded bg-amber-100 px-1.5 text-xs text-amber-900 dark:bg-amber-900 dark:text-amber-100">
                {label}
              </span>
            ))}
          </span>
        ),
      }),
    ],
    [rows, selected, toggle, now, loaderData.unansweredMinutes, search],
  );
  const table = useServerTable({ data: rows, columns, state, getRowId: (row) => row.id });
  const loading = navigation.state === "loading" && navigation.location?.pathname === "/inbox";
  const filtered = search
    .replace(/^\?/, "")
    .split("&")
    .some((pair) => pair && !/^(page|pageSize|sort)=/.test(pair));

  return (
    <div className="min-w-0 space-y-2">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <h1 className="text-xl font-semibold">Inbox</h1>
        <span className="text-sm text-slate-500 dark:text-slate-400" data-testid="inbox-total">
          {capped ? `${state.total.toLocaleString()}+` : state.total.toLocaleString()} sessions
        </span>
        <span className="ml-auto" />
        <BadgeSwitch shown={loaderData.unreadBadge} />
        <button type="button" onClick={() => setHelp(true)} className="text-sm text-slate-500 underline dark:text-slate-400">
          Keyboard shortcuts (?)
        </button>
      </div>
      {status === "reconnecting" ? (
        <div
          role="status"
          data-testid="live-reconnecting"
          className="rounded bg-amber-100 px-3 py-1.5 text-sm text-amber-900 dark:bg-amber-900 dark:text-amber-100"
        >
          Live updates interrupted, reconnecting… The list below may be out of date.
        </div>
      ) : null}
      {gateway.running && !gateway.fleetlmReachable ? (
        <div role="status" className="rounded bg-amber-100 px-3 py-1.5 text-sm text-amber-900 dark:bg-amber-900 dark:text-amber-100">
          FleetLM is unreachable: showing the Console's index as last synced. New messages appear once it is back.
        </div>
      ) : null}
      <ViewTabs views={loaderData.views} current={loaderData.view} />
      <SavedViewsBar mine={loaderData.saved.mine} team={loaderData.saved.team} isAdmin={loaderData.isAdmin} />
      {actionData && (actionData.intent === "view-save" || actionData.intent === "view-delete" || actionData.errors) ? (
        <p
          role={actionData.ok ? "status" : "alert"}
          data-testid="view-result"
          className={`text-sm ${actionData.ok ? "text-green-800 dark:text-green-300" : "text-red-700 dark:text-red-300"}`}
        >
          {actionData.message ??
            Object.values(actionData.errors ?? {})
              .flat()
              .join(" ")}
        </p>
      ) : null}
      <UrlProblems problems={loaderData.problems} />
      <InboxFilters agents={facets.agents} labels={facets.labels} searchRef={searchRef} />
      <BulkActions
        selected={[...selected]}
        offPage={offPage}
        operators={operators}
        labels={facets.labels}
        canChange={canChange}
        onDone={() => setSelected(new Set())}
        onClear={() => setSelected(new Set())}
      />
      <div className="flex min-h-8 items-center gap-2" aria-live="polite">
        {keyResult ? (
          <span
            role={keyResult.ok ? "status" : "alert"}
            data-testid="key-result"
            className={`text-sm ${keyResult.ok ? "text-green-800 dark:text-green-300" : "text-red-700 dark:text-red-300"}`}
          >
            {keyResult.text}
          </span>
        ) : null}
        {heldUpdates > 0 ? (
          <button
            type="button"
            data-testid="pending-updates"
            onClick={release}
            className="rounded-full bg-blue-600 px-3 py-1 text-sm font-medium text-white hover:bg-blue-700"
          >
            {heldUpdates} update{heldUpdates === 1 ? "" : "s"} — show
          </button>
        ) : holding ? (
          <span className="text-xs text-slate-500 dark:text-slate-400">The list holds still while you work in it; new activity gathers here.</span>
        ) : null}
      </div>
      <div
        data-testid="inbox-list"
        data-holding={holding ? "true" : "false"}
        onPointerEnter={() => setPointerIn(true)}
        onPointerLeave={() => {
          setPointerIn(false);
          setKeysIn(false);
        }}
        onFocus={() => setFocusIn(true)}
        onBlur={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setFocusIn(false);
        }}
      >
        <DataTable
          table={table}
          caption={`Sessions, ${state.sort.id} ${state.sort.desc ? "descending" : "ascending"}`}
          busy={loading}
          emptyText={
            indexEmpty ? (
              <>No sessions yet. The Console lists FleetLM sessions as soon as its gateway sees them.</>
            ) : filtered ? (
              <>
                No sessions match these filters.{" "}
                <Link to="/inbox" className="underline">
                  Show all sessions
                </Link>
              </>
            ) : (
              <>
                Nothing on this page.{" "}
                <Link to={withParams(search, { page: null })} className="underline">
                  Back to the first page
                </Link>
              </>
            )
          }
          rowExtras={(row) => ({
            key: `${row.id}:${flash.get(row.id) ?? 0}`,
            ref: (el: HTMLTableRowElement | null) => {
              if (el) rowRefs.current.set(row.id, el);
              else rowRefs.current.delete(row.id);
            },
            "data-testid": "inbox-row",
            "data-session-id": row.id,
            "aria-selected": selected.has(row.id),
            "data-focused": row.id === focusId ? "true" : undefined,
            onClick: () => setFocusId(row.id),
            className: [
              row.id === focusId ? "outline outline-2 -outline-offset-2 outline-blue-500" : "",
              selected.has(row.id) ? "bg-blue-50 dark:bg-blue-950" : "",
              flash.has(row.id) ? "row-flash" : "",
            ].join(" "),
          })}
        />
      </div>
      <DataTablePagination state={state} />
      {help ? <KeyboardHelp onClose={() => setHelp(false)} /> : null}
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
