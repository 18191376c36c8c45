// The admin review-queues page's forms, shared by the action and the page (ADR 190): build a queue, top one up.
import { z } from "zod";

export const toList = (value: unknown) => (value === undefined || value === "" ? [] : Array.isArray(value) ? value : [value]);

export const QUEUE_NAME_MAX = 80;
export const QUEUE_DESCRIPTION_MAX = 500;

export const QueueFormSchema = z.object({
  name: z.string({ message: "Name the queue." }).trim().min(1, "Name the queue.").max(QUEUE_NAME_MAX, `At most ${QUEUE_NAME_MAX} characters.`),
  description: z.string().trim().max(QUEUE_DESCRIPTION_MAX, `At most ${QUEUE_DESCRIPTION_MAX} characters.`).default(""),
  scoreKeys: z.preprocess(toList, z.array(z.string().trim().min(1).max(40)).max(10, "At most 10 scores.")),
  reviewerIds: z.preprocess(toList, z.array(z.string().trim().min(1).max(64)).max(50, "At most 50 reviewers.")),
  reviewsNeeded: z.coerce.number({ message: "1, 2 or 3." }).int("1, 2 or 3.").min(1, "At least 1.").max(3, "At most 3."),
  reserveMinutes: z.coerce.number().int().min(1, "At least a minute.").max(240, "At most 4 hours.").default(15),
});

/** The build form: the queue itself (the reply filters beside it are read by QueueBuildFiltersSchema). */
export const CreateQueueFormSchema = QueueFormSchema.extend({ intent: z.literal("create") });
export const FillQueueFormSchema = z.object({ intent: z.literal("fill"), queueId: z.string({ message: "Which queue?" }).min(1, "Which queue?").max(64) });
export const QueueIntentSchema = z.object({ intent: z.enum(["create", "fill"], { message: "Unknown action." }) });
