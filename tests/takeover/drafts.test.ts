// @vitest-environment jsdom
// Draft persistence rules: per operator and session, kept across reloads (a new read of localStorage), removed
// when empty or sent, bounded in number and age, and never a crash when storage is unusable.
import { afterEach, describe, expect, it } from "vitest";
import { DRAFT_PREFIX, MAX_AGE_MS, MAX_DRAFTS, clearDraft, draftKey, loadDraft, prune, saveDraft } from "~/takeover/drafts";
import { BODY_MAX } from "~/takeover/schemas";

afterEach(() => window.localStorage.clear());

const drafts = () => Object.keys(window.localStorage).filter((k) => k.startsWith(DRAFT_PREFIX));

describe("composer drafts", () => {
  it("keeps a draft and its client message id per operator and session", () => {
    const mine = draftKey("op-1", "s-1");
    saveDraft(window.localStorage, mine, { text: "Hello there", clientMessageId: "client-id-123" });
    expect(loadDraft(window.localStorage, mine)).toMatchObject({ text: "Hello there", clientMessageId: "client-id-123" });
    // Another operator in the same browser, or another session, sees nothing of it.
    expect(loadDraft(window.localStorage, draftKey("op-2", "s-1"))).toBeNull();
    expect(loadDraft(window.localStorage, draftKey("op-1", "s-2"))).toBeNull();
  });

  it("keys cannot collide through odd ids", () => {
    expect(draftKey("a:b", "c")).not.toBe(draftKey("a", "b:c"));
  });

  it("an empty or whitespace draft removes the saved one; clearDraft removes it after a send", () => {
    const key = draftKey("op", "s");
    saveDraft(window.localStorage, key, { text: "x", clientMessageId: null });
    saveDraft(window.localStorage, key, { text: "   ", clientMessageId: null });
    expect(window.localStorage.getItem(key)).toBeNull();
    saveDraft(window.localStorage, key, { text: "y", clientMessageId: null });
    clearDraft(window.localStorage, key);
    expect(loadDraft(window.localStorage, key)).toBeNull();
  });

  it("drops drafts older than the limit, and unreadable ones, when read", () => {
    const key = draftKey("op", "old");
    saveDraft(window.localStorage, key, { text: "stale", clientMessageId: null }, 1_000);
    expect(loadDraft(window.localStorage, key, 1_000 + MAX_AGE_MS - 1)?.text).toBe("stale");
    expect(loadDraft(window.localStorage, key, 1_000 + MAX_AGE_MS + 1)).toBeNull();
    expect(window.localStorage.getItem(key)).toBeNull();
    window.localStorage.setItem(draftKey("op", "bad"), "{not json");
    expect(loadDraft(window.localStorage, draftKey("op", "bad"))).toBeNull();
    expect(window.localStorage.getItem(draftKey("op", "bad"))).toBeNull();
  });

  it("refuses a forged client message id and cuts text to the body limit", () => {
    const key = draftKey("op", "s");
    window.localStorage.setItem(key, JSON.stringify({ text: "x".repeat(BODY_MAX + 50), clientMessageId: "bad id with spaces", savedAt: Date.now() }));
    const draft = loadDraft(window.localStorage, key)!;
    expect(draft.clientMessageId).toBeNull();
    expect(draft.text).toHaveLength(BODY_MAX);
  });

  it("keeps at most MAX_DRAFTS, newest first, and leaves other keys alone", () => {
    window.localStorage.setItem("theme", "dark");
    for (let i = 0; i < MAX_DRAFTS + 5; i++)
      saveDraft(window.localStorage, draftKey("op", `s-${i}`), { text: `draft ${i}`, clientMessageId: null }, 10_000 + i);
    expect(drafts()).toHaveLength(MAX_DRAFTS);
    expect(loadDraft(window.localStorage, draftKey("op", "s-0"), 20_000)).toBeNull();
    expect(loadDraft(window.localStorage, draftKey("op", `s-${MAX_DRAFTS + 4}`), 20_000)?.text).toBe(`draft ${MAX_DRAFTS + 4}`);
    prune(window.localStorage, 20_000, 3);
    expect(drafts()).toHaveLength(3);
    expect(window.localStorage.getItem("theme")).toBe("dark");
  });

  it("storage that throws (disabled, full) never breaks the composer", () => {
    const broken = {
      length: 0,
      key: () => null,
      getItem: () => {
        throw new Error("SecurityError");
      },
      setItem: () => {
        throw new Error("QuotaExceededError");
      },
      removeItem: () => {
        throw new Error("SecurityError");
      },
    };
    expect(loadDraft(broken, "k")).toBeNull();
    expect(() => saveDraft(broken, "k", { text: "hi", clientMessageId: null })).not.toThrow();
    expect(() => clearDraft(broken, "k")).not.toThrow();
  });
});
