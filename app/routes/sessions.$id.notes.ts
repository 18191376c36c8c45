// Notes on a session: create, edit (own), delete (own, or any for admins). All roles may write notes.
// A resource route: every answer is a Response (jsonResponse), so a validation error keeps its 400.
// GET answers the session's notes, for viewers told live that they changed (one query, not the whole page).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { requireOperator } from "~/auth/guards.server";
import { clientIp } from "~/lib/client-ip.server";
import { jsonResponse, parseForm, readForm } from "~/lib/forms.server";
import { liveBus } from "~/live/bus.server";
import { createNote, deleteNote, editNote, listNotes, NoteActionSchema, NoteIdTakenError, NoteNotFoundError } from "~/notes/notes.server";
import { parseSessionId } from "~/sessions/session-id";

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireOperator(request);
  const sessionId = parseSessionId(params.id);
  return Response.json({ notes: await listNotes(sessionId) }, { headers: { "cache-control": "no-store" } });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const operator = await requireOperator(request);
  const sessionId = parseSessionId(params.id);
  const parsed = parseForm(NoteActionSchema, await readForm(request));
  if (!parsed.ok) return jsonResponse(parsed.response);
  const input = parsed.data;
  const ip = clientIp(context);
  try {
    // Everyone viewing the session re-reads its notes (the author's own page revalidates after the action).
    if (input.intent === "create") {
      const { id } = await createNote(operator, sessionId, input.clientId, input.body, ip);
      liveBus().publish({ type: "notes", sessionId });
      return jsonResponse({ ok: true as const, intent: input.intent, noteId: id });
    }
    if (input.intent === "edit") await editNote(operator, sessionId, input.noteId, input.body, ip);
    else await deleteNote(operator, sessionId, input.noteId, ip);
    liveBus().publish({ type: "notes", sessionId });
    return jsonResponse({ ok: true as const, intent: input.intent, noteId: input.noteId });
  } catch (error) {
    if (error instanceof NoteNotFoundError) throw new Response("Note not found", { status: 404 });
    if (error instanceof NoteIdTakenError)
      return jsonResponse({ ok: false as const, intent: input.intent, errors: { clientId: [error.message] }, values: {} }, 409);
    throw error;
  }
}
