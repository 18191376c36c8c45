// Notes on a session: create, edit (own), delete (own, or any for admins). All roles may write notes.
// A resource route: every answer is a Response (jsonResponse), so a validation error keeps its 400.
// GET answers the session's notes, for viewers told live that they changed (one query, not the whole page).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import type { z } from "zod";
import { requireOperator } from "~/auth/guards.server";
import { clientIp } from "~/lib/client-ip.server";
import { parseSubmission } from "~/lib/forms";
import { jsonResponse, readForm, rejected } from "~/lib/forms.server";
import { liveBus } from "~/live/bus.server";
import { NoteForms, NoteIntentSchema } from "~/notes/note-forms";
import { createNote, deleteNote, editNote, listNotes, NoteIdTakenError, NoteNotFoundError } from "~/notes/notes.server";
import { parseSessionId } from "~/sessions/session-id";

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireOperator(request);
  const sessionId = parseSessionId(params.id);
  return Response.json({ notes: await listNotes(sessionId) }, { headers: { "cache-control": "no-store" } });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const operator = await requireOperator(request);
  const sessionId = parseSessionId(params.id);
  const form = await readForm(request);
  const intent = parseSubmission(form, NoteIntentSchema);
  if (intent.status !== "success") return jsonResponse(rejected(intent));
  const submission = parseSubmission(form, NoteForms[intent.value.intent]);
  if (submission.status !== "success") return jsonResponse(rejected(submission));
  const input = submission.value as z.output<(typeof NoteForms)[keyof typeof NoteForms]>;
  const ip = clientIp(context);
  // conform's reply (the panel's form empties on it) and what was done.
  const done = (noteId: string) => jsonResponse({ ...submission.reply({ resetForm: true }), ok: true as const, intent: input.intent, noteId });
  try {
    // Everyone viewing the session re-reads its notes (the author's own page revalidates after the action).
    if (input.intent === "create") {
      const { id } = await createNote(operator, sessionId, input.clientId, input.body, ip);
      liveBus().publish({ type: "notes", sessionId });
      return done(id);
    }
    if (input.intent === "edit") await editNote(operator, sessionId, input.noteId, input.body, ip);
    else await deleteNote(operator, sessionId, input.noteId, ip);
    liveBus().publish({ type: "notes", sessionId });
    return done(input.noteId);
  } catch (error) {
    if (error instanceof NoteNotFoundError) throw new Response("Note not found", { status: 404 });
    if (error instanceof NoteIdTakenError) return jsonResponse(rejected(submission, { status: 409, fieldErrors: { clientId: [error.message] } }));
    throw error;
  }
}
