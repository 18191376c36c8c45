// The admin review-labels page's forms (ADR 190): a label's name and hotkey, shared by the action and the page.
import { z } from "zod";

/** Keys the queue already uses (navigation, ratings, comment, save). */
export const RESERVED_KEYS = ["j", "k", "c", "f", "1", "2", "?"];

export const LabelSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, "Give the label a name.")
    .max(40, "At most 40 characters.")
    // Kept from the days of the comma-separated column (ADR 145): no label has one, and a list of them reads plainly.
    .refine((name) => !name.includes(","), "No commas."),
  hotkey: z
    .string()
    .trim()
    .toLowerCase()
    .max(1, "One key.")
    .refine((key) => key === "" || /^[a-z0-9]$/.test(key), "A letter or a digit.")
    .refine((key) => !RESERVED_KEYS.includes(key), `That key is taken by the queue (${RESERVED_KEYS.join(" ")}).`)
    .optional()
    .transform((key) => (key ? key : null)),
});

const LabelId = z.string({ message: "Which label?" }).min(1, "Which label?").max(64);

export const CreateLabelFormSchema = LabelSchema.extend({ intent: z.literal("create") });
export const UpdateLabelFormSchema = LabelSchema.extend({ intent: z.literal("update"), id: LabelId });
export const DeleteLabelFormSchema = z.object({ intent: z.literal("delete"), id: LabelId });
export const LabelIntentSchema = z.object({ intent: z.enum(["create", "update", "delete"], { message: "Unknown action." }) });
