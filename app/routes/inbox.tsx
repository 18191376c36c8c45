// The inbox: every indexed FleetLM session as a server-run table (state in the URL), kept live over /live.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useLocation, useNavigate, useNavigation } from "@remix-run/react";
import { useCallback, useMemo, useRef, useState } from "react";
import { requireOperator } from "~/auth/guards.server";
import { DataTable, DataTablePagination, useServerTable, withParams } from "~/components/data-table";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Banner, Notice } from "~/components/ui/banner";
import { Button } from "~/components/ui/button";
import { sessionLink } from "~/inbox/session-link";
import { ensureGateway, gatewayStatus } from "~/fleetlm-sync/gateway.server";
import { mayChangeSharedState, runBulkAction } from "~/inbox/inbox-actions.server";
import { BulkActionSchema, DeleteViewSchema, SaveViewSchema } from "~/inbox/inbox-forms";
import { assignableOperators, isIndexEmpty } from "~/inbox/inbox-lookups.server";
import { inboxFacets, queryInbox, readInboxParams } from "~/inbox/inbox-query.server";
import { inboxSettings } from "~/inbox/inbox-settings.server";
import { deleteView, listSavedViews, saveView } from "~/inbox/saved-views.server";
import { inboxViews } from "~/inbox/views";
import { expireSnoozes } from "~/inbox/state-actions.server";
import { wantsUnreadBadge } from "~/inbox/unread-badge.server";
import { BadgeSwitch } from "~/inbox/components/badge-switch";
import { BulkActions } from "~/inbox/components/bulk-actions";
import { InboxFilters, SavedViewsBar, UrlProblems, ViewResult, ViewTabs } from "~/inbox/components/inbox-filters";
import { KeyboardHelp } from "~/inbox/components/keyboard-help";
import { useNow } from "~/inbox/components/relative-time";
import { useInboxKeys } from "~/inbox/components/use-inbox-keys";
import { useRowActions } from "~/inbox/components/use-row-actions";
import { useInboxColumns } from "~/inbox/components/inbox-columns";
import { useLiveRows } from "~/inbox/components/use-live-rows";
import { useRowFlash } from "~/inbox/components/use-row-flash";
import { currentViewers } from "~/fleetlm-sync/session-watch.server";
import { clientIp } from "~/lib/client-ip.server";
import { parseSubmission, resultFor } from "~/lib/forms";
import { readForm, rejected } from "~/lib/forms.server";
import { tableState } from "~/lib/table-params.server";
import { liveBus } from "~/live/bus.server";

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
    // Who is viewing each row's session now (the rows' `viewers` events keep it live).
    viewers: Object.fromEntries(rows.map((row) => [row.id, currentViewers(row.id)])),
    me: operator.id,
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
    const submission = intent === "view-save" ? parseSubmission(form, SaveViewSchema) : parseSubmission(form, DeleteViewSchema);
    if (submission.status !== "success") return rejected(submission);
    const view = submission.value;
    const result = view.intent === "view-save" ? await saveView(operator, view, clientIp(context)) : await deleteView(operator, view.viewId, clientIp(context));
    // The server's verdict (a bad view, too many, not an admin's) is the form's own error, with its status.
    if (!result.ok) return rejected(submission, { status: result.status, formErrors: [result.message] });
    return { ...submission.reply({ resetForm: true }), ok: true as const, message: result.message, intent };
  }
  const submission = parseSubmission(form, BulkActionSchema);
  if (submission.status !== "success") return rejected(submission);
  const result = await runBulkAction(operator, submission.value, clientIp(context));
  if (result.ok) {
    const url = new URL(request.url);
    url.searchParams.delete("index");
    return redirect(`/inbox${url.search}`);
  }
  if (result.status === 403 || result.status === 404) throw new Response(result.message, { status: result.status });
  return rejected(submission, { status: result.status, formErrors: [result.message] });
}

export default function InboxPage() {
  const loaderData = useLoaderData<typeof loader>();
  const { facets, operators, canChange, indexEmpty, gateway } = loaderData;
  const navigate = useNavigate();
  const navigation = useNavigation();
  const actionData = useActionData<typeof action>();
  const { search } = useLocation();
  const now = useNow(loaderData.now);
  // The list holds still while the pointer is over it, focus is inside it, or the keyboard is working it (j/k/x).
  const [pointerIn, setPointerIn] = useState(false);
  const [focusIn, setFocusIn] = useState(false);
  const [keysIn, setKeysIn] = useState(false);
  const holding = pointerIn || focusIn || keysIn;
  const {
    rows,
    total,
    capped,
    viewers,
    pending: heldUpdates,
    status,
  } = useLiveRows({
    loaded: { rows: loaderData.rows, total: loaderData.table.total, capped: loaderData.capped, liveId: loaderData.liveId, viewers: loaderData.viewers },
    holding,
    search,
    reloadPage: indexEmpty,
  });
  // The count follows the newest table read; page, size and sort are the URL's.
  const state = useMemo(
    () => ({ ...loaderData.table, total, pageCount: Math.max(1, Math.ceil(total / loaderData.table.pageSize)) }),
    [loaderData.table, total],
  );
  const release = useCallback(() => {
    setPointerIn(false);
    setFocusIn(false);
    setKeysIn(false);
  }, []);
  // Selection and focus belong to session ids, never to positions: they survive paging and live changes.
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [focusId, setFocusId] = useState<string | null>(null);
  // Keyboard shortcuts on the focused row; their outcome shows above the list.
  const { act, result: keyResult } = useRowActions(focusId);
  const [help, setHelp] = useState(false);
  const searchRef = useRef<HTMLDivElement>(null);
  const rowRefs = useRef(new Map<string, HTMLTableRowElement>());

  const flash = useRowFlash(rows, search);

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
      act(what, focusId);
    },
    help: () => setHelp((h) => !h),
    escape: () => {
      setHelp(false);
      setKeysIn(false);
    },
  });

  const columns = useInboxColumns({
    rows,
    selected,
    setSelected,
    toggle,
    now,
    unansweredMinutes: loaderData.unansweredMinutes,
    search,
    onFocusRow: setFocusId,
    viewers,
    meId: loaderData.me,
  });
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
        <Button type="button" variant="ghost" onClick={() => setHelp(true)}>
          Keyboard shortcuts (?)
        </Button>
      </div>
      {status === "reconnecting" ? (
        <Notice tone="warning" role="status" data-testid="live-reconnecting">
          Live updates interrupted, reconnecting… The list below may be out of date.
        </Notice>
      ) : null}
      {gateway.running && !gateway.fleetlmReachable ? (
        <Notice tone="warning" role="status">
          FleetLM is unreachable: showing the Console's index as last synced. New messages appear once it is back.
        </Notice>
      ) : null}
      <ViewTabs views={loaderData.views} current={loaderData.view} />
      <SavedViewsBar
        mine={loaderData.saved.mine}
        team={loaderData.saved.team}
        isAdmin={loaderData.isAdmin}
        lastResult={resultFor(actionData, { intent: "view-save" })}
      />
      <ViewResult result={actionData} />
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
          <Banner tone={keyResult.ok ? "success" : "error"} data-testid="key-result">
            {keyResult.text}
          </Banner>
        ) : null}
        {heldUpdates > 0 ? (
          <Button type="button" data-testid="pending-updates" onClick={release} className="rounded-full">
            {heldUpdates} update{heldUpdates === 1 ? "" : "s"} — show
          </Button>
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
