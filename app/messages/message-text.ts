// The readable text of a FleetLM message body: assistant messages keep it in `parts` (§8.6), user and
// operator messages in `content.text`. Shared by the server (snapshots, lengths) and the browser (context).

/** Concatenated text parts (or `content.text`); "" when the message has no text. */
export function messageText(content: Record<string, unknown> | null | undefined): string {
  if (!content) return "";
  if (typeof content.text === "string") return content.text;
  const parts = Array.isArray(content.parts) ? content.parts : [];
  const texts: string[] = [];
  for (const part of parts) {
    if (part && typeof part === "object" && (part as { type?: unknown }).type === "text") {
      const text = (part as { text?: unknown }).text;
      if (typeof text === "string") texts.push(text);
    }
  }
  return texts.join("\n\n");
}

/** What a review keeps of the message: its text, or the JSON body when it has no text (a tool-only reply). */
export function snapshotText(content: Record<string, unknown> | null | undefined): string {
  const text = messageText(content);
  if (text.trim() !== "") return text;
  try {
    return JSON.stringify(content ?? {});
  } catch {
    // Nesting past the encoder's stack (anyone can post such content): say so rather than fail the read.
    return "[content nested too deeply to show]";
  }
}

/** A one-line preview: the text, or for a reply without text a summary of its parts ("tool lookup_order"), never JSON. */
export function previewText(text: string, length = 160): string {
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) {
    try {
      const body = JSON.parse(trimmed) as { parts?: { type?: string; toolName?: string }[] };
      const parts = Array.isArray(body.parts) ? body.parts : [];
      const names = parts.map((p) =>
        p.type === "dynamic-tool"
          ? `tool ${p.toolName ?? ""}`.trim()
          : p.type?.startsWith("tool-")
            ? `tool ${p.type.slice(5)}`
            : p.type === "reasoning"
              ? "reasoning"
              : (p.type ?? "part"),
      );
      return `[${names.length ? names.join(", ") : "no text"}]`;
    } catch {
      // not JSON after all: show it as text
    }
  }
  return trimmed.replace(/\s+/g, " ").slice(0, length);
}
