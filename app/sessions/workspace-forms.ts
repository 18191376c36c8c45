// The session page's own forms (ADR 190, 202): the side panel's in-place edits (assign, labels, archive), with the
// inbox's own field schemas, since they run through its bulk actions, and the read position (its own route, ADR 223).
// Shared by the routes' actions and the page's controls. Browser-safe.
import { z } from "zod";
import { ArchiveConfirmSchema, AssigneeSchema, LabelSchema } from "~/inbox/inbox-forms";

export const SessionFormSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("assign"), assignee: AssigneeSchema }),
  z.object({ intent: z.literal("label-add"), label: LabelSchema }),
  z.object({ intent: z.literal("label-remove"), label: LabelSchema }),
  z.object({ intent: z.literal("archive"), confirm: ArchiveConfirmSchema }),
]);
export type SessionForm = z.infer<typeof SessionFormSchema>;

/** `POST /sessions/:id/read`: the newest message I have seen at the tail. */
export const ReadPositionSchema = z.object({ seq: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
