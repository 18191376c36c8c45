// The takeover state of one session page, shared by the side panel (status, buttons, gate) and the composer
// under the transcript. The claim itself comes live from the page (`takeover`); the timeline, the streaming flag,
// the gate's health and the canned replies come from the takeover resource route, reloaded on every takeover
// event and whenever the gateway reconnects (FleetLM may have come back with the agent's routing reset).
import { useFetcher } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState } from "react";
import { can } from "~/auth/permissions";
import type { LiveStreamEvent } from "~/live/events";
import { useLiveEvents } from "~/live/use-live";
import type { TakeoverActionResult, TakeoverPanelData } from "../panel-types";
import type { TakeoverView } from "../takeover.server";

export type Me = { id: string; name: string; role: string };

export function takeoverUrl(sessionId: string) {
  return `/sessions/${encodeURIComponent(sessionId)}/takeover`;
}

export function useTakeover({ sessionId, takeover, me }: { sessionId: string; takeover: TakeoverView | null; me: Me }) {
  const url = takeoverUrl(sessionId);
  const panel = useFetcher<TakeoverPanelData>({ key: `takeover-panel:${sessionId}` });
  const act = useFetcher<TakeoverActionResult>({ key: `takeover-act:${sessionId}` });
  const [reason, setReason] = useState("");
  const [streaming, setStreaming] = useState(false);
  // A refusal or failure shown until the takeover state changes (or the next action): an old "Taken over by
  // Otto." must not outlive Otto's hand back.
  // `field`: the form field a refused form named (the reason box is then marked invalid).
  const [notice, setNotice] = useState<{ intent: string; text: string; field?: string } | null>(null);
  // After my hand back: the user messages the AI did not answer while the session was held (ADR 121).
  const [missed, setMissed] = useState<number[] | null>(null);
  const [info, setInfo] = useState<string | null>(null);
  // User messages the gate kept the AI from answering during this hold (seen live, ADR 040).
  const [paused, setPaused] = useState<number[]>([]);
  // The action's answer shows at once; the live takeover prop takes over again when it changes.
  const [local, setLocal] = useState<{ value: TakeoverView | null } | null>(null);
  const stateKey = `${takeover?.id ?? "none"}:${takeover?.expiresAt ?? ""}`;
  useEffect(() => {
    setLocal(null);
    setNotice(null);
  }, [stateKey]);

  const loadRef = useRef(panel.load);
  loadRef.current = panel.load;
  const reload = useCallback(() => void loadRef.current(url), [url]);
  useEffect(() => {
    reload();
  }, [reload]);
  useEffect(() => {
    if (panel.data) setStreaming(panel.data.streaming);
  }, [panel.data]);

  const handled = useRef<unknown>(null);
  useEffect(() => {
    const result = act.data;
    if (!result || act.state !== "idle" || handled.current === result) return;
    handled.current = result;
    if (result.ok) {
      setNotice(null);
      setInfo(null);
      if (result.intent === "release") setMissed(result.missed && result.missed.length > 0 ? result.missed : null);
      if (result.intent === "replay-missed") {
        setMissed(null);
        setInfo(`The AI is answering ${result.replaying?.length === 1 ? "the missed message" : `the ${result.replaying?.length ?? 0} missed messages`}.`);
      }
      if ("takeover" in result && result.takeover !== undefined) setLocal({ value: result.takeover });
      if (result.intent === "claim") setReason("");
      if (result.intent === "stop-reply") setStreaming(false);
    } else setNotice({ intent: result.intent, text: result.reason, field: Object.keys(result.error ?? {}).find((name) => result.error?.[name]?.length) });
    reload();
  }, [act.data, act.state, reload]);

  const onEvent = useCallback(
    (event: LiveStreamEvent) => {
      if (event.type === "takeover" && event.sessionId === sessionId) {
        setNotice(null);
        reload();
      } else if (event.type === "chunk" && event.sessionId === sessionId) {
        const type = event.chunk.type;
        setStreaming(!(type === "finish" || type === "abort" || type === "console-stream-interrupted"));
      } else if (event.type === "message" && event.sessionId === sessionId && event.message.kind === "assistant") setStreaming(false);
      // Back from an outage: FleetLM may have restarted and forgotten the agent's routing. Ask again.
      else if (event.type === "gateway" && event.connected && event.fleetlmReachable) reload();
      else if (event.type === "gate.paused" && event.sessionId === sessionId) setPaused((seqs) => (seqs.includes(event.seq) ? seqs : [...seqs, event.seq]));
      else if (event.type === "reset" || event.type === "hello") reload();
    },
    [sessionId, reload],
  );
  useLiveEvents(onEvent, { watch: sessionId });

  const current = local ? local.value : takeover;
  // Someone holds the session again: an offer to let the AI answer belongs to the hand back that is over.
  useEffect(() => {
    if (current) {
      setMissed(null);
      setInfo(null);
    } else setPaused([]);
  }, [current]);
  const mine = current?.holder.id === me.id;
  const canAct = can(me, "takeover:claim");
  const busy = act.state !== "idle";
  const submit = useCallback(
    (intent: string, extra: Record<string, string> = {}) => {
      setNotice(null);
      act.submit({ intent, ...extra }, { method: "post", action: url });
    },
    [act, url],
  );

  const dismissMissed = useCallback(() => setMissed(null), []);
  return { url, data: panel.data, current, mine, canAct, busy, notice, info, missed, dismissMissed, paused, streaming, reason, setReason, submit, reload, me };
}

export type TakeoverState = ReturnType<typeof useTakeover>;
