// Actions on the selected rows, posted to the inbox action (one form per action, the ids as hidden inputs).
// The bar stays mounted whatever happens, so every action's result or error shows where the user is looking
// (issue 16: a failed archive with FleetLM down used to vanish with the bar). Auditors only get the read-state
// actions; the server refuses the rest anyway.
import { getFormProps, type SubmissionResult } from "@conform-to/react";
import { useFetcher } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { Banner } from "~/components/ui/banner";
import { Button } from "~/components/ui/button";
import { Field, controlClass } from "~/components/ui/field";
import { LabelFormSchema } from "~/inbox/inbox-forms";
import { firstErrorOf, resultFor, useSchemaForm } from "~/lib/forms";

type Props = {
  selected: string[];
  /** How many of the selected sessions are not shown on this page (paged away or moved by live changes). */
  offPage: number;
  operators: { id: string; name: string }[];
  labels: string[];
  canChange: boolean;
  /** After a successful action: the selection is done with. */
  onDone: () => void;
  onClear: () => void;
};

const DONE: Record<string, string> = {
  "mark-read": "Marked read",
  "mark-unread": "Marked unread",
  assign: "Assigned",
  "label-add": "Label added",
  "label-remove": "Label removed",
  archive: "Archived",
  "set-state": "State changed",
  snooze: "Snoozed",
};

