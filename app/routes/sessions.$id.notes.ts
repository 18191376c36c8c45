// Notes on a session: create, edit (own), delete (own, or any for admins). All roles may write notes.
// A resource route: every answer is a Response (jsonResponse), so a validation error keeps its 400.
import type { ActionFunctionArgs } from "@remix-run/node";
import { requireOperator } from "~/auth/guards.server";
import { clientIp } from "~/lib/client-ip.server";
import { jsonResponse, parseForm, readForm } from "~/lib/forms.server";
import { createNote, deleteNote, editNote, NoteActionSchema, NoteIdTakenError, NoteNotFoundError } from "~/notes/notes.server";
import { parseSessionId } from "~/sessions/session-id";

export async function action({ request, params, context }: ActionFunctionArgs) {
  const operator = await requireOperator(request);
  const sessionId = parseSessionId(params.id);
  const parsed = parseForm(NoteActionSchema, await readForm(request));
  if (!parsed.ok) return jsonResponse(parsed.response);
  const input = parsed.data;
  const ip = clientIp(context);
  try {
    if (input.intent === "create") {
      const { id } = await createNote(operator, sessionId, input.clientId, input.body, ip);
      return jsonResponse({ ok: true as const, intent: input.intent, noteId: id });
    }
    if (input.intent === "edit") await editNote(operator, sessionId, input.noteId, input.body, ip);
    else await deleteNote(operator, sessionId, input.noteId, ip);
    return jsonResponse({ ok: true as const, intent: input.intent, noteId: input.noteId });
  } catch (error) {
    if (error instanceof NoteNotFoundError) throw new Response("Note not found", { status: 404 });
    if (error instanceof NoteIdTakenError) return jsonResponse({ ok: false as const, intent: input.intent, errors: { clientId: [error.message] }, values: {} }, 409);
    throw error;
  }
}
