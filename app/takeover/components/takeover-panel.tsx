// Take over / hand back / composer for one session, in the session header. The claim itself (`takeover`)
// comes live from the session page; the timeline, the streaming flag and the canned replies come from the
// takeover resource route, reloaded whenever a takeover event arrives.
import { useFetcher } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState } from "react";
import { can } from "~/auth/permissions";
import { useLiveEvents } from "~/live/use-live";
import type { LiveStreamEvent } from "~/live/events";
import type { TakeoverActionResult, TakeoverPanelData } from "../panel-types";
import type { TakeoverView } from "../takeover.server";
import { Composer } from "./composer";
import { useCountdown } from "./countdown";
import { TakeoverTimeline } from "./takeover-timeline";

type Me = { id: string; name: string; role: string };
type Props = { sessionId: string; agentId: string; takeover: TakeoverView | null; me: Me };

const button = "rounded border px-3 py-1 text-sm disabled:opacity-50";
const primary = `${button} border-indigo-600 bg-indigo-600 text-white hover:bg-indigo-700`;
const secondary = `${button} border-slate-300 dark:border-slate-700`;
const danger = `${button} border-red-300 text-red-800 dark:border-red-800 dark:text-red-200`;

export function takeoverUrl(sessionId: string) {
  return `/sessions/${encodeURIComponent(sessionId)}/takeover`;
}

export function TakeoverPanel({ sessionId, agentId, takeover, me }: Props) {
  const url = takeoverUrl(sessionId);
  const panel = useFetcher<TakeoverPanelData>({ key: `takeover-panel:${sessionId}` });
  const act = useFetcher<TakeoverActionResult>({ key: `takeover-act:${sessionId}` });
  const [reason, setReason] = useState("");
  const [streaming, setStreaming] = useState(false);
  // The action's answer shows at once; the live takeover prop takes over again when it changes.
  const [local, setLocal] = useState<{ value: TakeoverView | null } | null>(null);
  useEffect(() => setLocal(null), [takeover?.id, takeover?.expiresAt]);

  const loadRef = useRef(panel.load);
  loadRef.current = panel.load;
  const reload = useCallback(() => void loadRef.current(url), [url]);
  useEffect(() => {
    reload();
  }, [reload]);
  useEffect(() => {
    if (panel.data) setStreaming(panel.data.streaming);
  }, [panel.data]);
  useEffect(() => {
    const result = act.data;
    if (!result || act.state !== "idle") return;
    if (result.ok && "takeover" in result && result.takeover !== undefined) setLocal({ value: result.takeover });
    if (result.ok && result.intent === "stop-reply") setStreaming(false);
    reload();
  }, [act.data, act.state, reload]);

  const onEvent = useCallback(
    (event: LiveStreamEvent) => {
      if (event.type === "takeover" && event.sessionId === sessionId) reload();
      else if (event.type === "chunk" && event.sessionId === sessionId) {
        const type = event.chunk.type;
        setStreaming(!(type === "finish" || type === "abort" || type === "console-stream-interrupted"));
      } else if (event.type === "message" && event.sessionId === sessionId && event.message.kind === "assistant") setStreaming(false);
      else if (event.type === "reset") reload();
    },
    [sessionId, reload],
  );
  useLiveEvents(onEvent, { watch: sessionId });

  const current = local ? local.value : takeover;
  const mine = current?.holder.id === me.id;
  const canAct = can(me, "takeover:claim");
  const busy = act.state !== "idle";
  const refusal = act.data && !act.data.ok && act.state === "idle" ? act.data.reason : null;
  const submit = (intent: string, extra: Record<string, string> = {}) => act.submit({ intent, ...extra }, { method: "post", action: url });

  return (
    <div data-testid="takeover-panel" className="flex flex-col gap-3 rounded border border-slate-200 p-3 dark:border-slate-800">
      <div className="flex flex-wrap items-center gap-2">
        <TakeoverStatus takeover={current} mine={mine} onExpired={reload} />
        <div className="ml-auto flex flex-wrap items-center gap-2">
          {canAct && !current ? (
            <>
              <label className="sr-only" htmlFor={`takeover-reason-${sessionId}`}>
                Reason (optional)
              </label>
              <input
                id={`takeover-reason-${sessionId}`}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                maxLength={500}
                placeholder="Reason (optional)"
                className="rounded border border-slate-300 px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-950"
              />
              <button type="button" className={primary} disabled={busy} onClick={() => submit("claim", reason.trim() ? { reason: reason.trim() } : {})}>
                Take over
              </button>
            </>
          ) : null}
          {mine ? (
            <button type="button" className={secondary} disabled={busy} onClick={() => submit("release")}>
              Hand back
            </button>
          ) : null}
          {current && !mine && can(me, "takeover:force-release") ? (
            <button type="button" className={danger} disabled={busy} onClick={() => submit("force-release")}>
              Force release
            </button>
          ) : null}
          {can(me, "reply:stop") && streaming && panel.data?.gated ? (
            <button type="button" className={danger} disabled={busy} onClick={() => submit("stop-reply")}>
              Stop reply
            </button>
          ) : null}
        </div>
      </div>
      {refusal ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {refusal}
        </p>
      ) : null}
      {current && !mine && canAct ? <p className="text-sm text-slate-600 dark:text-slate-400">Only {current.holder.name} can reply as the agent while they hold this session.</p> : null}
      {mine ? <Composer sessionId={sessionId} agentId={agentId} url={url} cannedReplies={panel.data?.cannedReplies ?? []} /> : null}
      {!panel.data?.gated && mine ? (
        <p className="text-xs text-slate-500">This agent is not routed through the Console, so the AI may still answer the user while you hold the session.</p>
      ) : null}
      <TakeoverTimeline entries={panel.data?.timeline ?? []} />
    </div>
  );
}

function TakeoverStatus({ takeover, mine, onExpired }: { takeover: TakeoverView | null; mine: boolean; onExpired: () => void }) {
  const left = useCountdown(takeover?.expiresAt ?? null, onExpired);
  if (!takeover) return <p className="text-sm">The AI is answering this session.</p>;
  return (
    <p className="text-sm" data-testid="takeover-status">
      <strong>{mine ? "You hold this session" : `Taken over by ${takeover.holder.name}`}</strong>
      {takeover.reason ? <span className="text-slate-600 dark:text-slate-400"> — {takeover.reason}</span> : null}
      {left ? (
        <span className="ml-2 text-xs text-slate-500" data-testid="takeover-countdown">
          {left === "expired" ? "expiring…" : `hands back in ${left} without activity`}
        </span>
      ) : null}
    </p>
  );
}
