// How markdown elements are painted, for both renderers (react-markdown in safe-markdown.tsx, the worker's
// tree in worker-markdown.tsx): links only to http(s)/mailto, and images as links, never loaded (loading a
// remote image would tell its host who reads the conversation).
import type { Components } from "react-markdown";
import { safeHref } from "../format";

export const MARKDOWN_CLASS =
  "prose-message space-y-2 break-words [&_code]:rounded [&_code]:bg-slate-100 [&_code]:px-1 dark:[&_code]:bg-slate-800 [&_ol]:list-decimal [&_ol]:pl-5 [&_pre]:overflow-x-auto [&_ul]:list-disc [&_ul]:pl-5";

export const markdownComponents: Components = {
  a: ({ href, children }) => {
    const safe = safeHref(href);
    if (!safe) return <span className="text-slate-600 dark:text-slate-400">{children}</span>;
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
      <span className="text-slate-600 dark:text-slate-400">{label}</span>
    );
  },
};
