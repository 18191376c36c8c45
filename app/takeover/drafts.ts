// Composer drafts kept in the browser (localStorage), per operator and session, so a reload, a sign-out (or being
// signed out by a deactivation or an expired session) never loses what someone was typing. The client message
// id travels with the draft: a send whose answer was lost before the reload is retried with the same id, so it
// still posts at most once. Bounded: at most MAX_DRAFTS drafts, none older than MAX_AGE_MS.
import { BODY_MAX } from "./schemas";

export const DRAFT_PREFIX = "fleetlm-console:draft:";
export const MAX_DRAFTS = 50;
export const MAX_AGE_MS = 14 * 24 * 60 * 60 * 1000;

export type Draft = { text: string; clientMessageId: string | null; savedAt: number };
type Storage = Pick<globalThis.Storage, "getItem" | "setItem" | "removeItem" | "key" | "length">;

export function draftKey(operatorId: string, sessionId: string) {
  return `${DRAFT_PREFIX}${encodeURIComponent(operatorId)}:${encodeURIComponent(sessionId)}`;
}

function parse(raw: string | null): Draft | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<Draft>;
    if (typeof value.text !== "string" || typeof value.savedAt !== "number") return null;
    const clientMessageId = typeof value.clientMessageId === "string" && /^[A-Za-z0-9_-]{8,100}$/.test(value.clientMessageId) ? value.clientMessageId : null;
    return { text: value.text.slice(0, BODY_MAX), clientMessageId, savedAt: value.savedAt };
  } catch {
    return null;
  }
}

/** The saved draft, or null (none, unreadable, or too old: those are removed). */
export function loadDraft(storage: Storage, key: string, now = Date.now()): Draft | null {
  let raw: string | null;
  try {
    raw = storage.getItem(key);
  } catch {
    return null; // storage disabled (privacy mode): the composer still works, without persistence
  }
  const draft = parse(raw);
  if (raw !== null && (!draft || now - draft.savedAt > MAX_AGE_MS)) {
    safely(() => storage.removeItem(key));
    return null;
  }
  return draft;
}

/** Saves the draft; an empty one is removed. Prunes old drafts so storage stays bounded. */
export function saveDraft(storage: Storage, key: string, draft: { text: string; clientMessageId: string | null }, now = Date.now()) {
  if (draft.text.trim() === "") {
    safely(() => storage.removeItem(key));
    return;
  }
  const value: Draft = { text: draft.text.slice(0, BODY_MAX), clientMessageId: draft.clientMessageId, savedAt: now };
  const stored = safely(() => {
    storage.setItem(key, JSON.stringify(value));
    return true;
  });
  // Full storage: drop the oldest drafts and try once more.
  if (!stored) {
    prune(storage, now, Math.floor(MAX_DRAFTS / 2));
    safely(() => storage.setItem(key, JSON.stringify(value)));
  } else prune(storage, now, MAX_DRAFTS);
}

export function clearDraft(storage: Storage, key: string) {
  safely(() => storage.removeItem(key));
}

/** Keeps at most `keep` drafts, newest first, and none older than MAX_AGE_MS. */
export function prune(storage: Storage, now = Date.now(), keep = MAX_DRAFTS) {
  const drafts: { key: string; savedAt: number }[] = [];
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (!key?.startsWith(DRAFT_PREFIX)) continue;
    const draft = parse(safely(() => storage.getItem(key)) ?? null);
    drafts.push({ key, savedAt: draft && now - draft.savedAt <= MAX_AGE_MS ? draft.savedAt : -1 });
  }
  drafts.sort((a, b) => b.savedAt - a.savedAt);
  drafts.forEach((draft, index) => {
    if (draft.savedAt < 0 || index >= keep) safely(() => storage.removeItem(draft.key));
  });
}

function safely<T>(run: () => T): T | undefined {
  try {
    return run();
  } catch {
    return undefined;
  }
}
