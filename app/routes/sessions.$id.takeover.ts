// Takeover of one session, for the TakeoverPanel's fetchers. GET: the current claim, the takeover timeline,
// whether a gated reply is streaming, and the canned replies. POST intents: claim, release, force-release,
// heartbeat, send (reply as the agent), stop-reply. Answers are JSON Responses (not `data()`): this is a resource
// route, and only a Response keeps its status for callers other than Remix fetchers.
import { type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { requireOperator, requirePermission } from "~/auth/guards.server";
import { can } from "~/auth/permissions";
import { gateHealth, routeAgain, type GateHealth } from "~/agent-gate/gate-health.server";
import { isStreaming, stopReply } from "~/agent-gate/streams.server";
import { clientIp } from "~/lib/client-ip.server";
import { liveBus } from "~/live/bus.server";
import { parseSubmission } from "~/lib/forms";
import { readForm } from "~/lib/forms.server";
import { env } from "~/env.server";
import { listCannedReplies } from "~/takeover/canned-replies.server";
import type { TakeoverActionResult, TakeoverPanelData } from "~/takeover/panel-types";
import { TakeoverIntentSchema } from "~/takeover/schemas";
import { sendAsOperator } from "~/takeover/send.server";
import { missedDuringTakeover, replayMissed } from "~/agent-gate/missed-replies.server";
import { announceTakeover } from "~/takeover/announce.server";
import { sessionAgent } from "~/takeover/session-agent.server";
import {
  activeTakeover,
  claimTakeover,
  forceReleaseTakeover,
  heartbeatTakeover,
  releaseTakeover,
  takeoverTimeline,
  type Refusal,
} from "~/takeover/takeover.server";

export type { TakeoverActionResult, TakeoverPanelData } from "~/takeover/panel-types";

const json = (body: TakeoverPanelData | TakeoverActionResult, status = 200) => Response.json(body, { status, headers: { "cache-control": "no-store" } });

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireOperator(request);
  const sessionId = params.id ?? "";
  const session = await sessionAgent(sessionId);
  if (!session.ok && session.status === 404) throw new Response("Session not found", { status: 404 });
  const [takeover, timeline, cannedReplies, gate] = await Promise.all([
    activeTakeover(sessionId),
    takeoverTimeline(sessionId),
    listCannedReplies(),
    session.ok ? gateHealth(session.agentId) : Promise.resolve<GateHealth>({ state: "unknown", reason: session.reason }),
  ]);
  const gated = gate.state !== "not-gated";
  return json({ takeover, timeline, streaming: isStreaming(sessionId), gated, gate, idleMinutes: env().TAKEOVER_IDLE_MINUTES, cannedReplies });
}

// One "typing" event per operator and session per second at most, however often a browser posts.
const TYPING_EVERY_MS = 1_000;
const lastTyping = new Map<string, number>();
function shouldAnnounceTyping(operatorId: string, sessionId: string) {
  const key = `${operatorId}:${sessionId}`;
  const now = Date.now();
  if (now - (lastTyping.get(key) ?? 0) < TYPING_EVERY_MS) return false;
  if (lastTyping.size > 10_000) lastTyping.clear();
  lastTyping.set(key, now);
  return true;
}

/** The user messages the AI missed while the session was held, when the AI can be asked to answer them. */
async function missedAfterHandBack(sessionId: string): Promise<number[]> {
  const found = await missedDuringTakeover(sessionId);
  if (!found.ok || found.missed.seqs.length === 0) return [];
  return (await gateHealth(found.missed.agentId)).state === "gated" ? found.missed.seqs : [];
}

