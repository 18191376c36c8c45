// The session page's side panel: everything about the session beside the conversation — status, assignee,
// labels (edited in place by those whose role allows it), the takeover, the team's notes and the same user's
// other sessions. Edits post to the session route's action and the page revalidates.
import { getFormProps, type SubmissionResult } from "@conform-to/react";
import { Link, useFetcher } from "@remix-run/react";
import type { ReactNode } from "react";
import { can } from "~/auth/permissions";
import { ErrorBanner } from "~/components/ui/banner";
import { Button } from "~/components/ui/button";
import { Chip, ChipRemove } from "~/components/ui/chip";
import { Field, controlClass } from "~/components/ui/field";
import { LabelFormSchema } from "~/inbox/inbox-forms";
import { firstErrorOf, useSchemaForm } from "~/lib/forms";
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

/** The session action's answer: conform's reply (a refusal's errors by field, the form's own under ""). */
type PanelResult = SubmissionResult<string[]> & { ok?: boolean };

const sessionAction = (sessionId: string) => `/sessions/${encodeURIComponent(sessionId)}`;

function useSessionForm(sessionId: string, key: string) {
  const fetcher = useFetcher<PanelResult>({ key: `session-form:${key}:${sessionId}` });
  const submit = (fields: Record<string, string>) => fetcher.submit(fields, { method: "post", action: sessionAction(sessionId) });
  const error = fetcher.state === "idle" && fetcher.data?.status === "error" ? (firstErrorOf(fetcher.data) ?? "Not saved.") : null;
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
      <Chip data-testid="session-status" tone={archived ? "neutral" : "success"}>
        {session.status}
      </Chip>
      <span className="text-xs text-slate-600 dark:text-slate-400">
        created{" "}
        <time dateTime={session.createdAt ?? undefined} title={session.createdAtRaw ?? session.createdAt ?? undefined}>
          {formatUtc(session.createdAt) || "—"}
        </time>
      </span>
      {canChange && !archived && session.status !== "unknown" ? (
        <Button
          type="button"
          variant="secondary"
          size="sm"
          className="ml-auto"
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
        </Button>
      ) : null}
      <ErrorBanner errors={form.error ? [form.error] : null} className="w-full" />
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
  const errorId = `assignee-error-${sessionId}`;
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
        aria-invalid={form.error ? true : undefined}
        aria-describedby={form.error ? errorId : undefined}
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
        <Button
          type="button"
          variant="secondary"
          size="sm"
          disabled={form.busy}
          onClick={() => form.submit({ intent: "assign", assignee: "me" })}
          aria-keyshortcuts="a"
          data-action="assign-me"
        >
          Assign to me
        </Button>
      ) : null}
      <ErrorBanner id={errorId} errors={form.error ? [form.error] : null} className="w-full" />
    </div>
  );
}

function LabelsField({ sessionId, labels, canChange }: { sessionId: string; labels: string[]; canChange: boolean }) {
  // Adding is a conform form (the label's limits and messages from the inbox's schema, ADR 202); removing is
  // a button per chip, its refusal shown under the list.
  const add = useFetcher<PanelResult>({ key: `session-form:label-add:${sessionId}` });
  const remove = useSessionForm(sessionId, "label-remove");
  const [form, fields] = useSchemaForm(LabelFormSchema, { id: `label-add-${sessionId}`, lastResult: add.state === "idle" ? add.data : null });
  return (
    <div className="flex flex-col gap-2">
      <ul className="flex flex-wrap gap-1" data-testid="labels" aria-label="Labels">
        {labels.length === 0 ? <li className="text-sm text-slate-600 dark:text-slate-400">None</li> : null}
        {labels.map((name) => (
          <Chip as="li" key={name}>
            {name}
            {canChange ? (
              <ChipRemove label={`Remove label ${name}`} disabled={remove.busy} onClick={() => remove.submit({ intent: "label-remove", label: name })} />
            ) : null}
          </Chip>
        ))}
      </ul>
      {canChange ? (
        <add.Form method="post" action={sessionAction(sessionId)} {...getFormProps(form)} className="flex items-start gap-2">
          <input type="hidden" name="intent" value="label-add" />
          <Field
            meta={fields.label}
            label={<span className="sr-only">Add a label</span>}
            density="inline"
            placeholder="Add a label"
            className="min-w-0 flex-1"
            controlClassName="w-full"
          />
          <Button variant="secondary" size="sm" disabled={add.state !== "idle"}>
            Add
          </Button>
        </add.Form>
      ) : null}
      <ErrorBanner errors={form.errors ?? (remove.error ? [remove.error] : null)} />
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
