// One zod schema per form on the admin operators page; `intent` says which form was sent.
import { z } from "zod";
import { RoleSchema } from "~/lib/vocabulary";
import { NewOperatorSchema, PasswordSchema } from "./operators.server";

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

export function isOperatorIntent(value: unknown): value is OperatorIntent {
  return typeof value === "string" && Object.hasOwn(OperatorForms, value);
}
