// The session page's form intents, run: the side panel's in-place edits (assign, labels, archive), which run
// through the inbox's bulk actions with this one session so the rules, the audit rows and the live events are the
// same wherever a session is changed. The schema is in workspace-forms.ts.
import type { CurrentOperator } from "~/auth/guards.server";
import { runBulkAction, type BulkResult } from "~/inbox/inbox-actions.server";
import type { SessionForm } from "./workspace-forms";

export type SessionFormResult =
  | { ok: true; intent: SessionForm["intent"]; message?: string }
  | {
      ok: false;
      intent: SessionForm["intent"];
      status: BulkResult extends infer R ? (R extends { ok: false; status: infer S } ? S : never) : never;
      message: string;
    };

export async function runSessionForm(operator: CurrentOperator, sessionId: string, form: SessionForm, ip: string): Promise<SessionFormResult> {
  const result = await runBulkAction(operator, { ...form, ids: [sessionId] }, ip);
  return result.ok
    ? { ok: true, intent: form.intent, message: result.message }
    : { ok: false, intent: form.intent, status: result.status, message: result.message };
}
