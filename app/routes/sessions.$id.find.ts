// Find in transcript: `GET /sessions/:id/find?q=` answers every matching seq of the whole session as plain JSON
// (read with fetch(), outside Remix's revalidation). Every role may read a session.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/auth/guards.server";
import { FindQuerySchema, findInSession } from "~/sessions/find.server";
import { parseSessionId } from "~/sessions/session-id";

const json = (body: unknown, status = 200) => Response.json(body, { status, headers: { "cache-control": "no-store" } });

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requirePermission(request, "sessions:read");
  const sessionId = parseSessionId(params.id);
  const url = new URL(request.url);
  const parsed = FindQuerySchema.safeParse({ q: url.searchParams.get("q") ?? "" });
  if (!parsed.success) return json({ errors: { q: parsed.error.issues.map((issue) => issue.message) } }, 400);
  return json(await findInSession(sessionId, parsed.data.q));
}
