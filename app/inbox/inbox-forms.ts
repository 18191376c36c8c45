// The inbox's forms (ADR 190, 202): the bulk actions on selected rows (the session panel's assign, labels and
// archive are the same actions on one session), and saving or deleting a view. One schema each, shared by the
// inbox action and the bar's controls in the browser, which take their limits from here. Browser-safe.
import { z } from "zod";

export const MAX_BULK = 100;
export const LABEL_MAX = 40;
export const VIEW_NAME_MAX = 60;

const Ids = z.preprocess(
  (value) => (value === undefined ? [] : [value].flat()),
  z
    .array(
      z
        .string()
        .min(1)
        .max(200)
        .regex(/^[^/?#\s]+$/, "is not a session id"),
    )
    .min(1, "select at least one session")
    .max(MAX_BULK, `select at most ${MAX_BULK} sessions`),
);

export const LabelSchema = z
  .string({ message: "enter a label" })
  .trim()
  .min(1, "enter a label")
  .max(LABEL_MAX, `at most ${LABEL_MAX} characters`)
  .regex(/^[\w .:-]+$/, "may use letters, digits, space and . : _ -");

export const AssigneeSchema = z.string({ message: "pick who" }).min(1, "pick who").max(200);

export const ArchiveConfirmSchema = z.literal("archive", { message: "confirm the archive" });

/** The label box of the bulk bar and of the session panel: add or remove one label. */
export const LabelFormSchema = z.object({ intent: z.enum(["label-add", "label-remove"]), label: LabelSchema });

export const BulkActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("assign"), ids: Ids, assignee: AssigneeSchema }),
  z.object({ intent: z.literal("label-add"), ids: Ids, label: LabelSchema }),
  z.object({ intent: z.literal("label-remove"), ids: Ids, label: LabelSchema }),
  z.object({ intent: z.literal("mark-read"), ids: Ids }),
  z.object({ intent: z.literal("mark-unread"), ids: Ids.pipe(z.array(z.string()).max(1, "mark one session unread at a time")) }),
  z.object({ intent: z.literal("archive"), ids: Ids, confirm: ArchiveConfirmSchema }),
  z.object({
    intent: z.literal("set-state"),
    ids: Ids,
    state: z.enum(["open", "pending", "resolved", "waiting"], { message: "state must be open, pending, resolved or waiting" }),
  }),
  z.object({
    intent: z.literal("snooze"),
    ids: Ids,
    minutes: z.coerce
      .number({ message: "minutes must be a number" })
      .int("whole minutes")
      .min(5, "snooze for at least 5 minutes")
      .max(43_200, "snooze for at most 30 days"),
  }),
]);
export type BulkAction = z.infer<typeof BulkActionSchema>;

export const SaveViewSchema = z.object({
  intent: z.literal("view-save"),
  name: z.string({ message: "name the view" }).trim().min(1, "name the view").max(VIEW_NAME_MAX, `at most ${VIEW_NAME_MAX} characters`),
  search: z.string().max(2_000, "that view is too long to save"),
  team: z.enum(["on"]).optional(),
});
export const DeleteViewSchema = z.object({ intent: z.literal("view-delete"), viewId: z.string({ message: "which view?" }).min(1, "which view?").max(100) });
