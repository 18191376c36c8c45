// Notes operators keep on a session. Authors edit and delete their own; admins may delete any note but
// never edit someone else's words. Ownership is part of every query, so a foreign note looks missing (404).
import { audit } from "~/audit/audit.server";
import { can } from "~/auth/permissions";
import { db } from "~/db.server";
import type { Actor as FullActor } from "~/auth/actor";
import { isUniqueViolation } from "~/lib/db-errors.server";

export type NoteView = { id: string; body: string; author: { id: string; name: string }; createdAt: string; updatedAt: string; edited: boolean };

export async function listNotes(sessionId: string): Promise<NoteView[]> {
  const rows = await (
    await db()
  ).note.findMany({
    where: { sessionId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    include: { author: { select: { id: true, name: true } } },
    take: 500,
  });
  return rows.map((row) => ({
    id: row.id,
    body: row.body,
    author: row.author,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    edited: row.updatedAt.getTime() - row.createdAt.getTime() > 1000,
  }));
}

export class NoteNotFoundError extends Error {
  constructor() {
    super("Note not found");
  }
}

/** The client id of a create belongs to a note that is not this operator's on this session (409). */
export class NoteIdTakenError extends Error {
  constructor() {
    super("This note id is already used by another note. Reload the page and try again.");
  }
}

type Actor = Pick<FullActor, "id" | "email" | "role">;

/** Creates the note with the browser's id; the same id again (a double submit) returns the first note. */
export async function createNote(actor: Actor, sessionId: string, clientId: string, body: string, ip?: string): Promise<{ id: string; created: boolean }> {
  const prisma = await db();
  try {
    await prisma.$transaction(async (tx) => {
      await tx.note.create({ data: { id: clientId, sessionId, authorId: actor.id, body } });
      await audit({ actor, action: "note.create", targetType: "note", targetId: clientId, details: { sessionId, length: body.length }, ip }, tx);
    });
    return { id: clientId, created: true };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const existing = await prisma.note.findFirst({ where: { id: clientId, sessionId, authorId: actor.id }, select: { id: true } });
    if (existing) return { id: existing.id, created: false };
    // Someone else's note (or mine on another session) has this id: a collision, not a double submit. Which
    // note it is stays unsaid, as a foreign note elsewhere looks missing.
    throw new NoteIdTakenError();
  }
}

/** Only the author edits; the last write wins. */
export async function editNote(actor: Actor, sessionId: string, noteId: string, body: string, ip?: string): Promise<void> {
  const prisma = await db();
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.note.updateMany({ where: { id: noteId, sessionId, authorId: actor.id }, data: { body, updatedAt: new Date() } });
    if (count === 0) throw new NoteNotFoundError();
    await audit({ actor, action: "note.update", targetType: "note", targetId: noteId, details: { sessionId, length: body.length }, ip }, tx);
  });
}

/** The author deletes their own; an admin deletes any. */
export async function deleteNote(actor: Actor, sessionId: string, noteId: string, ip?: string): Promise<void> {
  const prisma = await db();
  await prisma.$transaction(async (tx) => {
    const note = await tx.note.findFirst({
      where: can(actor, "notes:delete-any") ? { id: noteId, sessionId } : { id: noteId, sessionId, authorId: actor.id },
      select: { id: true, authorId: true, body: true },
    });
    if (!note) throw new NoteNotFoundError();
    const { count } = await tx.note.deleteMany({ where: { id: note.id } });
    if (count === 0) throw new NoteNotFoundError(); // a concurrent delete won
    await audit(
      {
        actor,
        action: "note.delete",
        targetType: "note",
        targetId: noteId,
        details: { sessionId, authorId: note.authorId, byAdmin: note.authorId !== actor.id, length: note.body.length },
        ip,
      },
      tx,
    );
  });
}
