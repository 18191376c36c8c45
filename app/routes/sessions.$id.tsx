// The session view: one conversation read from FleetLM through this loader (tail, ?before=, ?after=, ?seq=),
// live through the Console's SSE feed, with the Console's header state and notes.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useFetcher, useLoaderData, useLocation, type ShouldRevalidateFunction } from "@remix-run/react";
import { randomUUID } from "node:crypto";
import { useCallback, useEffect, useRef, useState } from "react";
import { z } from "zod";
import { requireOperator } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { gatewayStatus } from "~/gateway/gateway.server";
import { advanceReadCursor } from "~/inbox/read-cursor.server";
import { parseForm, readForm } from "~/lib/forms.server";
import { useThrottledCallback } from "~/lib/use-throttled-callback";
import type { LiveStreamEvent } from "~/live/events";
import { useLiveEvents } from "~/live/use-live";
import { listNotes } from "~/notes/notes.server";
import { ReviewControls } from "~/reviews/components/review-controls";
import { MessageList } from "~/sessions/components/message-list";
import { NotesPanel } from "~/sessions/components/notes-panel";
import { SessionHeader } from "~/sessions/components/session-header";
import { parsePageQuery, wantsMessagesOnly } from "~/sessions/history.server";
import { parseSessionId } from "~/sessions/session-id";
import { loadMessagesPage, loadSessionView } from "~/sessions/session-view.server";
import { useSessionTimeline } from "~/sessions/use-session-timeline";
import { TakeoverPanel } from "~/takeover/components/takeover-panel";

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
  const page = await sessionPage(operator, sessionId, query);
  return page.view.degraded ? data(page.body, { status: 503 }) : page.body;
}

async function sessionPage(operator: { id: string; name: string; role: string }, sessionId: string, query: ReturnType<typeof parsePageQuery>) {
  const [view, notes] = await Promise.all([loadSessionView(sessionId, query), listNotes(sessionId)]);
  const gateway = gatewayStatus();
  const fleetlmDown = gateway.running && !gateway.fleetlmReachable;
  return { view, body: { ...view, notes, fleetlmDown, noteClientId: randomUUID(), me: { id: operator.id, name: operator.name, role: operator.role } } };
}
type SessionPageData = Awaited<ReturnType<typeof sessionPage>>["body"];

const ReadSchema = z.object({ intent: z.literal("read"), seq: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

// Reading at the tail moves my read cursor (the browser calls this, throttled).
export async function action({ request, params }: ActionFunctionArgs) {
  const operator = await requireOperator(request);
  const sessionId = parseSessionId(params.id);
  const parsed = parseForm(ReadSchema, await readForm(request));
  if (!parsed.ok) return parsed.response;
  await advanceReadCursor(operator.id, sessionId, parsed.data.seq);
  return { ok: true as const };
}

// Moving the read cursor changes nothing on this page: do not re-read FleetLM for it.
export const shouldRevalidate: ShouldRevalidateFunction = ({ formData, defaultShouldRevalidate }) => {
  if (formData?.get("intent") === "read") return false;
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
      <a className="text-blue-700 underline" href={location.pathname}>Open the session</a>
    </p>
  );
}

function SessionPage({ data: loaderData }: { data: SessionPageData }) {
  const { session, history, degraded, header, notes, me, noteClientId } = loaderData;
  // The gateway's view of FleetLM, live: while it is away nothing new can arrive, and the page says so.
  const [fleetlmDown, setFleetlmDown] = useState(loaderData.fleetlmDown);
  useEffect(() => setFleetlmDown(loaderData.fleetlmDown), [loaderData.fleetlmDown]);
  const location = useLocation();
  const timeline = useSessionTimeline(session.id, history, `${session.id}${location.search}`);
  const [viewers, setViewers] = useState(header.viewers);
  const [watching, setWatching] = useState(false);
  const [takeoverHolder, setTakeoverHolder] = useState(header.takeover);
  // A revalidation (after a takeover action, a note) brings the server's view of both.
  useEffect(() => setTakeoverHolder(header.takeover), [header.takeover]);
  useEffect(() => setViewers(header.viewers), [header.viewers]);

  const onEvent = useCallback(
    (event: LiveStreamEvent) => {
      // `hello` opens every (re)connection, `reset` says events were missed: read back what may be missing.
      if (event.type === "hello" || event.type === "reset") timeline.handlers.onOpen();
      else if (event.type === "presence") {
        setViewers(event.viewers);
        setWatching(event.watching === true);
      }
      else if (event.type === "gateway") setFleetlmDown(!event.fleetlmReachable);
      else if (event.type === "takeover") {
        setTakeoverHolder((current) =>
          event.holder && event.takeoverId ? { id: event.takeoverId, holder: event.holder, startedAt: current?.startedAt ?? new Date().toISOString(), expiresAt: event.expiresAt ?? "", reason: current?.reason ?? null } : null,
        );
      } else timeline.handlers.onEvent(event);
    },
    [timeline.handlers],
  );
  const liveStatus = useLiveEvents(onEvent, { watch: session.id });
  const { onDrop } = timeline.handlers;
  useEffect(() => {
    if (liveStatus === "reconnecting") onDrop();
  }, [liveStatus, onDrop]);

  const reader = useFetcher({ key: `read:${session.id}` });
  const readSeq = useRef(0);
  const postRead = useThrottledCallback((seq: number) => {
    readSeq.current = Math.max(readSeq.current, seq);
    reader.submit({ intent: "read", seq: String(seq) }, { method: "post", action: `/sessions/${encodeURIComponent(session.id)}` });
  }, READ_THROTTLE_MS);
  const onAtTail = useCallback(
    (seq: number) => {
      if (seq > readSeq.current) postRead(seq);
    },
    [postRead],
  );

  return (
    <div className="mx-auto flex max-w-5xl flex-col gap-4">
      <SessionHeader session={session} assignee={header.assignee} labels={header.labels} takeover={takeoverHolder} viewers={viewers} me={me} connected={liveStatus === "open"} watching={watching}>
        <TakeoverPanel sessionId={session.id} agentId={session.agentId} takeover={takeoverHolder} me={me} />
      </SessionHeader>
      {degraded ? (
        <div role="alert" data-testid="degraded" className="rounded border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
          Messages are unavailable: {degraded.reason} The Console shows what it knows and retries when you reload.
        </div>
      ) : null}
      {fleetlmDown && !degraded ? (
        <div role="status" data-testid="fleetlm-unreachable" className="rounded bg-amber-100 px-3 py-1.5 text-sm text-amber-900 dark:bg-amber-900 dark:text-amber-100">
          FleetLM is unreachable: new messages and replies appear here once it is back.
        </div>
      ) : null}
      {timeline.fetchError ? <div role="status" className="text-sm text-amber-800 dark:text-amber-200">{timeline.fetchError}</div> : null}
      {history || timeline.messages.length ? (
        <MessageList
          messages={timeline.messages}
          lost={timeline.lost}
          live={timeline.live}
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
      ) : null}
      <NotesPanel sessionId={session.id} notes={notes} me={me} clientId={noteClientId} />
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
