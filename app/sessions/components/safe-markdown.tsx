// Markdown from agents, rendered without raw HTML and with only http(s)/mailto links. Images become
// links: loading a remote image would tell its host who reads the conversation. Only text within the render
// budget is formatted during the render (render-budget.ts): one message must not be able to stall the server or
// the tab. Past it, the text is plain at first and formatted in a Web Worker once the page is up (ADR 088).
import { useEffect, useState } from "react";
import Markdown from "react-markdown";
import { safeHref } from "../format";
import { WORKER_MARKDOWN } from "../markdown/to-hast";
import { markdownVerdict, RENDER_BUDGET } from "../render-budget";
import { LongText, SlicedText } from "./long-text";
import { markdownComponents as components, MARKDOWN_CLASS } from "./safe-markdown-components";
import { WorkerMarkdown } from "./worker-markdown";

function urlTransform(url: string): string {
  return safeHref(url) ?? "";
}

type Props = {
  text: string;
  /** Set when the server cut this text (ADR 085): its whole length, fetched on demand by "Show all". */
  fullLength?: number;
  loadFull?: () => Promise<string>;
};

/** Markdown within the render budget; anything past it (or cut by the server) as plain text with "Show all". */
export function SafeMarkdown({ text, fullLength, loadFull }: Props) {
  const verdict = fullLength !== undefined ? ({ ok: false, reason: "Too long to format, shown as plain text" } as const) : markdownVerdict(text);
  if (!verdict.ok) {
    // The whole text, once here (now, or after "Show all"), is formatted off the main thread when it is short enough.
    const formatted = (whole: string, plain: React.ReactNode) =>
      whole.length <= WORKER_MARKDOWN.maxChars ? <WorkerMarkdown text={whole} fallback={plain} /> : plain;
    const plain = (
      <LongText
        text={text}
        fullLength={fullLength}
        loadFull={loadFull}
        shownChars={RENDER_BUDGET.plainChars}
        reason={verdict.reason}
        renderFull={(whole) => formatted(whole, <SlicedText text={whole} />)}
      />
    );
    if (fullLength === undefined) return formatted(text, plain);
    if (loadFull && fullLength <= WORKER_MARKDOWN.autoChars) return <WholeThenFormatted loadFull={loadFull} fallback={plain} />;
    return plain;
  }
  return (
    <div className={MARKDOWN_CLASS}>
      <Markdown skipHtml urlTransform={urlTransform} components={components}>
        {text}
      </Markdown>
    </div>
  );
}

/** A text the server cut, fetched whole once the page is up and formatted in the worker; plain until then. */
function WholeThenFormatted({ loadFull, fallback }: { loadFull: () => Promise<string>; fallback: React.ReactNode }) {
  const [whole, setWhole] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    loadFull().then(
      (text) => live && setWhole(text),
      () => {}, // the plain text and its "Show all" stay; that button says when a fetch fails
    );
    return () => {
      live = false;
    };
  }, [loadFull]);
  return whole === null ? <>{fallback}</> : <WorkerMarkdown text={whole} fallback={fallback} />;
}
