// The queue work route's own field (ADR 202): which step of working a queue is asked for. A review sent with
// intent=review is then read with the review controls' own ReviewFormSchema (review-forms.ts). Browser-safe.
import { z } from "zod";

export const QueueWorkIntentSchema = z.object({
  intent: z.enum(["next", "review", "release"], { message: "intent must be next, review or release." }),
  /** Skip: the next item after this rank. */
  after: z.string().max(80, "That rank is too long.").optional(),
});
