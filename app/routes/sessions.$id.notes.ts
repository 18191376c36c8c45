// Notes on a session: create, edit (own), delete (own, or any for admins). All roles may write notes.
import type { ActionFunctionArgs } from "@remix-run/node";
import { requireOperator } from "~/auth/guards.server";
import { clientIp } from "~/lib/client-ip.server";
import { parseForm, readForm } from "~/lib/forms.server";
import { createNote, deleteNote, editNote, NoteActionSchema, NoteNotFoundError } from "~/notes/notes.server";
import { parseSessionId } from "~/sessions/session-id";

export async function action({ request, params, context }: ActionFunctionArgs) {
  const operator = await requireOperator(request);
  const sessionId = parseSessionId(params.id);
  const parsed = parseForm(NoteActionSchema, await readForm(request));
  if (!parsed.ok) return parsed.response;
  const input = parsed.data;
  const ip = clientIp(context);
  try {
    if (input.intent === "create") {
      const { id } = await createNote(operator, sessionId, input.clientId, input.body, ip);
      return { ok: true as const, intent: input.intent, noteId: id };
    }
    if (input.intent === "edit") await editNote(operator, sessionId, input.noteId, input.body, ip);
    else await deleteNote(operator, sessionId, input.noteId, ip);
    return { ok: true as const, intent: input.intent, noteId: input.noteId };
  } catch (error) {
    if (error instanceof NoteNotFoundError) throw new Response("Note not found", { status: 404 });
    throw error;
  }
}
