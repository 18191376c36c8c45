// Resource route behind <ReviewControls> and the review queue: GET my review + flag state (and, with
// ?context=N, the messages before the reply read from FleetLM); POST rate/label/comment, flag, unflag, delete.
// Answers are plain JSON Responses read with fetch() by the browser: a resource route outside Remix's
// revalidation, so a page with fifty review controls does not reload fifty times after each save.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { z } from "zod";
import { requirePermission } from "~/auth/guards.server";
import { clientIp } from "~/lib/client-ip.server";
import { invalid, parseForm, readForm } from "~/lib/forms.server";
import { listLabels } from "~/reviews/labels.server";
import type { ReplyView } from "~/reviews/review-types";
import {
  deleteReview,
  FleetlmUnavailableError,
  ReplyParamsSchema,
  replyContext,
  replyState,
  ReviewFormSchema,
  setFlag,
  submitReview,
  UnflagReasonRequiredError,
  UnknownLabelsError,
} from "~/reviews/reviews.server";
import { ReviewConflictError } from "~/reviews/integrity.server";
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

const IntentSchema = z.object({ intent: z.enum(["review", "flag", "unflag", "delete"]).default("review") });
const DeleteSchema = z.object({ reviewId: z.string().min(1).max(64) });
const UnflagSchema = z.object({
  reason: z
    .string()
    .trim()
    .max(500, "At most 500 characters.")
    .optional()
    .transform((v) => (v ? v : undefined)),
});

const unavailable = () =>
  data(
    { ok: false as const, errors: { form: ["FleetLM is unreachable, so the reply cannot be read right now. Try again in a moment."] }, values: {} },
    { status: 503 },
  );

/** Remix's `data(...)` (from parseForm) as a JSON Response. */
function json(result: unknown, status = 200): Response {
  if (result && typeof result === "object" && (result as { type?: string }).type === "DataWithResponseInit") {
    const { data: body, init } = result as { data: unknown; init?: ResponseInit | null };
    return Response.json(body, { status: init?.status ?? status });
  }
  return Response.json(result, { status });
}

export async function action(args: ActionFunctionArgs) {
  return json(await act(args));
}

async function act({ request, params, context }: ActionFunctionArgs) {
  const me = await requirePermission(request, "reviews:write");
  const { sessionId, seq } = parseParams(params);
  const form = await readForm(request);
  const intent = parseForm(IntentSchema, form);
  if (!intent.ok) return intent.response;
  const ip = clientIp(context);
  try {
    switch (intent.data.intent) {
      case "review": {
        const parsed = parseForm(ReviewFormSchema, form);
        if (!parsed.ok) return parsed.response;
        const review = await submitReview(me, sessionId, seq, parsed.data, ip);
        return { ok: true as const, reviewId: review.id };
      }
      case "flag":
        await setFlag(me, sessionId, seq, true, ip);
        return { ok: true as const };
      case "unflag": {
        const parsed = parseForm(UnflagSchema, form);
        if (!parsed.ok) return parsed.response;
        await setFlag(me, sessionId, seq, false, ip, parsed.data.reason);
        return { ok: true as const };
      }
      case "delete": {
        const parsed = parseForm(DeleteSchema, form);
        if (!parsed.ok) return parsed.response;
        await deleteReview(me, parsed.data.reviewId, ip);
        return { ok: true as const };
      }
    }
  } catch (error) {
    if (error instanceof UnknownLabelsError) return invalid({ labels: [error.message] });
    if (error instanceof UnflagReasonRequiredError) return invalid({ reason: [error.message] });
    if (error instanceof ReviewConflictError) return data({ ok: false as const, errors: { form: [error.message] }, values: {} }, { status: 403 });
    if (error instanceof FleetlmUnavailableError) return unavailable();
    throw error;
  }
}
