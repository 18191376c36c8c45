// The parts of an assistant message (FleetLM stores AI SDK UI-message parts, protocol §8.5).
import { safeHref } from "../format";
import { RENDER_BUDGET } from "../render-budget";
import { JsonBlock } from "./json-block";
import { LongText } from "./long-text";
import { useCutText } from "./message-body-context";
import { SafeMarkdown } from "./safe-markdown";

export type Part = { type: string; [key: string]: unknown };

const text = (value: unknown) => (typeof value === "string" ? value : "");

/** Plain text from a message: whole when short, else cut with "Show all" (the server may have cut it already). */
export function PlainText({ value, path, className = "whitespace-pre-wrap break-words" }: { value: string; path: (string | number)[]; className?: string }) {
  const cut = useCutText(path);
  if (cut.fullLength === undefined && value.length <= RENDER_BUDGET.plainChars) return <p className={className}>{value}</p>;
  return <LongText text={value} {...cut} shownChars={RENDER_BUDGET.plainChars} reason="Long text" />;
}

function MarkdownText({ value, path }: { value: string; path: (string | number)[] }) {
  return <SafeMarkdown text={value} {...useCutText(path)} />;
}

function StateBadge({ state }: { state: unknown }) {
  if (typeof state !== "string" || !state) return null;
  const tone =
    state === "output-error" || state === "output-denied"
      ? "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200"
      : state === "streaming" || state.endsWith("streaming")
        ? "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200"
        : "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300";
  return <span className={`rounded px-1.5 py-0.5 text-[11px] font-medium ${tone}`}>{state}</span>;
}

function ToolPart({ part, path }: { part: Part; path: (string | number)[] }) {
  const name = part.type === "dynamic-tool" ? text(part.toolName) || "dynamic tool" : part.type.slice("tool-".length);
  return (
    <div className="rounded border border-slate-200 p-2 dark:border-slate-700" data-part="tool">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="text-xs uppercase text-slate-600 dark:text-slate-400">Tool</span>
        <span className="font-mono font-medium">{name}</span>
        <StateBadge state={part.state} />
        {typeof part.toolCallId === "string" ? <span className="font-mono text-xs text-slate-600 dark:text-slate-400">{part.toolCallId}</span> : null}
      </div>
      <div className="mt-1 space-y-1">
        {"input" in part ? <JsonBlock label="Input" value={part.input} /> : null}
        {"output" in part ? <JsonBlock label="Output" value={part.output} /> : null}
        {typeof part.errorText === "string" ? (
          <div className="text-xs">
            <div className="font-medium text-red-700 dark:text-red-300">Error</div>
            <div className="rounded bg-red-50 p-2 font-mono dark:bg-red-950">
              <PlainText value={part.errorText} path={[...path, "errorText"]} className="whitespace-pre-wrap break-all" />
            </div>
          </div>
        ) : null}
        {"approval" in part ? <JsonBlock label="Approval" value={part.approval} /> : null}
      </div>
    </div>
  );
}

function FilePart({ part }: { part: Part }) {
  const href = safeHref(part.url);
  const name = text(part.filename) || text(part.url).slice(0, 80) || "file";
  return (
    <div className="text-sm" data-part="file">
      <span className="text-xs uppercase text-slate-600 dark:text-slate-400">File</span>{" "}
      {href ? (
        <a href={href} target="_blank" rel="noopener noreferrer nofollow ugc" className="text-blue-700 underline dark:text-blue-400">
          {name}
        </a>
      ) : (
        <span>{text(part.filename) || "inline file"}</span>
      )}
      {typeof part.mediaType === "string" ? <span className="ml-2 text-xs text-slate-600 dark:text-slate-400">{part.mediaType}</span> : null}
    </div>
  );
}

function SourceUrlPart({ part }: { part: Part }) {
  const href = safeHref(part.url);
  const title = text(part.title) || text(part.url) || "source";
  return (
    <div className="text-sm" data-part="source-url">
      Source:{" "}
      {href ? (
        <a href={href} target="_blank" rel="noopener noreferrer nofollow ugc" className="text-blue-700 underline dark:text-blue-400">
          {title}
        </a>
      ) : (
        <span>{title}</span>
      )}
    </div>
  );
}

function SourceDocumentPart({ part }: { part: Part }) {
  return (
    <div className="text-sm" data-part="source-document">
      Document: <span className="font-medium">{text(part.title) || text(part.filename) || "untitled"}</span>
      {typeof part.mediaType === "string" ? <span className="ml-2 text-xs text-slate-600 dark:text-slate-400">{part.mediaType}</span> : null}
      {typeof part.filename === "string" && part.title ? <span className="ml-2 text-xs text-slate-600 dark:text-slate-400">{part.filename}</span> : null}
    </div>
  );
}

/** One part; `path` is where it sits in the message's content (["parts", i]), to find what the server cut. */
export function PartView({ part, path = [] }: { part: Part; path?: (string | number)[] }) {
  const { type } = part;
  if (type === "text") {
    return (
      <div data-part="text">
        <MarkdownText value={text(part.text)} path={[...path, "text"]} />
        {part.state === "streaming" ? <StateBadge state="streaming" /> : null}
      </div>
    );
  }
  if (type === "reasoning") {
    return (
      <details className="text-sm text-slate-600 dark:text-slate-400" data-part="reasoning">
        <summary className="cursor-pointer select-none">Reasoning</summary>
        <div className="mt-1">
          <PlainText value={text(part.text)} path={[...path, "text"]} className="whitespace-pre-wrap" />
        </div>
      </details>
    );
  }
  if (type === "step-start") return <hr className="border-dashed border-slate-300 dark:border-slate-700" data-part="step-start" aria-label="step" />;
  if (type === "dynamic-tool" || type.startsWith("tool-")) return <ToolPart part={part} path={path} />;
  if (type.startsWith("data-")) {
    return (
      <div data-part="data">
        <JsonBlock label={`${type}${typeof part.id === "string" ? ` · ${part.id}` : ""}`} value={"data" in part ? part.data : part} />
      </div>
    );
  }
  if (type === "file") return <FilePart part={part} />;
  if (type === "source-url") return <SourceUrlPart part={part} />;
  if (type === "source-document") return <SourceDocumentPart part={part} />;
  return (
    <div data-part="unknown">
      <JsonBlock label={type} value={part} />
    </div>
  );
}

/**
 * Parts from an assistant message's content, or null when it is not shaped like one. Entries that are not
 * parts are null, so each part keeps its index in `content.parts` (where the server's cuts are recorded).
 */
export function partsOf(content: Record<string, unknown>): (Part | null)[] | null {
  const parts = content.parts;
  if (!Array.isArray(parts)) return null;
  return parts.map((p) => (typeof p === "object" && p !== null && !Array.isArray(p) && typeof (p as Part).type === "string" ? (p as Part) : null));
}

export function AssistantParts({ parts }: { parts: (Part | null)[] }) {
  return <div className="space-y-2">{parts.map((part, index) => (part ? <PartView key={index} part={part} path={["parts", index]} /> : null))}</div>;
}