export function BulkActions({ selected, offPage, operators, labels, canChange, onDone, onClear }: Props) {
  // A refusal is conform's reply (ADR 202); a success is a redirect, so the fetcher has no data.
  const fetcher = useFetcher<SubmissionResult<string[]>>();
  const [confirming, setConfirming] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const submitted = useRef<{ intent: string; n: number } | null>(null);
  const busy = fetcher.state !== "idle";
  const n = selected.length;
  // The label box is a conform form: its limits and messages come from the schema, its error sits by it.
  const idle = fetcher.state === "idle";
  const labelResult = idle ? (resultFor(fetcher.data, { intent: "label-add" }) ?? resultFor(fetcher.data, { intent: "label-remove" })) : undefined;
  const [labelForm, labelFields] = useSchemaForm(LabelFormSchema, { id: "bulk-label", lastResult: labelResult });
  const labelProps = getFormProps(labelForm);

  useEffect(() => {
    if (fetcher.state !== "idle" || !submitted.current) return;
    const { intent, n: count } = submitted.current;
    submitted.current = null;
    const data = fetcher.data;
    if (data?.status === "error") {
      // Failed: say why, and keep the selection so the user can try again.
      setResult({ ok: false, text: firstErrorOf(data) ?? "The action failed." });
      return;
    }
    // Success answers with a redirect (post/redirect/get), so the fetcher has no data: say what was done.
    setResult({ ok: true, text: `${DONE[intent] ?? "Done"}: ${count} session${count === 1 ? "" : "s"}.` });
    setConfirming(false);
    onDone();
  }, [fetcher.state, fetcher.data, onDone]);

  const ids = selected.map((id) => <input key={id} type="hidden" name="ids" value={id} />);
  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => {
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    const intent = submitter?.name === "intent" ? submitter.value : String(new FormData(event.currentTarget).get("intent") ?? "");
    submitted.current = { intent, n };
    setResult(null);
  };

  return (
    <div
      role="region"
      aria-label="Bulk actions"
      data-testid="bulk-actions"
      className="flex flex-wrap items-center gap-2 rounded-md border border-blue-200 bg-blue-50 px-3 py-2 text-sm dark:border-blue-900 dark:bg-blue-950"
    >
      {n === 0 ? (
        <span className="text-slate-600 dark:text-slate-300">Select sessions (checkbox or x) to act on several at once.</span>
      ) : (
        <>
          <span className="font-medium" data-testid="selected-count">
            {n} selected
          </span>
          {offPage > 0 ? (
            <span data-testid="selected-off-page" className="text-slate-600 dark:text-slate-300">
              ({offPage} not shown on this page)
            </span>
          ) : null}
          <Button type="button" variant="ghost" size="sm" onClick={onClear}>
            Clear
          </Button>
          <fetcher.Form method="post" onSubmit={onSubmit}>
            {ids}
            <Button variant="secondary" name="intent" value="mark-read" disabled={busy}>
              Mark read
            </Button>
          </fetcher.Form>
          <fetcher.Form method="post" onSubmit={onSubmit}>
            {ids}
            <Button variant="secondary" name="intent" value="mark-unread" disabled={busy || n !== 1} title={n !== 1 ? "Select one session" : undefined}>
              Mark unread
            </Button>
          </fetcher.Form>
          {canChange ? (
            <>
              <fetcher.Form method="post" onSubmit={onSubmit} className="flex items-center gap-1">
                {ids}
                <label className="sr-only" htmlFor="bulk-assignee">
                  Assign to
                </label>
                <select id="bulk-assignee" name="assignee" defaultValue="me" className={controlClass("inline")}>
                  <option value="me">Me</option>
                  <option value="round-robin">Round-robin (signed in, under the cap)</option>
                  <option value="none">Nobody</option>
                  {operators.map((op) => (
                    <option key={op.id} value={op.id}>
                      {op.name}
                    </option>
                  ))}
                </select>
                <Button variant="secondary" name="intent" value="assign" disabled={busy}>
                  Assign
                </Button>
              </fetcher.Form>
              <fetcher.Form
                method="post"
                {...labelProps}
                onSubmit={(event) => {
                  labelProps.onSubmit(event);
                  if (!event.defaultPrevented) onSubmit(event);
                }}
                className="flex items-start gap-1"
              >
                {ids}
                <Field
                  meta={labelFields.label}
                  label={<span className="sr-only">Label</span>}
                  density="inline"
                  list="inbox-labels"
                  placeholder="label"
                  controlClassName="w-28"
                />
                <datalist id="inbox-labels">
                  {labels.map((label) => (
                    <option key={label} value={label} />
                  ))}
                </datalist>
                <Button variant="secondary" name="intent" value="label-add" disabled={busy}>
                  Add label
                </Button>
                <Button variant="secondary" name="intent" value="label-remove" disabled={busy}>
                  Remove label
                </Button>
              </fetcher.Form>
              <fetcher.Form method="post" onSubmit={onSubmit} className="flex items-center gap-1">
                {ids}
                <input type="hidden" name="intent" value="set-state" />
                <Button variant="secondary" name="state" value="resolved" disabled={busy}>
                  Resolve
                </Button>
                <Button variant="secondary" name="state" value="open" disabled={busy} title="A human has it">
                  Open
                </Button>
                <Button variant="secondary" name="state" value="pending" disabled={busy} title="Hand back to the AI">
                  To the AI
                </Button>
              </fetcher.Form>
              <fetcher.Form method="post" onSubmit={onSubmit} className="flex items-center gap-1">
                {ids}
                <label className="sr-only" htmlFor="bulk-snooze">
                  Snooze for
                </label>
                <select id="bulk-snooze" name="minutes" defaultValue="60" className={controlClass("inline")}>
                  <option value="60">1 hour</option>
                  <option value="240">4 hours</option>
                  <option value="1440">1 day</option>
                  <option value="10080">1 week</option>
                </select>
                <Button variant="secondary" name="intent" value="snooze" disabled={busy}>
                  Snooze
                </Button>
              </fetcher.Form>
              {confirming ? (
                <fetcher.Form method="post" onSubmit={onSubmit} className="flex items-center gap-1" role="alertdialog" aria-label="Confirm archive">
                  {ids}
                  <input type="hidden" name="confirm" value="archive" />
                  <span>
                    Archive {n} session{n === 1 ? "" : "s"} in FleetLM?
                  </span>
                  <Button name="intent" value="archive" variant="danger" disabled={busy}>
                    Yes, archive
                  </Button>
                  <Button variant="secondary" type="button" onClick={() => setConfirming(false)}>
                    Cancel
                  </Button>
                </fetcher.Form>
              ) : (
                <Button variant="secondary" type="button" onClick={() => setConfirming(true)} disabled={busy}>
                  Archive…
                </Button>
              )}
            </>
          ) : null}
        </>
      )}
      {busy ? (
        <span role="status" className="text-slate-600 dark:text-slate-300">
          Working…
        </span>
      ) : null}
      {result ? (
        <Banner id="bulk-result" tone={result.ok ? "success" : "error"} data-testid="bulk-result" className="w-full">
          {result.text}
        </Banner>
      ) : null}
    </div>
  );
}
