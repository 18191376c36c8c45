// The session page's own form intents: the read cursor, and the side panel's in-place edits (assign, labels,
// archive), which run through the inbox's bulk actions with this one session so the rules, the audit rows and
// the live events are the same wherever a session is changed.
import { z } from "zod";
import type { CurrentOperator } from "~/auth/guards.server";
import { LabelSchema, runBulkAction, type BulkResult } from "~/inbox/inbox-actions.server";
import { advanceReadCursor } from "~/inbox/read-cursor.server";

export const SessionFormSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("read"), seq: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) }),
  z.object({ intent: z.literal("assign"), assignee: z.string().min(1, "pick who").max(200) }),
  z.object({ intent: z.literal("label-add"), label: LabelSchema }),
  z.object({ intent: z.literal("label-remove"), label: LabelSchema }),
  z.object({ intent: z.literal("archive"), confirm: z.literal("archive", { message: "confirm the archive" }) }),
]);
export type SessionForm = z.infer<typeof SessionFormSchema>;

export type SessionFormResult =
  | { ok: true; intent: SessionForm["intent"]; message?: string }
  | {
      ok: false;
      intent: SessionForm["intent"];
      status: BulkResult extends infer R ? (R extends { ok: false; status: infer S } ? S : never) : never;
      message: string;
    };

export async function runSessionForm(operator: CurrentOperator, sessionId: string, form: SessionForm, ip: string): Promise<SessionFormResult> {
  if (form.intent === "read") {
    await advanceReadCursor(operator.id, sessionId, form.seq);
    return { ok: true, intent: "read" };
  }
  const result = await runBulkAction(operator, { ...form, ids: [sessionId] }, ip);
  return result.ok
    ? { ok: true, intent: form.intent, message: result.message }
    : { ok: false, intent: form.intent, status: result.status, message: result.message };
}
