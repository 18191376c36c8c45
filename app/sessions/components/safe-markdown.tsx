// Markdown from agents, rendered without raw HTML and with only http(s)/mailto links. Images become
// links: loading a remote image would tell its host who reads the conversation.
import Markdown, { type Components } from "react-markdown";
import { safeHref } from "../format";

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

export function SafeMarkdown({ text }: { text: string }) {
  return (
    <div className="prose-message space-y-2 break-words [&_code]:rounded [&_code]:bg-slate-100 [&_code]:px-1 dark:[&_code]:bg-slate-800 [&_ol]:list-decimal [&_ol]:pl-5 [&_pre]:overflow-x-auto [&_ul]:list-disc [&_ul]:pl-5">
      <Markdown skipHtml urlTransform={urlTransform} components={components}>
        {text}
      </Markdown>
    </div>
  );
}
