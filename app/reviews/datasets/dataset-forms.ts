// The datasets page's form (ADR 190): a new dataset's name and description, shared by the action and the page;
// and "add to dataset" (a reviewed reply, an optional corrected answer), shared by its route and the review views.
// Browser-safe: no server imports.
import { z } from "zod";

export const DATASET_NAME_MAX = 80;
export const DATASET_DESCRIPTION_MAX = 500;

export const DatasetFormSchema = z.object({
  name: z.string({ message: "Name the dataset." }).trim().min(1, "Name the dataset.").max(DATASET_NAME_MAX, `At most ${DATASET_NAME_MAX} characters.`),
  description: z.string().trim().max(DATASET_DESCRIPTION_MAX, `At most ${DATASET_DESCRIPTION_MAX} characters.`).default(""),
});

export const CORRECTED_MAX = 20_000;

export const DatasetItemFormSchema = z.object({
  sessionId: z.string({ message: "Which reply?" }).min(1, "Which reply?").max(200),
  seq: z.coerce.number({ message: "Which reply?" }).int("Which reply?").positive("Which reply?"),
  corrected: z
    .string()
    .trim()
    .max(CORRECTED_MAX, "At most 20,000 characters.")
    .optional()
    .transform((v) => (v ? v : undefined)),
});
