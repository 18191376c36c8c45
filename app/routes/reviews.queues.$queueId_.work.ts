// The queue's work, as JSON for the reviewing view (fetch(), like the review resource route): POST
// intent=next (my held item or the next free one, claimed), intent=review (scores checked against the queue's
// configs; then the next item), intent=release (let go of my open item).
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requirePermission } from "~/auth/guards.server";
import { clientIp } from "~/lib/client-ip.server";
import { parseSubmission } from "~/lib/forms";
import { jsonResponse, readForm, rejected } from "~/lib/forms.server";
import { ReviewConflictError } from "~/reviews/integrity.server";
import { QueueItemRefusedError, ScoreInputError, scoreFields, submitQueueReview } from "~/reviews/queues/queue-review.server";
import { nextItem, queueProgress, releaseMine, requireQueueFor } from "~/reviews/queues/queues.server";
import { QueueWorkIntentSchema } from "~/reviews/queues/queue-work-forms";
import { ReviewFormSchema } from "~/reviews/review-forms";
import { FleetlmUnavailableError, ReplyParamsSchema, UnknownLabelsError } from "~/reviews/reviews.server";

export async function loader() {
  return new Response("POST only.", { status: 405, headers: { allow: "POST" } });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const me = await requirePermission(request, "reviews:write");
  const queue = await requireQueueFor(z.string().min(1).max(64).catch("").parse(params.queueId), me);
  const form = await readForm(request);
  // Refusals are conform's reply (errors by field, the form's own under ""), as JSON Responses (ADR 196, 202).
  const intent = parseSubmission(form, QueueWorkIntentSchema);
  if (intent.status !== "success") return jsonResponse(rejected(intent));
  const ip = clientIp(context);
  if (intent.value.intent === "release") {
    await releaseMine(queue.id, me);
    return Response.json({ ok: true, item: null, progress: await queueProgress(queue, me) });
  }
  if (intent.value.intent === "review") {
    const submission = parseSubmission(form, ReviewFormSchema);
    const reply = ReplyParamsSchema.safeParse({ sessionId: form.get("sessionId"), seq: form.get("seq") });
    if (!reply.success) return jsonResponse(rejected(submission, { formErrors: ["Which reply? sessionId and seq are required."] }));
    if (submission.status !== "success") return jsonResponse(rejected(submission));
    const refuse = (status: number, verdict: { fieldErrors?: Record<string, string[]>; formErrors?: string[] }) =>
      jsonResponse(rejected(submission, { status, ...verdict }));
    try {
      await submitQueueReview(me, queue, reply.data.sessionId, reply.data.seq, submission.value, scoreFields(form), ip);
    } catch (error) {
      // A score is named by its field ("score.<key>"), as the view draws it.
      if (error instanceof ScoreInputError) return refuse(400, { fieldErrors: error.errors });
      if (error instanceof UnknownLabelsError) return refuse(400, { fieldErrors: { labels: [error.message] } });
      if (error instanceof ReviewConflictError) return refuse(403, { formErrors: [error.message] });
      if (error instanceof QueueItemRefusedError) return refuse(409, { formErrors: [error.message] });
      if (error instanceof FleetlmUnavailableError)
        return refuse(503, { formErrors: ["FleetLM is unreachable and the Console has no copy of this reply yet. Try again in a moment."] });
      throw error;
    }
  }
  const item = await nextItem(queue, me, { after: intent.value.intent === "next" ? intent.value.after : undefined });
  return Response.json({ ok: true, item, progress: await queueProgress(queue, me) });
}
