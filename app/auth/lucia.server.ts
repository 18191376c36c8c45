// Lucia 3 (pinned; see docs/decisions/003-lucia-3-hashed-tokens.md) with sliding 12-hour sessions capped at 7 days.
import { Cookie, Lucia, TimeSpan } from "lucia";
import { env } from "~/env.server";
import { HashedTokenAdapter } from "./lucia-adapter.server";

export const SESSION_COOKIE = "console_session";
export const ABSOLUTE_SESSION_MS = 7 * 24 * 60 * 60 * 1000;
export const SESSION_IDLE = new TimeSpan(12, "h");

// The roles are one of the stored vocabularies (lib/vocabulary.ts); re-exported for the server modules.
export { ROLES, type Role } from "~/lib/vocabulary";
import { RoleSchema } from "~/lib/vocabulary";

function createLucia() {
  return new Lucia(new HashedTokenAdapter(), {
    sessionExpiresIn: SESSION_IDLE,
    sessionCookie: {
      name: SESSION_COOKIE,
      // Lucia's `expires: false` means a 400-day cookie; sessionCookie() below sets the real lifetime.
      expires: false,
      attributes: { secure: env().NODE_ENV === "production", sameSite: "lax" },
    },
    getUserAttributes: (attributes) => ({
      email: attributes.email,
      name: attributes.name,
      // The database boundary: a role outside the vocabulary fails here, not in a permission check later.
      role: RoleSchema.parse(attributes.role),
      active: attributes.active,
    }),
    getSessionAttributes: (attributes) => ({ createdAt: attributes.createdAt }),
  });
}

/**
 * The Set-Cookie for a session created now: the cookie lives exactly as long as the session may (the absolute
 * cap), so a browser never keeps a cookie the server would refuse. Idle expiry (12 h, sliding) is the server's.
 */
export function sessionCookie(token: string): string {
  const cookie = lucia().createSessionCookie(token);
  return new Cookie(cookie.name, cookie.value, { ...cookie.attributes, maxAge: Math.floor(ABSOLUTE_SESSION_MS / 1000) }).serialize();
}

/**
 * The session token from a Cookie header, or null. Not Lucia's readSessionCookie: its parser decodes every cookie
 * in the header and throws URIError on one with malformed percent-encoding — set by any other app on this host —
 * which made every page a 500. Our tokens are plain URL-safe text, so nothing needs decoding.
 */
export function readSessionToken(header: string | null | undefined): string | null {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    return /^[A-Za-z0-9_-]{1,256}$/.test(value) ? value : null;
  }
  return null;
}

let instance: ReturnType<typeof createLucia> | undefined;
export function lucia() {
  instance ??= createLucia();
  return instance;
}

declare module "lucia" {
  interface Register {
    Lucia: ReturnType<typeof createLucia>;
    DatabaseUserAttributes: { email: string; name: string; role: string; active: boolean };
    DatabaseSessionAttributes: { createdAt: Date; ip?: string | null; userAgent?: string | null };
  }
}
