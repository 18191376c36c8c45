// The session page's side panel: everything about the session beside the conversation — status, assignee,
// labels (edited in place by those whose role allows it), the takeover, the team's notes and the same user's
// other sessions. Edits post to the session route's action and the page revalidates.
import { Link, useFetcher } from "@remix-run/react";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { can } from "~/auth/permissions";
import type { SessionFormResult } from "~/sessions/workspace-forms.server";
import { Button, buttonClass } from "~/components/ui/button";
import { controlClass } from "~/components/ui/field";
import type { OtherSession } from "~/sessions/workspace.server";
import { formatUtc } from "../format";
import type { SessionSummary } from "../types";

type Props = {
  session: SessionSummary;
  assignee: { id: string; name: string } | null;
  labels: string[];
  operators: { id: string; name: string }[];
  otherSessions: OtherSession[];
  inboxQuery: string;
  me: { id: string; role: string };
  takeover: ReactNode;
  notes: ReactNode;
};

export function PanelSection({ title, children, id }: { title: string; children: ReactNode; id?: string }) {
  return (
    <section aria-labelledby={id ? `${id}-title` : undefined} className="border-b border-slate-200 px-4 py-3 last:border-b-0 dark:border-slate-800">
      <h2 id={id ? `${id}-title` : undefined} className="mb-1.5 text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">
        {title}
      </h2>
      {children}
    </section>
  );
}

function useSessionForm(sessionId: string, key: string) {
  const fetcher = useFetcher<SessionFormResult>({ key: `session-form:${key}:${sessionId}` });
  const submit = (fields: Record<string, string>) => fetcher.submit(fields, { method: "post", action: `/sessions/${encodeURIComponent(sessionId)}` });
  const error = fetcher.state === "idle" && fetcher.data && !fetcher.data.ok ? fetcher.data.message : null;
  return { fetcher, submit, error, busy: fetcher.state !== "idle" };
}

export function SessionPanel({ session, assignee, labels, operators, otherSessions, inboxQuery, me, takeover, notes }: Props) {
  const canChange = can(me, "inbox:triage");
  return (
    <aside
      aria-label="About this session"
      className="flex flex-col rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900 lg:overflow-y-auto"
    >
      <PanelSection title="Status" id="panel-status">
        <StatusField session={session} canChange={canChange} />
      </PanelSection>
      <PanelSection title="Assignee" id="panel-assignee">
        <AssigneeField sessionId={session.id} assignee={assignee} operators={operators} me={me} canChange={canChange} />
      </PanelSection>
      <PanelSection title="Labels" id="panel-labels">
        <LabelsField sessionId={session.id} labels={labels} canChange={canChange} />
      </PanelSection>
      <PanelSection title="Takeover" id="panel-takeover">
        {takeover}
      </PanelSection>
      {notes}
      <PanelSection title="This user's other sessions" id="panel-other">
        <OtherSessions sessions={otherSessions} inboxQuery={inboxQuery} />
      </PanelSection>
    </aside>
  );
}

function StatusField({ session, canChange }: { session: SessionSummary; canChange: boolean }) {
  const form = useSessionForm(session.id, "archive");
  const archived = session.status === "archived";
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      <span
        data-testid="session-status"
        className={`rounded px-1.5 py-0.5 text-xs ${archived ? "bg-slate-200 dark:bg-slate-700" : "bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100"}`}
      >
        {session.status}
      </span>
      <span className="text-xs text-slate-600 dark:text-slate-400">
        created{" "}
        <time dateTime={session.createdAt ?? undefined} title={session.createdAtRaw ?? session.createdAt ?? undefined}>
          {formatUtc(session.createdAt) || "—"}
        </time>
      </span>
      {canChange && !archived && session.status !== "unknown" ? (
        <button
          type="button"
          className={buttonClass({ variant: "secondary", size: "sm", className: "ml-auto" })}
          disabled={form.busy}
          aria-keyshortcuts="e"
          data-action="resolve"
          onClick={() => {
            // FleetLM has no un-archive: say so before doing it.
            if (confirm("Archive this session? FleetLM cannot un-archive it; the user can no longer write to it."))
              form.submit({ intent: "archive", confirm: "archive" });
          }}
        >
          {form.busy ? "Archiving…" : "Archive (resolve)"}
        </button>
      ) : null}
      {form.error ? <FieldError text={form.error} /> : null}
    </div>
  );
}

