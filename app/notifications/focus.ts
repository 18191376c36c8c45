// Which session, if any, one of my tabs is focused on: a tab focused on a session raises nothing for it, and
// neither do my other tabs. Kept in localStorage (shared by the tabs of one browser profile, read synchronously).
const KEY = "fleetlm-console.focused-session";
/** A focused tab renews its record this often; one not renewed (a crashed tab) stops counting after STALE_MS. */
export const RENEW_MS = 30_000;
const STALE_MS = 3 * RENEW_MS;

/** The session of a path like /sessions/abc (null elsewhere). */
export function sessionOfPath(pathname: string): string | null {
  const match = /^\/sessions\/([^/]+)$/.exec(pathname);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
}

/** Whether this tab is in front and has the keyboard. */
export function tabFocused(): boolean {
  return document.visibilityState === "visible" && document.hasFocus();
}

export function announceFocus(sessionId: string | null) {
  try {
    if (sessionId) localStorage.setItem(KEY, JSON.stringify({ sessionId, at: Date.now() }));
    else localStorage.removeItem(KEY);
  } catch {
    // storage disabled: each tab only knows about itself
  }
}

export function focusedSession(): string | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const value = JSON.parse(raw) as { sessionId?: unknown; at?: unknown };
    if (typeof value.sessionId !== "string" || typeof value.at !== "number" || Date.now() - value.at > STALE_MS) return null;
    return value.sessionId;
  } catch {
    return null;
  }
}

const CLAIM_KEY = "fleetlm-console.notified";

/** The first of my tabs to hear an event claims it; the others stay quiet (no second sound). */
export function claimNotification(tag: string): boolean {
  try {
    if (localStorage.getItem(CLAIM_KEY) === tag) return false;
    localStorage.setItem(CLAIM_KEY, tag);
  } catch {
    // no storage: this tab shows it
  }
  return true;
}
