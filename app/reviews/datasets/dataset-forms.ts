// The datasets page's form (ADR 190): a new dataset's name and description, shared by the action and the page.
// Browser-safe: no server imports.
import { z } from "zod";

export const DATASET_NAME_MAX = 80;
export const DATASET_DESCRIPTION_MAX = 500;

export const DatasetFormSchema = z.object({
  name: z.string({ message: "Name the dataset." }).trim().min(1, "Name the dataset.").max(DATASET_NAME_MAX, `At most ${DATASET_NAME_MAX} characters.`),
  description: z.string().trim().max(DATASET_DESCRIPTION_MAX, `At most ${DATASET_DESCRIPTION_MAX} characters.`).default(""),
});