function AssigneeField({
  sessionId,
  assignee,
  operators,
  me,
  canChange,
}: {
  sessionId: string;
  assignee: Props["assignee"];
  operators: Props["operators"];
  me: Props["me"];
  canChange: boolean;
}) {
  const form = useSessionForm(sessionId, "assign");
  if (!canChange)
    return (
      <p className="text-sm" data-testid="assignee">
        {assignee?.name ?? "Nobody"}
      </p>
    );
  const choices = assignee && !operators.some((op) => op.id === assignee.id) ? [assignee, ...operators] : operators;
  return (
    <div className="flex flex-wrap items-center gap-2">
      <label htmlFor={`assignee-${sessionId}`} className="sr-only">
        Assignee
      </label>
      <select
        id={`assignee-${sessionId}`}
        data-testid="assignee"
        value={assignee?.id ?? "none"}
        disabled={form.busy}
        onChange={(e) => form.submit({ intent: "assign", assignee: e.target.value })}
        className={controlClass("inline", "min-w-0 flex-1 bg-white")}
      >
        <option value="none">Nobody</option>
        {choices.map((op) => (
          <option key={op.id} value={op.id}>
            {op.id === me.id ? `${op.name} (me)` : op.name}
          </option>
        ))}
      </select>
      {assignee?.id !== me.id ? (
        <button
          type="button"
          className={buttonClass({ variant: "secondary", size: "sm" })}
          disabled={form.busy}
          onClick={() => form.submit({ intent: "assign", assignee: "me" })}
          aria-keyshortcuts="a"
          data-action="assign-me"
        >
          Assign to me
        </button>
      ) : null}
      {form.error ? <FieldError text={form.error} /> : null}
    </div>
  );
}

function LabelsField({ sessionId, labels, canChange }: { sessionId: string; labels: string[]; canChange: boolean }) {
  const add = useSessionForm(sessionId, "label-add");
  const remove = useSessionForm(sessionId, "label-remove");
  const [label, setLabel] = useState("");
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (add.fetcher.state === "idle" && add.fetcher.data?.ok) setLabel("");
  }, [add.fetcher.state, add.fetcher.data]);
  return (
    <div className="flex flex-col gap-2">
      <ul className="flex flex-wrap gap-1" data-testid="labels" aria-label="Labels">
        {labels.length === 0 ? <li className="text-sm text-slate-600 dark:text-slate-400">None</li> : null}
        {labels.map((name) => (
          <li key={name} className="flex items-center gap-1 rounded bg-slate-100 px-1.5 py-0.5 text-xs dark:bg-slate-800">
            {name}
            {canChange ? (
              <button
                type="button"
                aria-label={`Remove label ${name}`}
                className="rounded px-0.5 hover:bg-slate-200 dark:hover:bg-slate-700"
                disabled={remove.busy}
                onClick={() => remove.submit({ intent: "label-remove", label: name })}
              >
                ×
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {canChange ? (
        <form
          className="flex gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            if (label.trim()) add.submit({ intent: "label-add", label: label.trim() });
            input.current?.focus();
          }}
        >
          <label htmlFor={`label-add-${sessionId}`} className="sr-only">
            Add a label
          </label>
          <input
            ref={input}
            id={`label-add-${sessionId}`}
            value={label}
            onChange={(e) => setLabel(e.target.value)}
            maxLength={40}
            placeholder="Add a label"
            aria-invalid={add.error ? true : undefined}
            aria-describedby={add.error ? `label-add-error-${sessionId}` : undefined}
            className={controlClass("inline", "min-w-0 flex-1")}
          />
          <Button variant="secondary" size="sm" disabled={add.busy || !label.trim()}>
            Add
          </Button>
        </form>
      ) : null}
      {(add.error ?? remove.error) ? <FieldError id={`label-add-error-${sessionId}`} text={(add.error ?? remove.error)!} /> : null}
    </div>
  );
}

function OtherSessions({ sessions, inboxQuery }: { sessions: OtherSession[]; inboxQuery: string }) {
  if (sessions.length === 0) return <p className="text-sm text-slate-600 dark:text-slate-400">None.</p>;
  const suffix = inboxQuery ? `?${new URLSearchParams({ inbox: inboxQuery }).toString()}` : "";
  return (
    <ul className="space-y-1 text-sm" data-testid="other-sessions">
      {sessions.map((s) => (
        <li key={s.id} className="flex items-baseline gap-2">
          <Link to={`/sessions/${encodeURIComponent(s.id)}${suffix}`} className="truncate font-mono text-xs text-blue-700 underline dark:text-blue-300">
            {s.id}
          </Link>
          <span className="truncate text-xs text-slate-600 dark:text-slate-400">
            {s.agentId} · {s.status}
            {s.lastActivityAt ? ` · ${formatUtc(s.lastActivityAt)}` : ""}
          </span>
        </li>
      ))}
    </ul>
  );
}

function FieldError({ text, id }: { text: string; id?: string }) {
  return (
    <p id={id} role="alert" className="w-full text-xs text-red-700 dark:text-red-300">
      {text}
    </p>
  );
}
