// Links taken from content someone else wrote (messages, notes) point only where a click is harmless.

const SAFE_PROTOCOLS = new Set(["http:", "https:", "mailto:"]);

/** The URL when it is http(s) or mailto, else null: message content never gets a javascript: or data: link. */
export function safeHref(url: unknown): string | null {
  if (typeof url !== "string") return null;
  const trimmed = url.trim();
  if (!trimmed) return null;
  try {
    const parsed = new URL(trimmed);
    return SAFE_PROTOCOLS.has(parsed.protocol) ? parsed.toString() : null;
  } catch {
    return null; // relative URLs would point into the Console itself
  }
}
