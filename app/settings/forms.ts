// The admin settings page's forms, one schema each, shared by the action and the forms in the browser (ADR 190).
import { z } from "zod";

export const OperatorIdentitySchema = z.enum(["none", "display-name", "full"], { message: "Pick none, display name only, or full" });

export const JOIN_LEAVE_TEXT_MAX = 200;

/** A join or leave message: one line of text, no control characters. */
export const JoinLeaveTemplate = z
  .string({ message: "Write the message" })
  .trim()
  .min(1, "Write the message")
  .max(JOIN_LEAVE_TEXT_MAX, `At most ${JOIN_LEAVE_TEXT_MAX} characters`)
  .refine((text) => !/[\u0000-\u001f\u007f]/.test(text), "No control characters");

// The user's app decides how to show it: an assistant-kind message would read as an AI reply, so not that one.
export const JoinLeaveKind = z
  .string({ message: "Write a kind" })
  .trim()
  .max(40, "At most 40 characters")
  .regex(/^[a-z][a-z0-9_.-]{0,39}$/, "A kind is 1–40 lower-case letters, digits, _ . or -, starting with a letter")
  .refine((kind) => kind !== "assistant", "Not assistant: the user's app would show it as an AI reply");

export const OperatorIdentityFormSchema = z.object({ intent: z.literal("operator-identity"), operatorIdentity: OperatorIdentitySchema });

/** The join/leave form: a checkbox for `enabled` (absent when unchecked), the rest as text. */
export const JoinLeaveFormSchema = z.object({
  intent: z.literal("join-leave"),
  enabled: z
    .union([z.literal("on"), z.literal("")])
    .optional()
    .transform((value) => value === "on"),
  kind: JoinLeaveKind,
  join: JoinLeaveTemplate,
  leave: JoinLeaveTemplate,
});

export const SettingsIntentSchema = z.object({ intent: z.enum(["operator-identity", "join-leave"], { message: "Unknown action." }) });
