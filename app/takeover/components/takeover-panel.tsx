// Take over / hand back for one session, in the session page's side panel: who holds it and for how long, the
// buttons the viewer's role allows, whether a takeover really pauses the AI (the gate's health, with "Route
// again" for admins), Stop reply, and the takeover timeline. The composer itself sits under the transcript.
import type { GateHealth } from "~/agent-gate/gate-health.server";
import { can } from "~/auth/permissions";
import { Notice } from "~/components/ui/banner";
import { Button } from "~/components/ui/button";
import { controlClass } from "~/components/ui/field";
import { schemaConstraint } from "~/lib/forms";
import { ClaimFormSchema } from "../schemas";
import type { TakeoverView } from "../takeover.server";
import { useCountdown } from "./countdown";
import { TakeoverTimeline } from "./takeover-timeline";
import type { TakeoverState } from "./use-takeover";

export { takeoverUrl } from "./use-takeover";

const REASON_LIMIT = schemaConstraint(ClaimFormSchema).reason?.maxLength;

export function TakeoverPanel({ state, sessionId }: { state: TakeoverState; sessionId: string }) {
  const { current, mine, canAct, busy, notice, streaming, data, me, submit } = state;
  const noticeId = `takeover-notice-${sessionId}`;
  // A refused reason (the schema's limit, past the box's maxLength) names the box, and the box names the notice.
  const reasonRefused = notice?.field === "reason";
  return (
    <div data-testid="takeover-panel" className="flex flex-col gap-2">
      <TakeoverStatus takeover={current} mine={mine} onExpired={state.reload} />
      {canAct && !current ? (
        <div className="flex flex-wrap items-center gap-2">
          <label className="sr-only" htmlFor={`takeover-reason-${sessionId}`}>
            Reason (optional)
          </label>
          <input
            id={`takeover-reason-${sessionId}`}
            value={state.reason}
            onChange={(e) => state.setReason(e.target.value)}
            maxLength={REASON_LIMIT}
            placeholder="Reason (optional)"
            aria-invalid={reasonRefused ? true : undefined}
            aria-describedby={reasonRefused ? noticeId : undefined}
            className={controlClass("inline", "min-w-0 flex-1")}
          />
          <Button
            type="button"
            variant="agent"
            disabled={busy}
            onClick={() => submit("claim", state.reason.trim() ? { reason: state.reason.trim() } : {})}
            aria-keyshortcuts="t"
            data-action="take-over"
          >
            Take over
          </Button>
        </div>
      ) : null}
      <div className="flex flex-wrap gap-2 empty:hidden">
        {mine ? (
          <Button type="button" variant="secondary" disabled={busy} onClick={() => submit("release")} aria-keyshortcuts="h" data-action="hand-back">
            Hand back
          </Button>
        ) : null}
        {current && !mine && can(me, "takeover:force-release") ? (
          <Button type="button" variant="danger-outline" disabled={busy} onClick={() => submit("force-release")}>
            Force release
          </Button>
        ) : null}
        {can(me, "reply:stop") && streaming && data?.gated ? (
          <Button type="button" variant="danger-outline" disabled={busy} onClick={() => submit("stop-reply")}>
            Stop reply
          </Button>
        ) : null}
      </div>
      {notice ? (
        <p id={noticeId} role="alert" className="text-sm text-red-700 dark:text-red-300" data-testid="takeover-notice">
          {notice.text}{" "}
          {notice.intent !== "invalid" ? (
            <Button type="button" variant="ghost" size="sm" onClick={() => state.reload()}>
              Refresh
            </Button>
          ) : null}
        </p>
      ) : null}
      {state.missed && !current ? (
        <Notice tone="info" role="status" data-testid="missed-offer">
          <p>While the session was held, the user wrote {state.missed.length === 1 ? "a message" : `${state.missed.length} messages`} the AI did not answer.</p>
          <div className="mt-1 flex gap-2">
            <Button type="button" variant="agent" disabled={busy} onClick={() => submit("replay-missed")}>
              Let the AI answer
            </Button>
            <Button type="button" variant="secondary" onClick={state.dismissMissed}>
              Leave unanswered
            </Button>
          </div>
        </Notice>
      ) : null}
      {state.info ? (
        <p role="status" className="text-sm text-slate-700 dark:text-slate-300" data-testid="takeover-info">
          {state.info}
        </p>
      ) : null}
      {current && !mine && canAct ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">Only {current.holder.name} can reply as the agent while they hold this session.</p>
      ) : null}
      {current && state.paused.length > 0 ? (
        <p role="status" className="text-xs text-emerald-800 dark:text-emerald-300" data-testid="gate-paused">
          The AI held back its answer to{" "}
          {state.paused.length === 1 ? `message #${state.paused[0]}` : `${state.paused.length} messages (#${state.paused.join(", #")})`}.
        </p>
      ) : null}
      {data ? (
        <GateStatus
          gate={data.gate}
          holding={!!current}
          isAdmin={can(me, "settings:manage")}
          busy={busy}
          onRouteAgain={() => submit("route-again")}
          onRetry={state.reload}
        />
      ) : null}
      <TakeoverTimeline entries={data?.timeline ?? []} />
    </div>
  );
}

/** Says plainly whether taking over pauses the AI for this agent, and what to do when it does not. */
function GateStatus({
  gate,
  holding,
  isAdmin,
  busy,
  onRouteAgain,
  onRetry,
}: {
  gate: GateHealth;
  holding: boolean;
  isAdmin: boolean;
  busy: boolean;
  onRouteAgain: () => void;
  onRetry: () => void;
}) {
  if (gate.state === "gated") {
    return (
      <p className="text-xs text-emerald-800 dark:text-emerald-300" data-testid="gate-status" data-state="gated">
        AI can be paused: this agent is routed through the Console.
      </p>
    );
  }
  if (gate.state === "not-gated") {
    return (
      <p className="text-xs text-slate-600 dark:text-slate-400" data-testid="gate-status" data-state="not-gated">
        The AI cannot be paused for this agent (not routed through the Console): it may still answer{" "}
        {holding ? "while the session is held" : "during a takeover"}.
      </p>
    );
  }
  if (gate.state === "unknown") {
    return (
      <p role="status" className="text-xs text-amber-900 dark:text-amber-200" data-testid="gate-status" data-state="unknown">
        Cannot check whether the AI is paused: {gate.reason}{" "}
        <Button type="button" variant="ghost" size="sm" onClick={onRetry}>
          Check again
        </Button>
      </p>
    );
  }
  return (
    <Notice tone="error" data-testid="gate-status" data-state="drifted">
      {gate.calling === "elsewhere" ? (
        <p>
          <strong>The AI is not paused.</strong> FleetLM no longer calls this agent through the Console, so the AI answers the user{" "}
          {holding ? "even though the session is held" : "even during a takeover"}.
        </p>
      ) : (
        <p>
          <strong>The agent's routing is broken.</strong> FleetLM calls the Console without the gate's secret, so every call is refused and the user gets no AI
          answer at all.
        </p>
      )}
      {isAdmin ? (
        <Button type="button" variant="danger" className="mt-1" disabled={busy} onClick={onRouteAgain}>
          Route again
        </Button>
      ) : (
        <p className="mt-1 text-xs">Ask an admin to route the agent again (Agents page).</p>
      )}
    </Notice>
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
        <span className="ml-2 block text-xs text-slate-600 dark:text-slate-400" data-testid="takeover-countdown">
          {left === "expired" ? "expiring…" : `hands back in ${left} without activity`}
        </span>
      ) : null}
    </p>
  );
}
