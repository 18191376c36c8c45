// The session view, an operator's workspace: one conversation read from FleetLM through this loader (tail,
// ?before=, ?after=, ?seq=), live through the Console's SSE feed, the composer under the newest message, and
// everything about the session in a side panel. `?inbox=` carries the inbox view it was opened from.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData, useLocation, useNavigate, type ShouldRevalidateFunction } from "@remix-run/react";
import { randomUUID } from "node:crypto";
import { useCallback, useEffect, useRef, useState } from "react";
import { requireOperator } from "~/auth/guards.server";
import { can } from "~/auth/permissions";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Notice } from "~/components/ui/banner";
import { gatewayStatus } from "~/fleetlm-sync/gateway.server";
import { assignableOperators } from "~/inbox/inbox-lookups.server";
import { clientIp } from "~/lib/client-ip.server";
import { parseSubmission } from "~/lib/forms";
import { readForm, rejected } from "~/lib/forms.server";
import { quietPost } from "~/lib/quiet-post";
import { useThrottledCallback } from "~/lib/use-throttled-callback";
import type { LiveStreamEvent } from "~/live/events";
import { useLiveEvents } from "~/live/use-live";
import { listNotes } from "~/notes/notes.server";
import { ReviewControls } from "~/reviews/components/review-controls";
import { FindBar, type FindBarHandle } from "~/sessions/components/find-bar";
import { MessageList } from "~/sessions/components/message-list";
import { NotesPanel } from "~/sessions/components/notes-panel";
import { SessionHeader } from "~/sessions/components/session-header";
import { SessionPanel } from "~/sessions/components/session-panel";
import { WorkspaceKeys } from "~/sessions/components/workspace-keys";
import { parsePageQuery, wantsMessagesOnly } from "~/sessions/history.server";
import { parseSessionId } from "~/sessions/session-id";
import { loadMessagesPage, loadSessionView } from "~/sessions/session-view.server";
import { useSessionTimeline } from "~/sessions/use-session-timeline";
import { SessionFormSchema } from "~/sessions/workspace-forms";
import { runSessionForm } from "~/sessions/workspace-forms.server";
import { inboxNeighbours, inboxQueryFrom, otherSessionsOf } from "~/sessions/workspace.server";
import { Composer } from "~/takeover/components/composer";
import { TakeoverPanel } from "~/takeover/components/takeover-panel";
import { useTakeover, type TakeoverState } from "~/takeover/components/use-takeover";
import { draftKey } from "~/takeover/drafts";

/** This page shows its own (single) FleetLM outage notice; the shell leaves its banner out here. */
export const handle = { ownOutageNotice: true };

export const meta: MetaFunction = ({ params }) => [{ title: `Session ${params.id ?? ""} · FleetLM Console` }];

// Every role may read a session.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const operator = await requireOperator(request);
  const sessionId = parseSessionId(params.id);
  const search = new URL(request.url).searchParams;
  const query = parsePageQuery(search);
  if (wantsMessagesOnly(search)) {
    const page = await loadMessagesPage(sessionId, query);
    return page.degraded ? data(page, { status: 503 }) : page;
  }
  const page = await sessionPage(operator, sessionId, query, search);
  return page.view.degraded ? data(page.body, { status: 503 }) : page.body;
}

async function sessionPage(
  operator: { id: string; name: string; role: string },
  sessionId: string,
  query: ReturnType<typeof parsePageQuery>,
  search: URLSearchParams,
) {
  const inboxQuery = inboxQueryFrom(search);
  const [view, notes, nav, operators] = await Promise.all([
    loadSessionView(sessionId, query),
    listNotes(sessionId),
    inboxNeighbours(sessionId, inboxQuery, operator.id),
    can(operator, "inbox:triage") ? assignableOperators() : Promise.resolve([]),
  ]);
  const otherSessions = view.session.userId === "unknown" ? [] : await otherSessionsOf(view.session.userId, sessionId);
  const gateway = gatewayStatus();
  const fleetlmDown = gateway.running && !gateway.fleetlmReachable;
  const gatewayUp = !gateway.running || gateway.connected;
  return {
    view,
    body: {
      ...view,
      notes,
      nav,
      operators,
      otherSessions,
      fleetlmDown,
      gatewayUp,
      noteClientId: randomUUID(),
      me: { id: operator.id, name: operator.name, role: operator.role },
    },
  };
}
type SessionPageData = Awaited<ReturnType<typeof sessionPage>>["body"];

