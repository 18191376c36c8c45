// The schemas of the operator forms (admin operators page, the account page), one per form, shared by the
// actions and the forms in the browser (ADR 190). `intent` says which form was sent.
import { z } from "zod";
import { PASSWORD_MAX, PASSWORD_MIN } from "~/auth/password-rules";
import { RoleSchema } from "~/lib/vocabulary";

export const PasswordSchema = z
  .string({ message: "Enter a password" })
  .min(PASSWORD_MIN, `At least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `At most ${PASSWORD_MAX} characters`);

export const NAME_MAX = 100;
export const EMAIL_MAX = 254;

export const NewOperatorSchema = z.object({
  email: z
    .string({ message: "Enter an e-mail address" })
    .trim()
    .toLowerCase()
    .email("Enter a valid e-mail address")
    .max(EMAIL_MAX, `At most ${EMAIL_MAX} characters`),
  name: z.string({ message: "Enter a name" }).trim().min(1, "Enter a name").max(NAME_MAX, `At most ${NAME_MAX} characters`),
  role: RoleSchema,
  password: PasswordSchema,
});

const OperatorId = z.string({ message: "Which operator?" }).trim().min(1, "Which operator?").max(100);

export const OperatorForms = {
  create: NewOperatorSchema.extend({ intent: z.literal("create") }),
  "change-role": z.object({ intent: z.literal("change-role"), id: OperatorId, role: RoleSchema }),
  deactivate: z.object({ intent: z.literal("deactivate"), id: OperatorId }),
  reactivate: z.object({ intent: z.literal("reactivate"), id: OperatorId }),
  "reset-password": z.object({ intent: z.literal("reset-password"), id: OperatorId, newPassword: PasswordSchema }),
  "end-sessions": z.object({ intent: z.literal("end-sessions"), id: OperatorId }),
};

export type OperatorIntent = keyof typeof OperatorForms;

/** What an unknown intent is told. */
export const OperatorIntentSchema = z.object({
  intent: z.enum(Object.keys(OperatorForms) as [OperatorIntent, ...OperatorIntent[]], { message: "Unknown action." }),
});

export function isOperatorIntent(value: unknown): value is OperatorIntent {
  return typeof value === "string" && Object.hasOwn(OperatorForms, value);
}

/** The account page: change my password (the current one first), or end one of my sessions. */
export const ChangePasswordSchema = z
  .object({
    intent: z.literal("change-password"),
    current: z.string({ message: "Enter your current password" }).min(1, "Enter your current password").max(PASSWORD_MAX, `At most ${PASSWORD_MAX} characters`),
    newPassword: PasswordSchema,
    newConfirm: z.string({ message: "Repeat the new password" }),
  })
  .refine((form) => form.newPassword === form.newConfirm, { path: ["newConfirm"], message: "The two new passwords differ" });

export const RevokeSessionSchema = z.object({
  intent: z.literal("revoke-session"),
  id: z.string({ message: "Which session?" }).regex(/^[0-9a-f]{64}$/, "Not a session id"),
});

export const AccountIntentSchema = z.object({
  intent: z.enum(["change-password", "notifications", "revoke-session"], { message: "Unknown action." }),
});
