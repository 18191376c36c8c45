// Password sign-in: one generic error, constant-ish timing, throttled per IP and per account, and a fresh
// session every time (a token presented before sign-in is ended, so it can never be fixed by an attacker).
import { audit } from "~/audit/audit.server";
import { db } from "~/db.server";
import { lucia, sessionCookie } from "./lucia.server";
import { burnVerifyTime, verifyPassword } from "./password.server";
import { beginPasswordGuess, passwordGuessSucceeded } from "./throttle.server";

export const GENERIC_LOGIN_ERROR = "E-mail or password is wrong, or the account is deactivated.";

export type SignInResult = { ok: true; cookie: string; operatorId: string } | { ok: false; error: string } | { ok: false; retryAfterMs: number };

export async function signIn(input: {
  email: string;
  password: string;
  ip: string;
  userAgent: string | null;
  previousToken?: string | null;
}): Promise<SignInResult> {
  const accountKey = input.email.toLowerCase();
  const wait = beginPasswordGuess({ account: accountKey, ip: input.ip });
  if (wait > 0) return { ok: false, retryAfterMs: wait };

  const prisma = await db();
  const operator = await prisma.operator.findUnique({ where: { email: accountKey } });
  const valid = operator ? await verifyPassword(operator.passwordHash, input.password) : (await burnVerifyTime(input.password), false);
  if (!operator || !valid || !operator.active) {
    await audit({ actor: null, action: "auth.login_failed", targetType: "operator", targetId: operator?.id, details: { email: accountKey }, ip: input.ip });
    return { ok: false, error: GENERIC_LOGIN_ERROR };
  }

  passwordGuessSucceeded({ account: accountKey, ip: input.ip });
  if (input.previousToken) await lucia().invalidateSession(input.previousToken);
  const session = await lucia().createSession(operator.id, { createdAt: new Date(), ip: input.ip, userAgent: input.userAgent?.slice(0, 300) ?? null });
  await audit({ actor: { id: operator.id, email: operator.email }, action: "auth.login", targetType: "operator", targetId: operator.id, ip: input.ip });
  return { ok: true, cookie: sessionCookie(session.id), operatorId: operator.id };
}
