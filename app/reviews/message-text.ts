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
