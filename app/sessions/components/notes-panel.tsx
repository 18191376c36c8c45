// Notes on the session: plain text with links, author and time, edit/delete for the author, delete for admins.
// Live for everyone viewing: a `notes` event re-reads the list from the notes route (not the whole page).
import { useFetcher } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState } from "react";
import { can } from "~/auth/permissions";
import type { LiveStreamEvent } from "~/live/events";
import { useLiveEvents } from "~/live/use-live";
import { Linkified } from "~/notes/linkify";
import type { NoteView } from "~/notes/notes.server";
import { formatUtc } from "../format";

type Me = { id: string; role: string };
type ActionData = { ok?: boolean; errors?: Record<string, string[]>; values?: Record<string, string> };

function NoteItem({ note, me, action }: { note: NoteView; me: Me; action: string }) {
  const [editing, setEditing] = useState(false);
  const edit = useFetcher<ActionData>();
  const remove = useFetcher<ActionData>();
  const mine = note.author.id === me.id;
  useEffect(() => {
    if (edit.state === "idle" && edit.data?.ok) setEditing(false);
  }, [edit.state, edit.data]);
  if (remove.state !== "idle") return null;
  return (
    <li className="rounded border border-slate-200 p-2 dark:border-slate-800" data-testid="note">
      <div className="flex items-center gap-2 text-xs text-slate-600 dark:text-slate-400">
        <span className="font-medium text-slate-700 dark:text-slate-300">{note.author.name}</span>
        <time dateTime={note.createdAt}>{formatUtc(note.createdAt)}</time>
        {note.edited ? <span title={`edited ${formatUtc(note.updatedAt)}`}>(edited)</span> : null}
        <span className="ml-auto flex gap-2">
          {mine && !editing ? (
            <button type="button" onClick={() => setEditing(true)} className="underline">
              Edit
            </button>
          ) : null}
          {mine || can(me, "notes:delete-any") ? (
            <remove.Form
              method="post"
              action={action}
              onSubmit={(e) => {
                if (!confirm("Delete this note?")) e.preventDefault();
              }}
            >
              <input type="hidden" name="intent" value="delete" />
              <input type="hidden" name="noteId" value={note.id} />
              <button className="text-red-700 underline dark:text-red-400">Delete</button>
            </remove.Form>
          ) : null}
        </span>
      </div>
      {editing ? (
        <edit.Form method="post" action={action} className="mt-1 space-y-1">
          <input type="hidden" name="intent" value="edit" />
          <input type="hidden" name="noteId" value={note.id} />
          <textarea
            name="body"
            defaultValue={note.body}
            rows={3}
            maxLength={5000}
            aria-label="Edit note"
            className="block w-full rounded border border-slate-300 p-1.5 text-sm dark:border-slate-700 dark:bg-slate-950"
          />
          {edit.data?.errors?.body ? <p className="text-sm text-red-600">{edit.data.errors.body[0]}</p> : null}
          <div className="flex gap-2">
            <button disabled={edit.state !== "idle"} className="rounded bg-blue-600 px-2 py-1 text-sm text-white disabled:opacity-60">
              Save
            </button>
            <button type="button" onClick={() => setEditing(false)} className="text-sm underline">
              Cancel
            </button>
          </div>
        </edit.Form>
      ) : (
        <p className="mt-1 text-sm">
          <Linkified text={note.body} />
        </p>
      )}
    </li>
  );
}

export function NotesPanel({ sessionId, notes: fromPage, me, clientId }: { sessionId: string; notes: NoteView[]; me: Me; clientId: string }) {
  const action = `/sessions/${encodeURIComponent(sessionId)}/notes`;
  // Whichever arrived last wins: the page's data (after my own action) or a live re-read. The re-read is a
  // plain fetch of the resource route: no route discovery or module load stands between the event and the list.
  const [notes, setNotes] = useState(fromPage);
  useEffect(() => setNotes(fromPage), [fromPage]);
  const generation = useRef(0);
  const onEvent = useCallback(
    (event: LiveStreamEvent) => {
      if (event.type !== "notes" || event.sessionId !== sessionId) return;
      const mine = ++generation.current;
      fetch(action, { headers: { accept: "application/json" } })
        .then((response) => (response.ok ? (response.json() as Promise<{ notes: NoteView[] }>) : null))
        .then((body) => {
          if (body && mine === generation.current) setNotes(body.notes);
        })
        .catch(() => {}); // the next event or reload catches up
    },
    [sessionId, action],
  );
  useLiveEvents(onEvent, { watch: sessionId });
  const create = useFetcher<ActionData>();
  const formRef = useRef<HTMLFormElement>(null);
  const busy = create.state !== "idle";
  useEffect(() => {
    if (create.state === "idle" && create.data?.ok) formRef.current?.reset();
  }, [create.state, create.data]);
  return (
    <section aria-labelledby={`notes-title-${sessionId}`} className="border-b border-slate-200 px-4 py-3 dark:border-slate-800">
      <h2 id={`notes-title-${sessionId}`} className="mb-1.5 text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">
        Notes
      </h2>
      {notes.length ? (
        <ul className="mt-2 space-y-2">
          {notes.map((note) => (
            <NoteItem key={note.id} note={note} me={me} action={action} />
          ))}
        </ul>
      ) : (
        <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">No notes yet.</p>
      )}
      <create.Form ref={formRef} method="post" action={action} className="mt-3 space-y-1">
        <input type="hidden" name="intent" value="create" />
        {/* A fresh id per page load: a double submit creates one note, not two. */}
        <input type="hidden" name="clientId" value={clientId} />
        <textarea
          name="body"
          rows={3}
          maxLength={5000}
          aria-label="New note"
          placeholder="Write a note for the team (plain text, links allowed)"
          className="block w-full rounded border border-slate-300 p-1.5 text-sm dark:border-slate-700 dark:bg-slate-950"
        />
        {create.data?.errors?.body ? <p className="text-sm text-red-600">{create.data.errors.body[0]}</p> : null}
        <button disabled={busy} className="rounded bg-blue-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60">
          {busy ? "Saving…" : "Add note"}
        </button>
      </create.Form>
    </section>
  );
}
