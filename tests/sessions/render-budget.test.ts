// The markdown budget (app/sessions/render-budget.ts): which texts are formatted, and that the check itself is
// linear — it runs on every render of every message.
import { describe, expect, it } from "vitest";
import { markdownVerdict, RENDER_BUDGET } from "~/sessions/render-budget";

describe("markdownVerdict", () => {
  it("formats an ordinary reply", () => {
    const reply = "Here is **what** I found:\n\n- one [link](https://example.com)\n- `code`\n\n> a quote\n\n1. first\n2. second\n";
    expect(markdownVerdict(reply)).toEqual({ ok: true });
  });
  it("refuses long text", () => {
    expect(markdownVerdict("a".repeat(RENDER_BUDGET.markdownChars + 1))).toMatchObject({ ok: false, reason: expect.stringMatching(/too long/i) });
  });
  it("refuses markup-dense text (the 108 KB freeze, at any length past the budget)", () => {
    expect(markdownVerdict("**bold** ".repeat(1_000))).toMatchObject({ ok: false, reason: expect.stringMatching(/markup/i) });
    expect(markdownVerdict("[".repeat(RENDER_BUDGET.markdownMarks + 1))).toMatchObject({ ok: false });
  });
  it("refuses deep block nesting (which overflows the markdown tree walk)", () => {
    expect(markdownVerdict(">".repeat(50) + " x")).toMatchObject({ ok: false, reason: expect.stringMatching(/nested/i) });
    expect(markdownVerdict("- ".repeat(20) + "x")).toMatchObject({ ok: false, reason: expect.stringMatching(/nested/i) });
    expect(markdownVerdict(Array.from({ length: 30 }, (_, i) => `${"  ".repeat(i)}- x`).join("\n"))).toMatchObject({ ok: false });
  });
  it("decides a megabyte in one pass", () => {
    // Not a timing assertion: the verdict must come back for any size (it stops at the length bound first).
    expect(markdownVerdict("**bold** ".repeat(120_000)).ok).toBe(false);
    expect(markdownVerdict("*".repeat(RENDER_BUDGET.markdownChars)).ok).toBe(false);
  });
});
