// One whole message, on demand: what "Show all" and "Show the whole message" fetch when the page's loader cut
// it to MESSAGE_BOUNDS (ADR 085). Plain JSON (not Remix's turbo-stream, which recurses once per level of
// nesting), read with fetch() outside Remix's revalidation. Every role may read a session.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { FleetLMError, FleetLMHttpError } from "@fleetlm/client";
import { z } from "zod";
import { requireOperator } from "~/auth/guards.server";
import { readExact } from "~/fleetlm/losses.server";
import { reportFleetlmFailure } from "~/fleetlm/health.server";
import { parseSessionId } from "~/sessions/session-id";

const SeqSchema = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

const text = (body: string, status: number) =>
  new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireOperator(request);
  const sessionId = parseSessionId(params.id);
  const seq = SeqSchema.safeParse(params.seq);
  if (!seq.success) return text("No such message.", 404);
  let message;
  try {
    // Through readExact, never one plain page: a real FleetLM answers its unflushed tail first (protocol §13.1).
    [message] = (await readExact(sessionId, { from: seq.data, to: seq.data })).messages;
  } catch (error) {
    if (error instanceof FleetLMHttpError && error.status === 404) return text("Session not found.", 404);
    if (!(error instanceof FleetLMError)) throw error;
    reportFleetlmFailure(error);
    return text("FleetLM is unavailable, so the message cannot be read right now.", 503);
  }
  if (!message || message.seq !== seq.data) return text("No such message.", 404);
  let body: string;
  try {
    body = JSON.stringify({ seq: message.seq, kind: message.kind, content: message.content, metadata: message.metadata });
  } catch {
    // Nesting beyond what the encoder's stack allows: there is nothing more the Console can show.
    return text("This message is nested too deeply to show in full.", 422);
  }
  return new Response(body, { headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" } });
}
