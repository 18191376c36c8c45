// The signed-in operator's own account: change password (asks the current one, ends the other sessions) and
// list/revoke their own sessions. Session ids shown to the owner are the stored SHA-256, never a token.
import { audit } from "~/audit/audit.server";
import type { Auth } from "~/auth/guards.server";
import { ABSOLUTE_SESSION_MS } from "~/auth/lucia.server";
import { verifyPassword } from "~/auth/password.server";
import { beginPasswordGuess, passwordGuessSucceeded } from "~/auth/throttle.server";
import { onSignOut } from "./sign-out.server";
import { hashToken } from "~/auth/token-hash.server";
import { db } from "~/db.server";
import { endOperatorSessions, setPassword } from "./operators.server";

export function currentSessionId(auth: Auth) {
  return hashToken(auth.session.id);
}

export type PasswordChange = { ok: true } | { ok: false; wrong: true } | { ok: false; retryAfterMs: number };

/**
 * Changes the password when the current one is right. Guesses of the current one are throttled with sign-in's
 * counters (a stolen session cookie must not become a password-guessing oracle). The session making the
 * change survives.
 */
export async function changeOwnPassword(auth: Auth, current: string, next: string, ip?: string): Promise<PasswordChange> {
  const wait = beginPasswordGuess({ account: auth.operator.email });
  if (wait > 0) return { ok: false, retryAfterMs: wait }; // not audited, like a throttled sign-in: a flood must not fill the log
  const prisma = await db();
  const me = await prisma.operator.findUnique({ where: { id: auth.operator.id } });
  if (!me || !(await verifyPassword(me.passwordHash, current))) {
    await audit({ actor: auth.operator, action: "account.password_change_failed", targetType: "operator", targetId: auth.operator.id, ip });
    return { ok: false, wrong: true };
  }
  passwordGuessSucceeded({ account: me.email });
  await setPassword(me.id, next);
  const ended = await endOperatorSessions(me.id, "signout", currentSessionId(auth));
  await audit({ actor: auth.operator, action: "account.password_change", targetType: "operator", targetId: me.id, details: { otherSessionsEnded: ended }, ip });
  return { ok: true };
}

export async function listOwnSessions(auth: Auth) {
  const prisma = await db();
  const now = Date.now();
  const rows = await prisma.authSession.findMany({
    where: { operatorId: auth.operator.id, expiresAt: { gt: new Date(now) }, createdAt: { gt: new Date(now - ABSOLUTE_SESSION_MS) } },
    orderBy: { createdAt: "desc" },
    select: { id: true, createdAt: true, expiresAt: true, ip: true, userAgent: true },
  });
  const current = currentSessionId(auth);
  return rows.map((row) => ({ ...row, current: row.id === current }));
}

/** Ends one of the operator's own sessions. Someone else's session id is answered like a missing one (null). */
export async function revokeOwnSession(auth: Auth, sessionId: string, ip?: string): Promise<{ current: boolean } | null> {
  const prisma = await db();
  const { count } = await prisma.authSession.deleteMany({ where: { id: sessionId, operatorId: auth.operator.id } });
  if (count === 0) return null;
  const current = sessionId === currentSessionId(auth);
  if (current) await onSignOut(auth.operator.id, "signout"); // same as signing out from this browser
  await audit({
    actor: auth.operator,
    action: "account.session_revoke",
    targetType: "auth_session",
    targetId: sessionId.slice(0, 12),
    details: { current },
    ip,
  });
  return { current };
}
