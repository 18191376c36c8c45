// Markdown from agents, rendered without raw HTML and with only http(s)/mailto links. Images become
// links: loading a remote image would tell its host who reads the conversation. Only text within the render
// budget is formatted (render-budget.ts): one message must not be able to stall the server or the tab.
import Markdown, { type Components } from "react-markdown";
import { safeHref } from "../format";
import { markdownVerdict, RENDER_BUDGET } from "../render-budget";
import { LongText } from "./long-text";

const components: Components = {
  a: ({ href, children }) => {
    const safe = safeHref(href);
    if (!safe) return <span className="text-slate-500">{children}</span>;
    return (
      <a href={safe} target="_blank" rel="noopener noreferrer nofollow ugc" className="text-blue-700 underline dark:text-blue-400">
        {children}
      </a>
    );
  },
  img: ({ src, alt }) => {
    const safe = safeHref(src);
    const label = `[image${alt ? `: ${alt}` : ""}]`;
    return safe ? (
      <a href={safe} target="_blank" rel="noopener noreferrer nofollow ugc" className="text-blue-700 underline dark:text-blue-400">
        {label}
      </a>
    ) : (
      <span className="text-slate-500">{label}</span>
    );
  },
};

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
  if (!verdict.ok) return <LongText text={text} fullLength={fullLength} loadFull={loadFull} shownChars={RENDER_BUDGET.plainChars} reason={verdict.reason} />;
  return (
    <div className="prose-message space-y-2 break-words [&_code]:rounded [&_code]:bg-slate-100 [&_code]:px-1 dark:[&_code]:bg-slate-800 [&_ol]:list-decimal [&_ol]:pl-5 [&_pre]:overflow-x-auto [&_ul]:list-disc [&_ul]:pl-5">
      <Markdown skipHtml urlTransform={urlTransform} components={components}>
        {text}
      </Markdown>
    </div>
  );
}
