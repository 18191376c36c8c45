// How much formatting one message may cost. Markdown parsing (react-markdown/micromark) costs about 0.2 µs a
// character for prose but ~40 µs a character for markup-dense text ("**bold** " repeated: 108 KB took 4.3 s),
// and deep block nesting (">>>>…", indented lists) overflows its recursive tree walks. So text is formatted
// only within a budget counted in one cheap pass; past it, it is shown plain (ADR 085). Shared by SSR and the browser.

export const RENDER_BUDGET = {
  /** Longest text formatted as markdown. */
  markdownChars: 16_000,
  /** Most markup characters (* _ ` [ ] ( ) < > ~ # | \ !) in formatted text: the cost driver. */
  markdownMarks: 800,
  /** Deepest block nesting (quote markers and list indentation at a line start). */
  markdownNesting: 8,
  /** Characters of plain text shown before "Show all". */
  plainChars: 20_000,
} as const;

const MARKS = new Set([..."*_`[]()<>~#|\\!"]);

export type MarkdownVerdict = { ok: true } | { ok: false; reason: string };

/** Whether `text` may be formatted as markdown; one linear pass, no allocation beyond a counter. */
export function markdownVerdict(text: string, budget = RENDER_BUDGET): MarkdownVerdict {
  if (text.length > budget.markdownChars) return { ok: false, reason: "Too long to format, shown as plain text" };
  let marks = 0;
  let lineStart = true;
  let nesting = 0;
  let indent = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\n") {
      lineStart = true;
      nesting = 0;
      indent = 0;
      continue;
    }
    if (MARKS.has(c)) marks++;
    if (lineStart) {
      // "> > >" and "- - -" open one block inside another per marker.
      if (c === ">" || ((c === "-" || c === "*" || c === "+") && (text[i + 1] === " " || text[i + 1] === "\t"))) nesting++;
      else if (c === " " || c === "\t") {
        indent += c === "\t" ? 4 : 1;
        nesting = Math.max(nesting, Math.floor(indent / 2));
      } else lineStart = false;
      if (nesting > budget.markdownNesting) return { ok: false, reason: "Nested too deeply to format, shown as plain text" };
    }
  }
  if (marks > budget.markdownMarks) return { ok: false, reason: "Too much markup to format, shown as plain text" };
  return { ok: true };
}

export const formatChars = (n: number) =>
  n >= 1_000_000 ? `${(n / 1_000_000).toFixed(1)} MB` : n >= 10_000 ? `${Math.round(n / 1_000)} KB` : `${n.toLocaleString("en")} characters`;
