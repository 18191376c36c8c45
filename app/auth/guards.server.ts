// Guards called on the first line of every loader and action. Each one authenticates, checks the role,
// and (for state-changing methods) enforces same-origin. A parent route's guard never covers a child.
import { redirect } from "@remix-run/node";
import type { Session, User } from "lucia";
import { assertSameOrigin } from "~/security/origin.server";
import { ABSOLUTE_SESSION_MS, lucia, readSessionToken, SESSION_COOKIE } from "./lucia.server";
import { can, rolesWith, type Permission } from "./permissions";
import type { Actor } from "./actor";

export type CurrentOperator = Actor;
export type Auth = { operator: CurrentOperator; session: Session };

function readToken(request: Request): string | null {
  return readSessionToken(request.headers.get("cookie"));
}

function toOperator(user: User): CurrentOperator {
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

/** The signed-in operator, or null. Ends sessions past the absolute cap or of deactivated operators. */
export async function getAuth(request: Request): Promise<Auth | null> {
  const token = readToken(request);
  if (!token) return null;
  const { session, user } = await lucia().validateSession(token);
  if (!session || !user) return null;
  const tooOld = Date.now() - new Date(session.createdAt).getTime() > ABSOLUTE_SESSION_MS;
  if (tooOld || !user.active) {
    await lucia().invalidateSession(session.id);
    return null;
  }
  return { operator: toOperator(user), session };
}

function isDataRequest(request: Request) {
  const url = new URL(request.url);
  return url.pathname.endsWith(".data") || request.headers.get("accept")?.includes("text/event-stream");
}

/** A NUL character anywhere in the URL (path params, query) is bad input, refused before any work starts. */
function assertNoNul(request: Request) {
  const url = request.url;
  // Only "%00" decodes to NUL (decodeURIComponent refuses overlong forms), so a URL without it needs no decoding.
  if (!url.includes("%00") && !url.includes("\u0000")) return;
  let decoded: string;
  try {
    decoded = decodeURIComponent(url);
  } catch {
    return; // malformed percent-encoding: each route's own parsing answers it
  }
  if (decoded.includes("\u0000")) throw new Response("The address must not contain NUL (\\0) characters.", { status: 400 });
}

export async function requireAuth(request: Request): Promise<Auth> {
  assertSameOrigin(request);
  assertNoNul(request);
  const auth = await getAuth(request);
  if (auth) return auth;
  if (isDataRequest(request) && request.method === "GET" && new URL(request.url).pathname.startsWith("/live")) {
    throw new Response("Sign in first.", { status: 401 });
  }
  const url = new URL(request.url);
  const back = url.pathname + url.search;
  throw redirect(`/login?redirectTo=${encodeURIComponent(back)}`, { headers: { "Set-Cookie": clearCookie() } });
}

export async function requireOperator(request: Request): Promise<CurrentOperator> {
  return (await requireAuth(request)).operator;
}

/** 403 unless the operator's role holds the permission (app/auth/permissions.ts). */
export async function requirePermission(request: Request, permission: Permission): Promise<CurrentOperator> {
  const operator = await requireOperator(request);
  if (!can(operator, permission)) {
    throw new Response(`Forbidden: this needs the ${rolesWith(permission).join(" or ")} role.`, { status: 403 });
  }
  return operator;
}

export function clearCookie() {
  return lucia().createBlankSessionCookie().serialize();
}

export { SESSION_COOKIE };
