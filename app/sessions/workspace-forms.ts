// The session page's own form intents (ADR 190, 202): the read cursor, and the side panel's in-place edits
// (assign, labels, archive), with the inbox's own field schemas, since they run through its bulk actions.
// Shared by the session route's action and the panel's controls. Browser-safe.
import { z } from "zod";
import { ArchiveConfirmSchema, AssigneeSchema, LabelSchema } from "~/inbox/inbox-forms";

export const SessionFormSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("read"), seq: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) }),
  z.object({ intent: z.literal("assign"), assignee: AssigneeSchema }),
  z.object({ intent: z.literal("label-add"), label: LabelSchema }),
  z.object({ intent: z.literal("label-remove"), label: LabelSchema }),
  z.object({ intent: z.literal("archive"), confirm: ArchiveConfirmSchema }),
]);
export type SessionForm = z.infer<typeof SessionFormSchema>;
