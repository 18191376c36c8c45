// What the markdown worker formats (ADR 088): text past the render budget, up to WORKER_MARKDOWN's bounds on
// length, depth and size, never raw HTML; what it refuses stays plain text.
import { describe, expect, it } from "vitest";
import { markdownToHast, treeSize, WORKER_MARKDOWN } from "~/sessions/markdown/to-hast";
import { markdownVerdict } from "~/sessions/render-budget";

type El = { type: string; tagName?: string; children?: El[] };
const count = (node: El, tag: string): number => (node.tagName === tag ? 1 : 0) + (node.children ?? []).reduce((n, c) => n + count(c, tag), 0);

describe("formatting in the worker", () => {
  it("formats markup-dense text the page's render budget refuses", () => {
    const text = "**bold** ".repeat(2_000);
    expect(markdownVerdict(text).ok).toBe(false);
    const verdict = markdownToHast(text);
    expect(verdict.ok).toBe(true);
    if (verdict.ok) expect(count(verdict.tree as El, "strong")).toBe(2_000);
  });

  it("drops raw HTML: a script tag is neither an element nor text to run", () => {
    const verdict = markdownToHast(`<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n${"*x* ".repeat(900)}`);
    expect(verdict.ok).toBe(true);
    if (verdict.ok) {
      expect(count(verdict.tree as El, "script")).toBe(0);
      expect(count(verdict.tree as El, "img")).toBe(0);
    }
  });

  it("refuses text past its length bound, and trees too deep or too big to paint", () => {
    expect(markdownToHast("a".repeat(WORKER_MARKDOWN.maxChars + 1))).toMatchObject({ ok: false, reason: expect.stringMatching(/Too long/) });
    expect(markdownToHast(`${"> ".repeat(200)}deep`)).toMatchObject({ ok: false, reason: expect.stringMatching(/Nested too deeply/) });
    expect(markdownToHast("*a* ".repeat(5_000), { ...WORKER_MARKDOWN, maxNodes: 1_000 })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/Too much markup/),
    });
  });

  it("measures a tree of any depth without recursion", () => {
    let node: El = { type: "text" };
    for (let i = 0; i < 100_000; i++) node = { type: "element", children: [node] };
    expect(treeSize(node)).toEqual({ depth: 100_001, nodes: 100_001 });
  });
});
