// The review controls' forms (ADR 190, 196): a review (rating, labels, comment), an unflag with its reason and a
// delete, one schema each, shared by the review resource route, the queue's work route and the controls in the
// browser (which read the comment's limit from here). Browser-safe: no server imports.
import { z } from "zod";
import { RatingSchema } from "~/lib/vocabulary";
import { MAX_COMMENT } from "./review-types";

export const MAX_REVIEW_LABELS = 20;
const LABEL_MAX = 40;
export const UNFLAG_REASON_MAX = 500;

const toList = (value: unknown) => (value === undefined || value === "" ? [] : Array.isArray(value) ? value : [value]);

export const ReviewFormSchema = z.object({
  rating: RatingSchema,
  // Checked as one list, so a bad label is an error of the labels field (conform names no labels[3]).
  labels: z.preprocess(
    toList,
    z.array(z.string().trim()).superRefine((labels, ctx) => {
      if (labels.length > MAX_REVIEW_LABELS) ctx.addIssue({ code: "custom", message: `At most ${MAX_REVIEW_LABELS} labels.` });
      if (labels.some((label) => label.length === 0)) ctx.addIssue({ code: "custom", message: "A label cannot be blank." });
      if (labels.some((label) => label.length > LABEL_MAX)) ctx.addIssue({ code: "custom", message: `A label has at most ${LABEL_MAX} characters.` });
    }),
  ),
  comment: z.string().trim().max(MAX_COMMENT, `At most ${MAX_COMMENT} characters.`).default(""),
  reviewId: z.string().min(1).max(64).optional(),
});
export type ReviewInput = z.output<typeof ReviewFormSchema>;

export const UnflagFormSchema = z.object({
  reason: z
    .string()
    .trim()
    .max(UNFLAG_REASON_MAX, `At most ${UNFLAG_REASON_MAX} characters.`)
    .optional()
    .transform((v) => (v ? v : undefined)),
});

export const DeleteReviewFormSchema = z.object({ reviewId: z.string({ message: "Which review?" }).min(1, "Which review?").max(64) });

export const ReviewIntentSchema = z.object({ intent: z.enum(["review", "flag", "unflag", "delete"], { message: "Unknown action." }).default("review") });