function refused(intent: string, refusal: Refusal) {
  return json({ ok: false, intent, reason: refusal.reason, holder: refusal.holder ?? null }, refusal.status);
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const operator = await requirePermission(request, "takeover:claim");
  const sessionId = params.id ?? "";
  const ip = clientIp(context);
  const submission = parseSubmission(await readForm(request), TakeoverIntentSchema);
  if (submission.status !== "success") {
    // conform's reply (errors by field) with the panel's own shape around it: one line to show as the notice.
    const reply = submission.reply();
    const reason = Object.values(reply.error ?? {})
      .flat()
      .join(" ");
    return json({ ...reply, ok: false, intent: "invalid", reason }, 400);
  }
  const form = submission.value;
  switch (form.intent) {
    case "claim": {
      const result = await claimTakeover({ sessionId, actor: operator, reason: form.reason, ip });
      if (!result.ok) return refused(form.intent, result);
      if (!result.already) await announceTakeover(sessionId, "joined", operator);
      return json({ ok: true, intent: form.intent, takeover: result.takeover });
    }
    case "release": {
      const result = await releaseTakeover({ sessionId, actor: operator, ip });
      if (!result.ok) return refused(form.intent, result);
      const missed = await missedAfterHandBack(sessionId);
      await announceTakeover(sessionId, "left", operator);
      return json({ ok: true, intent: form.intent, takeover: null, missed });
    }
    case "force-release": {
      const before = await activeTakeover(sessionId);
      const result = await forceReleaseTakeover({ sessionId, actor: operator, ip });
      if (!result.ok) return refused(form.intent, result);
      // The user is told the person they talked to left (not who ended it).
      if (before) await announceTakeover(sessionId, "left", before.holder);
      return json({ ok: true, intent: form.intent, takeover: null });
    }
    case "heartbeat": {
      const result = await heartbeatTakeover({ sessionId, actor: operator });
      return result.ok ? json({ ok: true, intent: form.intent, takeover: result.takeover }) : refused(form.intent, result);
    }
    case "stop-reply": {
      const result = await stopReply({ sessionId, actor: operator, ip });
      return result.ok ? json({ ok: true, intent: form.intent, stopped: result.stopped }) : refused(form.intent, result);
    }
    case "route-again": {
      if (!can(operator, "settings:manage"))
        return json({ ok: false, intent: form.intent, reason: "Only admins can route an agent through the Console." }, 403);
      const session = await sessionAgent(sessionId);
      if (!session.ok) return refused(form.intent, session);
      const result = await routeAgain({ agentId: session.agentId, actor: operator, ip });
      return result.ok ? json({ ok: true, intent: form.intent }) : json({ ok: false, intent: form.intent, reason: result.reason }, result.status);
    }
    case "replay-missed": {
      const result = await replayMissed({ sessionId, actor: operator, ip });
      if (!result.ok) return refused(form.intent, result);
      // The agent streams into the page live; the answer does not wait for it.
      void result.done.then((outcome) => {
        if (outcome.error) console.warn(`[replay] ${sessionId}: ${outcome.error}`);
      });
      return json({ ok: true, intent: form.intent, replaying: result.seqs }, 202);
    }
    case "typing": {
      // Only the holder composes as the agent; teammates see that they are, never what (ADR 124).
      const held = await activeTakeover(sessionId);
      if (held?.holder.id !== operator.id) return json({ ok: false, intent: form.intent, reason: "You do not hold this session." }, 409);
      if (shouldAnnounceTyping(operator.id, sessionId)) liveBus().publish({ type: "typing", sessionId, operator: { id: operator.id, name: operator.name } });
      return json({ ok: true, intent: form.intent });
    }
    case "send": {
      const result = await sendAsOperator({ sessionId, operator, clientMessageId: form.clientMessageId, body: form.body, ip });
      if (result.ok) return json({ ok: true, intent: form.intent, seq: result.seq, clientMessageId: result.clientMessageId });
      if (result.status === "pending")
        return json({ ok: false, intent: form.intent, status: "pending", reason: result.reason, clientMessageId: result.clientMessageId }, 202);
      if (result.status === "failed")
        return json({ ok: false, intent: form.intent, status: "failed", reason: result.reason, clientMessageId: result.clientMessageId }, 502);
      return refused(form.intent, result);
    }
  }
}