// The side panel's edits (assign, labels, archive); auditors are refused inside runSessionForm. My read position
// has its own route (sessions.$id.read.ts).
export async function action({ request, params, context }: ActionFunctionArgs) {
  const operator = await requireOperator(request);
  const sessionId = parseSessionId(params.id);
  const submission = parseSubmission(await readForm(request), SessionFormSchema);
  if (submission.status !== "success") return rejected(submission);
  const result = await runSessionForm(operator, sessionId, submission.value, clientIp(context));
  // A refusal the schema could not see (an auditor, FleetLM down) is the form's own error, with its status.
  if (!result.ok) return rejected(submission, { status: result.status, formErrors: [result.message] });
  return { ...submission.reply({ resetForm: true }), ...result };
}

// Takeover actions reach this page as live events (and the action's own answer): they do not re-read FleetLM and
// the inbox view for it. Notes and panel edits do. Only while the page stays where it is: an action finishing as the
// operator moves on revalidates for the navigation's location, and a `false` there would finish that navigation with
// the old session's data (ADR 223).
export const shouldRevalidate: ShouldRevalidateFunction = ({ currentUrl, nextUrl, formAction, defaultShouldRevalidate }) => {
  if (currentUrl.pathname !== nextUrl.pathname || currentUrl.search !== nextUrl.search) return defaultShouldRevalidate;
  if (formAction && /^\/sessions\/[^/]+\/takeover$/.test(formAction)) return false;
  return defaultShouldRevalidate;
};

const READ_THROTTLE_MS = 2_000;

export default function SessionRoute() {
  const loaderData = useLoaderData<typeof loader>();
  // `?part=messages` is for the page's own fetchers; opened directly it has no header to show.
  if (!("session" in loaderData)) return <SessionLink />;
  const page = loaderData as unknown as SessionPageData;
  // Another session is another page: no state (viewers, takeover, live bubble) carries over.
  return <SessionPage key={page.session.id} data={page} />;
}

function SessionLink() {
  const location = useLocation();
  return (
    <p className="p-4">
      <a className="text-blue-700 underline" href={location.pathname}>
        Open the session
      </a>
    </p>
  );
}

