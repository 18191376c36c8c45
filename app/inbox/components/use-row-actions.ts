// The keyboard's actions on the inbox's focused row (a, e, z, r, t): each posts through a fetcher (the inbox's own
// bulk action, or the session's takeover), and its outcome is one line above the list. A takeover that succeeds
// opens the session.
import { useFetcher, useNavigate } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import type { InboxKeyHandlers } from "./use-inbox-keys";

export type RowAction = Parameters<InboxKeyHandlers["act"]>[0];
export type RowActionResult = { ok: boolean; text: string };

const DONE_LABEL: Record<string, string> = { "assign-me": "Assigned to you", resolve: "Resolved", snooze: "Snoozed for an hour", "mark-read": "Marked read" };

export function useRowActions(focusId: string | null): { act: (what: RowAction, id: string) => void; result: RowActionResult | null } {
  const navigate = useNavigate();
  const rowAction = useFetcher<{ ok: boolean; message?: string; errors?: Record<string, string[]> }>();
  const takeover = useFetcher<{ ok: boolean; reason?: string; intent?: string }>();
  const pending = useRef<{ what: string; id: string } | null>(null);
  const [result, setResult] = useState<RowActionResult | null>(null);
  useEffect(() => {
    if (rowAction.state !== "idle" || !pending.current) return;
    const done = pending.current;
    pending.current = null;
    const failed = rowAction.data && rowAction.data.ok === false;
    setResult(
      failed
        ? {
            ok: false,
            text:
              rowAction.data?.message ??
              Object.values(rowAction.data?.errors ?? {})
                .flat()
                .join(" "),
          }
        : { ok: true, text: DONE_LABEL[done.what] ?? "Done" },
    );
  }, [rowAction.state, rowAction.data]);
  useEffect(() => {
    if (takeover.state !== "idle" || !takeover.data) return;
    if (takeover.data.ok && focusId) navigate(`/sessions/${encodeURIComponent(focusId)}`);
    else if (!takeover.data.ok) setResult({ ok: false, text: `Could not take it over: ${takeover.data.reason ?? "refused"}` });
  }, [takeover.state, takeover.data]); // eslint-disable-line react-hooks/exhaustive-deps

  const act = (what: RowAction, id: string) => {
    if (what === "take-over") {
      takeover.submit({ intent: "claim" }, { method: "post", action: `/sessions/${encodeURIComponent(id)}/takeover` });
      return;
    }
    const form: Record<string, string> = { ids: id };
    if (what === "assign-me") Object.assign(form, { intent: "assign", assignee: "me" });
    if (what === "resolve") Object.assign(form, { intent: "set-state", state: "resolved" });
    if (what === "snooze") Object.assign(form, { intent: "snooze", minutes: "60" });
    if (what === "mark-read") Object.assign(form, { intent: "mark-read" });
    pending.current = { what, id };
    rowAction.submit(form, { method: "post" });
  };
  return { act, result };
}
