// Notes on the session: plain text with links, author and time, edit/delete for the author, delete for admins.
// Live for everyone viewing: a `notes` event re-reads the list from the notes route (not the whole page).
import { getFormProps, type SubmissionResult } from "@conform-to/react";
import { useFetcher } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState } from "react";
import { can } from "~/auth/permissions";
import { ErrorBanner } from "~/components/ui/banner";
import { Button, buttonClass } from "~/components/ui/button";
import { TextareaField } from "~/components/ui/field";
import { formErrorsOf, useSchemaForm } from "~/lib/forms";
import type { LiveStreamEvent } from "~/live/events";
import { useLiveEvents } from "~/live/use-live";
import { Linkified } from "~/notes/linkify";
import { NoteForms } from "~/notes/note-forms";
import type { NoteView } from "~/notes/notes.server";
import { formatUtc } from "../format";

type Me = { id: string; role: string };
/** The notes action's answer: conform's reply, and on success what was done. */
type ActionData = SubmissionResult<string[]> & { ok?: boolean };

function NoteItem({ note, me, action }: { note: NoteView; me: Me; action: string }) {
  const [editing, setEditing] = useState(false);
  const edit = useFetcher<ActionData>();
  const remove = useFetcher<ActionData>();
  const mine = note.author.id === me.id;
  const [form, fields] = useSchemaForm(NoteForms.edit, { id: `note-edit-${note.id}`, lastResult: edit.data, defaultValue: { body: note.body } });
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
            <button type="button" onClick={() => setEditing(true)} className={buttonClass({ variant: "link", size: "inline" })}>
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
              <button className={buttonClass({ variant: "link-danger", size: "inline" })}>Delete</button>
            </remove.Form>
          ) : null}
          {remove.data?.status === "error" ? (
            <span role="alert" className="text-red-700 dark:text-red-400">
              {formErrorsOf(remove.data)?.[0] ?? Object.values(remove.data.error ?? {}).flat()[0] ?? "Not deleted."}
            </span>
          ) : null}
        </span>
      </div>
      {editing ? (
        <edit.Form method="post" action={action} {...getFormProps(form)} className="mt-1 space-y-1">
          <input type="hidden" name="intent" value="edit" />
          <input type="hidden" name="noteId" value={note.id} />
          <TextareaField meta={fields.body} label={<span className="sr-only">Edit note</span>} rows={3} density="sm" controlClassName="mt-0" />
          <ErrorBanner errors={form.errors ?? fields.noteId.errors} />
          <div className="flex gap-2">
            <Button size="sm" disabled={edit.state !== "idle"} className="text-sm">
              Save
            </Button>
            <Button type="button" variant="ghost" size="sm" onClick={() => setEditing(false)} className="text-sm">
              Cancel
            </Button>
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
  const [form, fields] = useSchemaForm(NoteForms.create, { id: `note-new-${sessionId}`, lastResult: create.data });
  const busy = create.state !== "idle";
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
      <create.Form method="post" action={action} {...getFormProps(form)} className="mt-3 space-y-1">
        <input type="hidden" name="intent" value="create" />
        {/* A fresh id per page load: a double submit creates one note, not two. */}
        <input type="hidden" name="clientId" value={clientId} />
        <TextareaField
          meta={fields.body}
          label={<span className="sr-only">New note</span>}
          rows={3}
          density="sm"
          controlClassName="mt-0"
          placeholder="Write a note for the team (plain text, links allowed)"
        />
        <ErrorBanner errors={form.errors ?? fields.clientId.errors} />
        <Button size="lg" disabled={busy} className="text-sm">
          {busy ? "Saving…" : "Add note"}
        </Button>
      </create.Form>
    </section>
  );
}
