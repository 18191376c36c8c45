// Markdown past the render budget, formatted in a Web Worker after the page is up (format-in-worker.ts) and
// painted a slice of blocks per frame. Until then, and whenever the worker refuses (too long, too deep, too
// slow), the plain fallback stands: the server and the main thread never parse it (ADR 088).
import type { Root, RootContent } from "hast";
import { toJsxRuntime, type Components } from "hast-util-to-jsx-runtime";
import { useEffect, useState, type ReactNode } from "react";
import { Fragment, jsx, jsxs } from "react/jsx-runtime";
import { formatInWorker } from "../markdown/format-in-worker";
import { markdownComponents, MARKDOWN_CLASS } from "./safe-markdown-components";

/** Top-level blocks painted per frame. */
export const BLOCKS_PER_FRAME = 150;

type Props = { text: string; fallback: ReactNode };

export function WorkerMarkdown({ text, fallback }: Props) {
  const [tree, setTree] = useState<Root | null>(null);
  useEffect(() => {
    let live = true;
    setTree(null);
    void formatInWorker(text).then((verdict) => {
      if (live && verdict.ok) setTree(verdict.tree);
    });
    return () => {
      live = false;
    };
  }, [text]);
  return tree ? <SlicedTree tree={tree} /> : <>{fallback}</>;
}

function SlicedTree({ tree }: { tree: Root }) {
  const slices = Math.max(1, Math.ceil(tree.children.length / BLOCKS_PER_FRAME));
  const [painted, setPainted] = useState(1);
  useEffect(() => {
    if (painted >= slices) return;
    const handle = requestAnimationFrame(() => setPainted((n) => n + 1));
    return () => cancelAnimationFrame(handle);
  }, [painted, slices]);
  return (
    <div className={MARKDOWN_CLASS} data-testid="worker-markdown" data-complete={painted >= slices ? "true" : "false"}>
      {Array.from({ length: Math.min(painted, slices) }, (_, i) => (
        <Fragment key={i}>{render(tree.children.slice(i * BLOCKS_PER_FRAME, (i + 1) * BLOCKS_PER_FRAME))}</Fragment>
      ))}
    </div>
  );
}

function render(children: RootContent[]): ReactNode {
  return toJsxRuntime({ type: "root", children }, { Fragment, jsx, jsxs, components: markdownComponents as Partial<Components> });
}
