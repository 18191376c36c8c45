// Lucia 3 (pinned; see docs/decisions/003-lucia-3.md) with sliding 12-hour sessions capped at 7 days.
import { Lucia, TimeSpan } from "lucia";
import { env } from "~/env.server";
import { HashedTokenAdapter } from "./lucia-adapter.server";

export const SESSION_COOKIE = "console_session";
export const ABSOLUTE_SESSION_MS = 7 * 24 * 60 * 60 * 1000;
export const SESSION_IDLE = new TimeSpan(12, "h");

export type Role = "admin" | "operator" | "auditor";
export const ROLES = ["admin", "operator", "auditor"] as const;

function createLucia() {
  return new Lucia(new HashedTokenAdapter(), {
    sessionExpiresIn: SESSION_IDLE,
    sessionCookie: {
      name: SESSION_COOKIE,
      expires: false, // a browser-session cookie; the server decides expiry
      attributes: { secure: env().NODE_ENV === "production", sameSite: "lax" },
    },
    getUserAttributes: (attributes) => ({
      email: attributes.email,
      name: attributes.name,
      role: attributes.role as Role,
      active: attributes.active,
    }),
    getSessionAttributes: (attributes) => ({ createdAt: attributes.createdAt }),
  });
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
