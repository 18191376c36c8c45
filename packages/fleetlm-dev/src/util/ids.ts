// FleetLM ids are UUIDv7 bytes written as unpadded base64url ("slugs"), always 22 characters.
import { randomBytes } from "node:crypto";

export function newSlug(nowMs: number = Date.now()): string {
  const bytes = randomBytes(16);
  let ts = BigInt(nowMs);
  for (let i = 5; i >= 0; i--) {
    bytes[i] = Number(ts & 0xffn);
    ts >>= 8n;
  }
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return bytes.toString("base64url");
}

/** Byte order of a slug (= creation order for UUIDv7); non-slug ids fall back to their own text. */
export function slugSortKey(id: string): string {
  if (/^[A-Za-z0-9_-]{22}$/.test(id)) return "0" + Buffer.from(id, "base64url").toString("hex");
  return "1" + id;
}
