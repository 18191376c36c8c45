// Actions on the selected rows, posted to the inbox action (one form per action, the ids as hidden inputs).
// The bar stays mounted whatever happens, so every action's result or error shows where the user is looking
// (issue 16: a failed archive with FleetLM down used to vanish with the bar). Auditors only get the read-state
// actions; the server refuses the rest anyway.
import { useFetcher } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { buttonClass } from "~/components/ui/button";
import { controlClass } from "~/components/ui/field";

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

const button = buttonClass({ variant: "secondary" });

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
  const fetcher = useFetcher<{ ok: boolean; message?: string; errors?: Record<string, string[]> }>();
  const [confirming, setConfirming] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const submitted = useRef<{ intent: string; n: number } | null>(null);
  const busy = fetcher.state !== "idle";
  const n = selected.length;
  // A refused label names the label box, and the box names the message that says why (the bar's result line).
  const labelRefused = Boolean(result && !result.ok && fetcher.data?.errors?.label?.length);

  useEffect(() => {
    if (fetcher.state !== "idle" || !submitted.current) return;
    const { intent, n: count } = submitted.current;
    submitted.current = null;
    const data = fetcher.data;
    if (data && data.ok === false) {
      // Failed: say why, and keep the selection so the user can try again.
      setResult({
        ok: false,
        text:
          data.message ??
          Object.values(data.errors ?? {})
            .flat()
            .join(" ") ??
          "The action failed.",
      });
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
          <button type="button" className="underline" onClick={onClear}>
            Clear
          </button>
          <fetcher.Form method="post" onSubmit={onSubmit}>
            {ids}
            <button name="intent" value="mark-read" className={button} disabled={busy}>
              Mark read
            </button>
          </fetcher.Form>
          <fetcher.Form method="post" onSubmit={onSubmit}>
            {ids}
            <button name="intent" value="mark-unread" className={button} disabled={busy || n !== 1} title={n !== 1 ? "Select one session" : undefined}>
              Mark unread
            </button>
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
                <button name="intent" value="assign" className={button} disabled={busy}>
                  Assign
                </button>
              </fetcher.Form>
              <fetcher.Form method="post" onSubmit={onSubmit} className="flex items-center gap-1">
                {ids}
                <label className="sr-only" htmlFor="bulk-label">
                  Label
                </label>
                <input
                  id="bulk-label"
                  name="label"
                  list="inbox-labels"
                  required
                  maxLength={40}
                  placeholder="label"
                  aria-invalid={labelRefused ? true : undefined}
                  aria-describedby={labelRefused ? "bulk-result" : undefined}
                  className={controlClass("inline", "w-28")}
                />
                <datalist id="inbox-labels">
                  {labels.map((label) => (
                    <option key={label} value={label} />
                  ))}
                </datalist>
                <button name="intent" value="label-add" className={button} disabled={busy}>
                  Add label
                </button>
                <button name="intent" value="label-remove" className={button} disabled={busy}>
                  Remove label
                </button>
              </fetcher.Form>
              <fetcher.Form method="post" onSubmit={onSubmit} className="flex items-center gap-1">
                {ids}
                <input type="hidden" name="intent" value="set-state" />
                <button name="state" value="resolved" className={button} disabled={busy}>
                  Resolve
                </button>
                <button name="state" value="open" className={button} disabled={busy} title="A human has it">
                  Open
                </button>
                <button name="state" value="pending" className={button} disabled={busy} title="Hand back to the AI">
                  To the AI
                </button>
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
                <button name="intent" value="snooze" className={button} disabled={busy}>
                  Snooze
                </button>
              </fetcher.Form>
              {confirming ? (
                <fetcher.Form method="post" onSubmit={onSubmit} className="flex items-center gap-1" role="alertdialog" aria-label="Confirm archive">
                  {ids}
                  <input type="hidden" name="confirm" value="archive" />
                  <span>
                    Archive {n} session{n === 1 ? "" : "s"} in FleetLM?
                  </span>
                  <button name="intent" value="archive" className={buttonClass({ variant: "danger" })} disabled={busy}>
                    Yes, archive
                  </button>
                  <button type="button" className={button} onClick={() => setConfirming(false)}>
                    Cancel
                  </button>
                </fetcher.Form>
              ) : (
                <button type="button" className={button} onClick={() => setConfirming(true)} disabled={busy}>
                  Archive…
                </button>
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
        <p
          id="bulk-result"
          role={result.ok ? "status" : "alert"}
          data-testid="bulk-result"
          className={`w-full ${result.ok ? "text-green-800 dark:text-green-300" : "text-red-700 dark:text-red-300"}`}
        >
          {result.text}
        </p>
      ) : null}
    </div>
  );
}
