// My read position in one session: `POST /sessions/:id/read` with `seq`, for every role. The session page posts it
// with fetch() (throttled, at most every 2 s), outside Remix's router: a fetcher's post makes the router revalidate,
// and one landing while the operator moves to the next session could finish that navigation with this session's
// data (ADR 223). The cursor only moves forward (advanceReadCursor).
import type { ActionFunctionArgs } from "@remix-run/node";
import { requireOperator } from "~/auth/guards.server";
import { parseSubmission } from "~/lib/forms";
import { jsonResponse, readForm, rejected } from "~/lib/forms.server";
import { advanceReadCursor } from "~/inbox/read-cursor.server";
import { ReadPositionSchema } from "~/sessions/workspace-forms";
import { parseSessionId } from "~/sessions/session-id";

export async function action({ request, params }: ActionFunctionArgs) {
  const operator = await requireOperator(request);
  const sessionId = parseSessionId(params.id);
  const submission = parseSubmission(await readForm(request), ReadPositionSchema);
  if (submission.status !== "success") return jsonResponse(rejected(submission));
  await advanceReadCursor(operator.id, sessionId, submission.value.seq);
  return jsonResponse({ ok: true as const });
}