function SessionPage({ data: loaderData }: { data: SessionPageData }) {
  const { session, history, degraded, header, notes, me, noteClientId, nav } = loaderData;
  // The gateway's view of FleetLM, live: while it is away nothing new can arrive, and the page says so.
  const [fleetlmDown, setFleetlmDown] = useState(loaderData.fleetlmDown);
  const [gatewayUp, setGatewayUp] = useState(loaderData.gatewayUp);
  useEffect(() => setFleetlmDown(loaderData.fleetlmDown), [loaderData.fleetlmDown]);
  useEffect(() => setGatewayUp(loaderData.gatewayUp), [loaderData.gatewayUp]);
  const location = useLocation();
  const timeline = useSessionTimeline(session.id, history, `${session.id}${location.search}`);
  const [viewers, setViewers] = useState(header.viewers);
  const [watching, setWatching] = useState(false);
  const [takeoverHolder, setTakeoverHolder] = useState(header.takeover);
  // A revalidation (after a takeover action, a note) brings the server's view of both.
  useEffect(() => setTakeoverHolder(header.takeover), [header.takeover]);
  useEffect(() => setViewers(header.viewers), [header.viewers]);

  const { list: typists, saw: sawTyping } = useTypists();
  const onEvent = useCallback(
    (event: LiveStreamEvent) => {
      // `hello` opens every (re)connection, `reset` says events were missed: read back what may be missing.
      if (event.type === "hello" || event.type === "reset") timeline.handlers.onOpen();
      else if (event.type === "presence") {
        setViewers(event.viewers);
        setWatching(event.watching === true);
      } else if (event.type === "typing" && event.sessionId === session.id) sawTyping(event.operator);
      else if (event.type === "gateway") {
        setFleetlmDown(!event.fleetlmReachable);
        setGatewayUp(event.connected);
      } else if (event.type === "takeover") {
        setTakeoverHolder((current) =>
          event.holder && event.takeoverId
            ? {
                id: event.takeoverId,
                holder: event.holder,
                startedAt: current?.startedAt ?? new Date().toISOString(),
                expiresAt: event.expiresAt ?? "",
                reason: current?.reason ?? null,
              }
            : null,
        );
      } else timeline.handlers.onEvent(event);
    },
    [timeline.handlers, sawTyping, session.id],
  );
  const liveStatus = useLiveEvents(onEvent, { watch: session.id });
  const { onDrop } = timeline.handlers;
  useEffect(() => {
    if (liveStatus === "reconnecting") onDrop();
  }, [liveStatus, onDrop]);
  const takeover = useTakeover({ sessionId: session.id, takeover: takeoverHolder, me });
  const find = useFind(timeline.messages);

  const readSeq = useRef(0);
  const postRead = useThrottledCallback((seq: number) => {
    readSeq.current = Math.max(readSeq.current, seq);
    quietPost(`/sessions/${encodeURIComponent(session.id)}/read`, { seq: String(seq) });
  }, READ_THROTTLE_MS);
  const onAtTail = useCallback(
    (seq: number) => {
      if (seq > readSeq.current) postRead(seq);
    },
    [postRead],
  );

  // "live" is a promise that what happens now shows now: it needs this page's feed AND the gateway's socket.
  const live = liveStatus === "open" && gatewayUp && !fleetlmDown;
  // One outage notice per page: the degraded read (messages missing) says more than "unreachable", so it wins.
  const outage = degraded ? (
    <Notice tone="warning" data-testid="degraded" className="py-2">
      Messages are unavailable: {degraded.reason} The Console shows what it knows.{" "}
      <a href={location.pathname + location.search} className="underline">
        Retry
      </a>
    </Notice>
  ) : fleetlmDown ? (
    <Notice tone="warning" role="status" data-testid="fleetlm-unreachable">
      FleetLM is unreachable: new messages and replies appear here once it is back.
    </Notice>
  ) : null;

  return (
    <div className="mx-auto grid max-w-[96rem] grid-cols-1 gap-3 lg:h-[calc(100vh-var(--shell-header)-2rem)] lg:grid-cols-[minmax(0,1fr)_22rem] lg:grid-rows-[auto_minmax(0,1fr)]">
      <div className="lg:col-span-2">
        <SessionHeader session={session} takeover={takeover.current} viewers={viewers} typing={typists} me={me} live={live} watching={watching} nav={nav} />
      </div>
      <div className="flex min-h-0 flex-col gap-2" data-testid="conversation">
        {outage}
        {timeline.fetchError ? (
          <div role="status" className="text-sm text-amber-800 dark:text-amber-200">
            {timeline.fetchError}
          </div>
        ) : null}
        {find.open ? <FindBar ref={find.bar} sessionId={session.id} messages={timeline.messages} onJump={find.jump} onClose={find.close} /> : null}
        {history || timeline.messages.length ? (
          <MessageList
            key={timeline.generation}
            focus={find.focus}
            messages={timeline.messages}
            lost={timeline.lost}
            live={timeline.liveReply}
            session={session}
            highlight={history?.highlight ?? null}
            hasOlder={timeline.hasOlder}
            hasNewer={timeline.hasNewer}
            loadingOlder={timeline.loadingOlder}
            loadingNewer={timeline.loadingNewer}
            onLoadOlder={timeline.loadOlder}
            onLoadNewer={timeline.loadNewer}
            onAtTail={onAtTail}
            actionsFor={(message) => <ReviewControls sessionId={session.id} seq={message.seq} me={me} />}
          />
        ) : (
          <div className="flex-1" />
        )}
        <ReplyArea takeover={takeover} session={session} />
        <WorkspaceKeys onFind={find.show} />
      </div>
      <SessionPanel
        session={session}
        assignee={header.assignee}
        labels={header.labels}
        operators={loaderData.operators}
        otherSessions={loaderData.otherSessions}
        inboxQuery={nav.inboxQuery}
        me={me}
        takeover={<TakeoverPanel state={takeover} sessionId={session.id} />}
        notes={<NotesPanel sessionId={session.id} notes={notes} me={me} clientId={noteClientId} />}
      />
    </div>
  );
}

