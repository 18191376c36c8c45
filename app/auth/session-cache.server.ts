// Validated sign-in sessions, remembered for one second so a burst of requests from the same tab (a page, its
// data reloads, history pages) looks the session up once. Every write to Operator or AuthSession through this
// process's Prisma client forgets them all (db.server.ts calls forgetSessions), so sign-out, deactivation, a role
// change or a password reset here take effect at once; a change made by another process (a second Console, the
// CLI) takes effect within CACHE_MS. docs/decisions/035-one-second-session-cache.md.
import type { DatabaseSession, DatabaseUser } from "lucia";

export const CACHE_MS = 1_000;
const MAX_ENTRIES = 10_000;

type Entry = { value: [DatabaseSession, DatabaseUser]; until: number };
const entries = new Map<string, Entry>();
// A lookup that started before a write must not store what it read: the write may have changed it.
let generation = 0;

export function cachedSession(tokenHash: string): [DatabaseSession, DatabaseUser] | null {
  const entry = entries.get(tokenHash);
  if (!entry) return null;
  if (entry.until > Date.now()) return entry.value;
  entries.delete(tokenHash);
  return null;
}

/** The generation to pass to rememberSession: read it before the database lookup. */
export function sessionGeneration(): number {
  return generation;
}

export function rememberSession(tokenHash: string, value: [DatabaseSession, DatabaseUser], readAt: number) {
  if (readAt !== generation) return;
  if (entries.size >= MAX_ENTRIES) entries.clear();
  entries.set(tokenHash, { value, until: Date.now() + CACHE_MS });
}

export function forgetSessions() {
  generation++;
  entries.clear();
}
