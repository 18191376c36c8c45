// The queue's work, as JSON for the reviewing view (fetch(), like the review resource route): POST
// intent=next (my held item or the next free one, claimed), intent=review (scores checked against the queue's
// configs; then the next item), intent=release (let go of my open item).
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requirePermission } from "~/auth/guards.server";
import { clientIp } from "~/lib/client-ip.server";
import { parseForm, readForm } from "~/lib/forms.server";
import { ReviewConflictError } from "~/reviews/integrity.server";
import { QueueItemRefusedError, ScoreInputError, scoreFields, submitQueueReview } from "~/reviews/queues/queue-review.server";
import { nextItem, queueProgress, releaseMine, requireQueueFor } from "~/reviews/queues/queues.server";
import { FleetlmUnavailableError, ReplyParamsSchema, ReviewFormSchema, UnknownLabelsError } from "~/reviews/reviews.server";

const IntentSchema = z.object({ intent: z.enum(["next", "review", "release"]), after: z.string().max(80).optional() });

const refuse = (status: number, errors: Record<string, string[]>) => Response.json({ ok: false, errors }, { status });

export async function loader() {
  return new Response("POST only.", { status: 405, headers: { allow: "POST" } });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const me = await requirePermission(request, "reviews:write");
  const queue = await requireQueueFor(z.string().min(1).max(64).catch("").parse(params.queueId), me);
  const form = await readForm(request);
  const intent = parseForm(IntentSchema, form);
  if (!intent.ok) return refuse(400, { intent: ["intent must be next, review or release."] });
  const ip = clientIp(context);
  if (intent.data.intent === "release") {
    await releaseMine(queue.id, me);
    return Response.json({ ok: true, item: null, progress: await queueProgress(queue, me) });
  }
  if (intent.data.intent === "review") {
    const reply = ReplyParamsSchema.safeParse({ sessionId: form.get("sessionId"), seq: form.get("seq") });
    if (!reply.success) return refuse(400, { form: ["Which reply? sessionId and seq are required."] });
    const parsed = parseForm(ReviewFormSchema, form);
    if (!parsed.ok) return Response.json(parsed.response.data, { status: 400 });
    try {
      await submitQueueReview(me, queue, reply.data.sessionId, reply.data.seq, parsed.data, scoreFields(form), ip);
    } catch (error) {
      if (error instanceof ScoreInputError) return refuse(400, error.errors);
      if (error instanceof UnknownLabelsError) return refuse(400, { labels: [error.message] });
      if (error instanceof ReviewConflictError) return refuse(403, { form: [error.message] });
      if (error instanceof QueueItemRefusedError) return refuse(409, { form: [error.message] });
      if (error instanceof FleetlmUnavailableError)
        return refuse(503, { form: ["FleetLM is unreachable and the Console has no copy of this reply yet. Try again in a moment."] });
      throw error;
    }
  }
  const item = await nextItem(queue, me, { after: intent.data.intent === "next" ? intent.data.after : undefined });
  return Response.json({ ok: true, item, progress: await queueProgress(queue, me) });
}