/**
 * Find in transcript: the bar, and the hit to show. A hit the page holds is scrolled to; one outside the page's
 * window of messages is opened as `?seq=` (the page around it, the same inbox view), with the bar kept open.
 */
function useFind(messages: { seq: number }[]) {
  const [open, setOpen] = useState(false);
  const [focus, setFocus] = useState<{ seq: number; n: number } | null>(null);
  const bar = useRef<FindBarHandle>(null);
  const navigate = useNavigate();
  const location = useLocation();
  const held = useRef({ messages, search: location.search });
  held.current = { messages, search: location.search };
  const jump = useCallback(
    (seq: number) => {
      setFocus((current) => ({ seq, n: (current?.n ?? 0) + 1 }));
      if (held.current.messages.some((m) => m.seq === seq)) return;
      const params = new URLSearchParams(held.current.search);
      params.delete("before");
      params.delete("after");
      params.set("seq", String(seq));
      navigate({ search: `?${params.toString()}` }, { replace: true, preventScrollReset: true });
    },
    [navigate],
  );
  const show = useCallback(() => {
    setOpen(true);
    bar.current?.focus();
  }, []);
  const close = useCallback(() => {
    setOpen(false);
    setFocus(null);
  }, []);
  return { open, focus, bar, jump, show, close };
}

const TYPING_SHOWN_MS = 4_000;
const TYPING_POST_EVERY_MS = 2_000;

/** Who is typing a reply right now, from `typing` events: a name shows for a few seconds after the last one. */
function useTypists() {
  const [list, setList] = useState<{ id: string; name: string; at: number }[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const expire = useCallback(() => {
    setList((current) => {
      const now = Date.now();
      const left = current.filter((t) => now - t.at < TYPING_SHOWN_MS);
      clearTimeout(timer.current);
      if (left.length) timer.current = setTimeout(expire, 500);
      return left.length === current.length ? current : left;
    });
  }, []);
  const saw = useCallback(
    (operator: { id: string; name: string }) => {
      setList((current) => [...current.filter((t) => t.id !== operator.id), { ...operator, at: Date.now() }]);
      clearTimeout(timer.current);
      timer.current = setTimeout(expire, 500);
    },
    [expire],
  );
  useEffect(() => () => clearTimeout(timer.current), []);
  return { list, saw };
}

/** Tells teammates I am drafting (a quiet POST at most every 2 s: nothing revalidates). */
function useTypingSignal(url: string) {
  const last = useRef(0);
  return useCallback(() => {
    if (Date.now() - last.current < TYPING_POST_EVERY_MS) return;
    last.current = Date.now();
    quietPost(url, { intent: "typing" });
  }, [url]);
}

/** Under the newest message: the composer for the holder, otherwise what it takes to reply. */
function ReplyArea({ takeover, session }: { takeover: TakeoverState; session: { id: string; agentId: string } }) {
  const { current, mine, canAct, me } = takeover;
  const onTyping = useTypingSignal(takeover.url);
  if (mine) {
    return (
      <div className="rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900" data-testid="reply-area">
        <Composer
          sessionId={session.id}
          agentId={session.agentId}
          url={takeover.url}
          cannedReplies={takeover.data?.cannedReplies ?? []}
          draftKey={draftKey(me.id, session.id)}
          onTyping={onTyping}
        />
      </div>
    );
  }
  return (
    <p
      className="rounded-lg border border-dashed border-slate-300 px-3 py-2 text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400"
      data-testid="reply-area"
    >
      {!canAct
        ? "Auditors read and annotate; replying as the agent is for operators."
        : current
          ? `${current.holder.name} holds this session; only they can reply as the agent.`
          : "The AI is answering. Take over (in the panel, or press T) to reply as the agent."}
    </p>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
