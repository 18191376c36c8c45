// Markdown → a hast tree (no raw HTML), for text past the render budget: run in a Web Worker
// (markdown.worker.ts) so its cost never lands on the page's main thread, then painted in slices
// (worker-markdown.tsx). The tree is checked before it leaves the worker: React renders it recursively, so
// its depth and size are bounded here (ADR 085, ADR 088).
import type { Root } from "hast";
import remarkParse from "remark-parse";
import remarkRehype from "remark-rehype";
import { unified } from "unified";

export const WORKER_MARKDOWN = {
  /** Longest text the worker formats; longer stays plain (with "Show all"). */
  maxChars: 300_000,
  /** A text the server cut (MESSAGE_BOUNDS) is fetched whole and formatted unasked up to this length. */
  autoChars: 100_000,
  /** Deepest element nesting painted. */
  maxDepth: 48,
  /** Most nodes painted. */
  maxNodes: 120_000,
  /** A parse that takes longer is abandoned (the worker is ended) and the text stays plain. */
  timeoutMs: 8_000,
} as const;

export type WorkerLimits = Record<keyof typeof WORKER_MARKDOWN, number>;

export type HastVerdict = { ok: true; tree: Root } | { ok: false; reason: string };

type Node = { children?: readonly Node[] };

/** Depth and node count of a tree, walked iteratively (no depth can overflow the stack). */
export function treeSize(root: object): { depth: number; nodes: number } {
  let depth = 0;
  let nodes = 0;
  const stack: [Node, number][] = [[root as Node, 1]];
  while (stack.length > 0) {
    const [node, level] = stack.pop()!;
    nodes++;
    if (level > depth) depth = level;
    for (const child of node.children ?? []) stack.push([child, level + 1]);
  }
  return { depth, nodes };
}

export function markdownToHast(text: string, limits: WorkerLimits = WORKER_MARKDOWN): HastVerdict {
  if (text.length > limits.maxChars) return { ok: false, reason: "Too long to format, shown as plain text" };
  let tree: Root;
  try {
    const processor = unified().use(remarkParse).use(remarkRehype);
    tree = processor.runSync(processor.parse(text)) as Root;
  } catch {
    // micromark's and mdast's tree walks are recursive: deep block nesting overflows them.
    return { ok: false, reason: "Nested too deeply to format, shown as plain text" };
  }
  const size = treeSize(tree);
  if (size.depth > limits.maxDepth) return { ok: false, reason: "Nested too deeply to format, shown as plain text" };
  if (size.nodes > limits.maxNodes) return { ok: false, reason: "Too much markup to format, shown as plain text" };
  return { ok: true, tree };
}
