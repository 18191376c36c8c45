import { createHash } from "node:crypto";

/** Session tokens are stored only as their SHA-256, so a database leak yields no usable cookie. */
export function hashToken(token: string) {
  return createHash("sha256").update(token).digest("hex");
}
