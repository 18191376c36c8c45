// Takeover of one session, for the TakeoverPanel's fetchers. GET: the current claim, the takeover timeline,
// whether a gated reply is streaming, and the canned replies. POST intents: claim, release, force-release,
// heartbeat, send (reply as the agent), stop-reply. Answers are JSON Responses (not `data()`): this is a resource
// route, and only a Response keeps its status for callers other than Remix fetchers.
import { type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { requireOperator, requirePermission } from "~/auth/guards.server";
import { isGated } from "~/gate/gated-agents.server";
import { isStreaming, stopReply } from "~/gate/streams.server";
import { clientIp } from "~/lib/client-ip.server";
import { parseForm, readForm } from "~/lib/forms.server";
import { env } from "~/env.server";
import { listCannedReplies } from "~/takeover/canned-replies.server";
import type { TakeoverActionResult, TakeoverPanelData } from "~/takeover/panel-types";
import { TakeoverIntentSchema } from "~/takeover/schemas";
import { sendAsOperator } from "~/takeover/send.server";
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
  const [takeover, timeline, cannedReplies, gated] = await Promise.all([
    activeTakeover(sessionId),
    takeoverTimeline(sessionId),
    listCannedReplies(),
    session.ok ? isGated(session.agentId) : Promise.resolve(false),
  ]);
  return json({ takeover, timeline, streaming: isStreaming(sessionId), gated, idleMinutes: env().TAKEOVER_IDLE_MINUTES, cannedReplies });
}

function refused(intent: string, refusal: Refusal) {
  return json({ ok: false, intent, reason: refusal.reason, holder: refusal.holder ?? null }, refusal.status);
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const operator = await requirePermission(request, "takeover:claim");
  const sessionId = params.id ?? "";
  const ip = clientIp(context);
  const parsed = parseForm(TakeoverIntentSchema, await readForm(request));
  if (!parsed.ok) {
    const errors = (parsed.response.data as { errors: Record<string, string[]> }).errors;
    return json({ ok: false, intent: "invalid", reason: Object.values(errors).flat().join(" "), errors }, 400);
  }
  const form = parsed.data;
  switch (form.intent) {
    case "claim": {
      const result = await claimTakeover({ sessionId, actor: operator, reason: form.reason, ip });
      return result.ok ? json({ ok: true, intent: form.intent, takeover: result.takeover }) : refused(form.intent, result);
    }
    case "release": {
      const result = await releaseTakeover({ sessionId, actor: operator, ip });
      return result.ok ? json({ ok: true, intent: form.intent, takeover: null }) : refused(form.intent, result);
    }
    case "force-release": {
      const result = await forceReleaseTakeover({ sessionId, actor: operator, ip });
      return result.ok ? json({ ok: true, intent: form.intent, takeover: null }) : refused(form.intent, result);
    }
    case "heartbeat": {
      const result = await heartbeatTakeover({ sessionId, actor: operator });
      return result.ok ? json({ ok: true, intent: form.intent, takeover: result.takeover }) : refused(form.intent, result);
    }
    case "stop-reply": {
      const result = await stopReply({ sessionId, actor: operator, ip });
      return result.ok ? json({ ok: true, intent: form.intent, stopped: result.stopped }) : refused(form.intent, result);
    }
    case "send": {
      const result = await sendAsOperator({ sessionId, operator, clientMessageId: form.clientMessageId, body: form.body, ip });
      if (result.ok) return json({ ok: true, intent: form.intent, seq: result.seq, clientMessageId: result.clientMessageId });
      if (result.status === "pending") return json({ ok: false, intent: form.intent, status: "pending", reason: result.reason, clientMessageId: result.clientMessageId }, 202);
      if (result.status === "failed") return json({ ok: false, intent: form.intent, status: "failed", reason: result.reason, clientMessageId: result.clientMessageId }, 502);
      return refused(form.intent, result);
    }
  }
}
