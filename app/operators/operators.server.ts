// Operator accounts: creation, role changes, deactivation, password changes. Every change is audited.
import { z } from "zod";
import { audit, type AuditActor } from "~/audit/audit.server";
import { db } from "~/db.server";
import { ROLES } from "~/auth/lucia.server";
import { hashPassword, PASSWORD_MAX, PASSWORD_MIN } from "~/auth/password.server";
import { onSignOut } from "~/auth/sign-out-hooks.server";

export const PasswordSchema = z
  .string()
  .min(PASSWORD_MIN, `At least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `At most ${PASSWORD_MAX} characters`);

export const NewOperatorSchema = z.object({
  email: z.string().trim().toLowerCase().email("Enter a valid e-mail address").max(254),
  name: z.string().trim().min(1, "Enter a name").max(100, "At most 100 characters"),
  role: z.enum(ROLES, { message: "Pick admin, operator or auditor" }),
  password: PasswordSchema,
});
export type NewOperator = z.infer<typeof NewOperatorSchema>;

export class EmailTakenError extends Error {
  constructor(email: string) {
    super(`An operator with the e-mail ${email} already exists.`);
  }
}

export async function createOperator(input: NewOperator, actor: AuditActor, ip?: string) {
  const prisma = await db();
  const passwordHash = await hashPassword(input.password);
  try {
    return await prisma.$transaction(async (tx) => {
      const operator = await tx.operator.create({ data: { email: input.email, name: input.name, role: input.role, passwordHash } });
      await audit({ actor, action: "operator.create", targetType: "operator", targetId: operator.id, details: { email: input.email, role: input.role }, ip }, tx);
      return operator;
    });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") throw new EmailTakenError(input.email);
    throw error;
  }
}

/** Ends every session of the operator and whatever they were holding. */
export async function endOperatorSessions(operatorId: string, reason: "signout" | "deactivated", exceptSessionHash?: string) {
  const prisma = await db();
  await prisma.authSession.deleteMany({ where: { operatorId, ...(exceptSessionHash ? { NOT: { id: exceptSessionHash } } : {}) } });
  if (reason === "deactivated") await onSignOut(operatorId, reason);
}

export async function setPassword(operatorId: string, password: string) {
  const prisma = await db();
  await prisma.operator.update({ where: { id: operatorId }, data: { passwordHash: await hashPassword(password) } });
}
