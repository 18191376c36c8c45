// The session notes panel's forms (ADR 190): a new note (with a client id, so a double submit is one note), an
// edit and a delete, one schema each, shared by the notes action and the panel. Browser-safe.
import { z } from "zod";

export const NOTE_MAX = 5000;

const NoteBody = z.string({ message: "Write something first" }).trim().min(1, "Write something first").max(NOTE_MAX, `At most ${NOTE_MAX} characters`);
const NoteId = z.string({ message: "Missing note" }).trim().min(1, "Missing note").max(64, "Not a note id");

export const NoteForms = {
  create: z.object({
    intent: z.literal("create"),
    clientId: z.string({ message: "Reload the page and try again" }).uuid("Reload the page and try again"),
    body: NoteBody,
  }),
  edit: z.object({ intent: z.literal("edit"), noteId: NoteId, body: NoteBody }),
  delete: z.object({ intent: z.literal("delete"), noteId: NoteId }),
};

export const NoteIntentSchema = z.object({ intent: z.enum(["create", "edit", "delete"], { message: "Unknown action." }) });
