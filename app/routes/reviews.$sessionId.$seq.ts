// Resource route behind <ReviewControls> and the review queue: GET my review + flag state (and, with
// ?context=N, the messages before the reply read from FleetLM); POST rate/label/comment, flag, unflag, delete.
// Answers are plain JSON Responses read with fetch() by the browser: a resource route outside Remix's
// revalidation, so a page with fifty review controls does not reload fifty times after each save.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requirePermission } from "~/auth/guards.server";
import { clientIp } from "~/lib/client-ip.server";
import { parseSubmission } from "~/lib/forms";
import { jsonResponse, readForm, rejected } from "~/lib/forms.server";
import { listLabels } from "~/reviews/labels.server";
import type { ReplyView } from "~/reviews/review-types";
import {
  deleteReview,
  FleetlmUnavailableError,
  ReplyParamsSchema,
  replyContext,
  replyState,
  setFlag,
  submitReview,
  UnflagReasonRequiredError,
  UnknownLabelsError,
} from "~/reviews/reviews.server";
import { ReviewConflictError } from "~/reviews/integrity.server";
import { DeleteReviewFormSchema, ReviewFormSchema, ReviewIntentSchema, UnflagFormSchema } from "~/reviews/review-forms";
import { rememberReplyText, sessionUser } from "~/reviews/snapshots.server";

function parseParams(params: Record<string, string | undefined>) {
  const parsed = ReplyParamsSchema.safeParse(params);
  if (!parsed.success) throw new Response("No such reply.", { status: 404 });
  return parsed.data;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const me = await requirePermission(request, "reviews:read");
  const { sessionId, seq } = parseParams(params);
  const search = new URL(request.url).searchParams;
  // "Load more" asks for up to 200 messages either side of the reply.
  const contextSize = z.coerce
    .number()
    .int()
    .min(0)
    .max(200)
    .catch(0)
    .parse(search.get("context") ?? 0);
  const after = z.coerce
    .number()
    .int()
    .min(0)
    .max(200)
    .catch(0)
    .parse(search.get("after") ?? 0);
  const [state, context] = await Promise.all([
    replyState(me, sessionId, seq),
    contextSize > 0 || after > 0 ? replyContext(sessionId, seq, contextSize, after) : Promise.resolve(undefined),
  ]);
  // Keep the Console's copy of the reply the reviewer now has on screen: a save works from it if FleetLM goes down.
  const shown = context?.messages.find((m) => m.seq === seq);
  if (shown && state.indexed) await rememberReplyText(sessionId, seq, shown.text);
  const userId = context ? await sessionUser(sessionId) : null;
  const labels = await listLabels();
  return Response.json({
    sessionId,
    seq,
    state,
    labels,
    context: context === undefined ? undefined : context ? { ...context, userId } : { unavailable: true },
  } satisfies ReplyView);
}

/** A refusal the schema could not see (FleetLM down, a conflict of roles), in conform's shape (ADR 196). */
const refusal = (submission: Parameters<typeof rejected>[0], status: number, message: string) => rejected(submission, { status, formErrors: [message] });
const UNAVAILABLE = "FleetLM is unreachable, so the reply cannot be read right now. Try again in a moment.";

export async function action(args: ActionFunctionArgs) {
  return jsonResponse(await act(args));
}

async function act({ request, params, context }: ActionFunctionArgs) {
  const me = await requirePermission(request, "reviews:write");
  const { sessionId, seq } = parseParams(params);
  const form = await readForm(request);
  const intent = parseSubmission(form, ReviewIntentSchema);
  if (intent.status !== "success") return rejected(intent);
  const ip = clientIp(context);
  let submission: Parameters<typeof rejected>[0] = intent;
  try {
    switch (intent.value.intent) {
      case "review": {
        const parsed = parseSubmission(form, ReviewFormSchema);
        submission = parsed;
        if (parsed.status !== "success") return rejected(parsed);
        const review = await submitReview(me, sessionId, seq, parsed.value, ip);
        return { ok: true as const, reviewId: review.id };
      }
      case "flag":
        await setFlag(me, sessionId, seq, true, ip);
        return { ok: true as const };
      case "unflag": {
        const parsed = parseSubmission(form, UnflagFormSchema);
        submission = parsed;
        if (parsed.status !== "success") return rejected(parsed);
        await setFlag(me, sessionId, seq, false, ip, parsed.value.reason);
        return { ok: true as const };
      }
      case "delete": {
        const parsed = parseSubmission(form, DeleteReviewFormSchema);
        submission = parsed;
        if (parsed.status !== "success") return rejected(parsed);
        await deleteReview(me, parsed.value.reviewId, ip);
        return { ok: true as const };
      }
    }
  } catch (error) {
    if (error instanceof UnknownLabelsError) return rejected(submission, { fieldErrors: { labels: [error.message] } });
    if (error instanceof UnflagReasonRequiredError) return rejected(submission, { fieldErrors: { reason: [error.message] } });
    if (error instanceof ReviewConflictError) return refusal(submission, 403, error.message);
    if (error instanceof FleetlmUnavailableError) return refusal(submission, 503, UNAVAILABLE);
    throw error;
  }
}
