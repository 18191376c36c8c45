// The admin canned-replies page's forms (ADR 190), shared by the action and the page.
import { z } from "zod";
import { BODY_MAX } from "./schemas";

export const CANNED_TITLE_MAX = 80;

export const CannedReplySchema = z.object({
  title: z.string({ message: "Give it a title" }).trim().min(1, "Give it a title").max(CANNED_TITLE_MAX, `At most ${CANNED_TITLE_MAX} characters`),
  body: z.string({ message: "Write the reply" }).trim().min(1, "Write the reply").max(BODY_MAX, `At most ${BODY_MAX} characters`),
});

const CannedId = z.string({ message: "Which canned reply?" }).min(1, "Which canned reply?").max(100);

export const CreateCannedFormSchema = CannedReplySchema.extend({ intent: z.literal("create") });
export const UpdateCannedFormSchema = CannedReplySchema.extend({ intent: z.literal("update"), id: CannedId });
export const DeleteCannedFormSchema = z.object({ intent: z.literal("delete"), id: CannedId });
export const CannedIntentSchema = z.object({ intent: z.enum(["create", "update", "delete"], { message: "Unknown action." }) });
