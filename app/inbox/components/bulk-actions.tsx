// Actions on the selected rows, posted to the inbox action (one form per action, the ids as hidden inputs).
// Auditors only get the read-state actions; the server refuses the rest anyway.
import { useFetcher } from "@remix-run/react";
import { useState } from "react";

type Props = {
  selected: string[];
  operators: { id: string; name: string }[];
  labels: string[];
  canChange: boolean;
  onDone: () => void;
};

const button = "rounded border border-slate-300 px-2 py-1 text-sm hover:bg-slate-100 disabled:opacity-40 dark:border-slate-700 dark:hover:bg-slate-800";

export function BulkActions({ selected, operators, labels, canChange, onDone }: Props) {
  const fetcher = useFetcher<{ ok: false; message?: string; errors?: Record<string, string[]> }>();
  const [confirming, setConfirming] = useState(false);
  const busy = fetcher.state !== "idle";
  const error = fetcher.data && fetcher.data.ok === false ? fetcher.data.message ?? Object.values(fetcher.data.errors ?? {}).flat().join(" ") : null;
  const ids = selected.map((id) => <input key={id} type="hidden" name="ids" value={id} />);
  const submitted = () => {
    setConfirming(false);
    onDone();
  };
  const n = selected.length;

  return (
    <div role="region" aria-label="Bulk actions" className="mb-3 flex flex-wrap items-center gap-2 rounded-md border border-blue-200 bg-blue-50 px-3 py-2 text-sm dark:border-blue-900 dark:bg-blue-950">
      <span className="font-medium">{n} selected</span>
      <fetcher.Form method="post" onSubmit={submitted}>
        {ids}
        <button name="intent" value="mark-read" className={button} disabled={busy}>Mark read</button>
      </fetcher.Form>
      <fetcher.Form method="post" onSubmit={submitted}>
        {ids}
        <button name="intent" value="mark-unread" className={button} disabled={busy || n !== 1} title={n !== 1 ? "Select one session" : undefined}>
          Mark unread
        </button>
      </fetcher.Form>
      {canChange ? (
        <>
          <fetcher.Form method="post" onSubmit={submitted} className="flex items-center gap-1">
            {ids}
            <label className="sr-only" htmlFor="bulk-assignee">Assign to</label>
            <select id="bulk-assignee" name="assignee" defaultValue="me" className="rounded border border-slate-300 px-1 py-1 dark:border-slate-700 dark:bg-slate-950">
              <option value="me">Me</option>
              <option value="none">Nobody</option>
              {operators.map((op) => (
                <option key={op.id} value={op.id}>{op.name}</option>
              ))}
            </select>
            <button name="intent" value="assign" className={button} disabled={busy}>Assign</button>
          </fetcher.Form>
          <fetcher.Form method="post" onSubmit={submitted} className="flex items-center gap-1">
            {ids}
            <label className="sr-only" htmlFor="bulk-label">Label</label>
            <input id="bulk-label" name="label" list="inbox-labels" required maxLength={40} placeholder="label" className="w-28 rounded border border-slate-300 px-2 py-1 dark:border-slate-700 dark:bg-slate-950" />
            <datalist id="inbox-labels">
              {labels.map((label) => <option key={label} value={label} />)}
            </datalist>
            <button name="intent" value="label-add" className={button} disabled={busy}>Add label</button>
            <button name="intent" value="label-remove" className={button} disabled={busy}>Remove label</button>
          </fetcher.Form>
          {confirming ? (
            <fetcher.Form method="post" onSubmit={submitted} className="flex items-center gap-1" role="alertdialog" aria-label="Confirm archive">
              {ids}
              <input type="hidden" name="confirm" value="archive" />
              <span>Archive {n} session{n === 1 ? "" : "s"} in FleetLM?</span>
              <button name="intent" value="archive" className={`${button} border-red-400 text-red-700 dark:text-red-300`} disabled={busy}>Yes, archive</button>
              <button type="button" className={button} onClick={() => setConfirming(false)}>Cancel</button>
            </fetcher.Form>
          ) : (
            <button type="button" className={button} onClick={() => setConfirming(true)} disabled={busy}>Archive…</button>
          )}
        </>
      ) : null}
      {error ? <p role="alert" className="w-full text-red-700 dark:text-red-300">{error}</p> : null}
    </div>
  );
}
