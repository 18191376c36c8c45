// GET /live: one authenticated server-sent-events stream per browser tab (see app/live/sse.server.ts).
// `?watch=<sessionId>` also subscribes the gateway to that session's channel while the tab is open.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { getAuth, requireOperator } from "~/auth/guards.server";
import { ensureGateway } from "~/fleetlm-sync/gateway.server";
import { presence, presenceHere, watchSession } from "~/fleetlm-sync/session-watch.server";
import { liveBus } from "~/live/bus.server";
import { createLiveStream, parseLiveQuery } from "~/live/sse.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const operator = await requireOperator(request);
  const parsed = parseLiveQuery(request);
  if (!parsed.ok) return new Response(`Bad /live parameters: ${parsed.problems.join("; ")}`, { status: 400 });
  ensureGateway();
  presence(); // subscribed before this stream, so a presence event is merged before the stream shows it
  const { watch, lastEventId } = parsed.query;
  let unwatch: (() => void)[] = [];
  let ended = false;
  // The stream subscribes to the bus before the watches start, so this tab gets the presence its own
  // arrival publishes (with everyone already viewing) even when another viewer's arrival raced its loader.
  const stream = createLiveStream({
    bus: liveBus(),
    subscriber: { operatorId: operator.id, watched: new Set(watch) },
    lastEventId,
    // Each process publishes the viewers it serves; a tab is shown everyone's (ADR 170).
    rewrite: (delivered) => (delivered.event.type === "presence" ? presenceHere(delivered.event.sessionId) : delivered.event),
    signal: request.signal,
    onClose: () => {
      ended = true;
      unwatch.forEach((release) => release());
    },
    // A tab left open after signing out (or deactivation) stops receiving events within one heartbeat.
    stillAllowed: async () => (await getAuth(request))?.operator.id === operator.id,
  });
  if (!ended) unwatch = watch.map((sessionId) => watchSession(sessionId, { id: operator.id, name: operator.name }));
  return new Response(stream, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    },
  });
}
