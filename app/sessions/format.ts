// Small display helpers for messages: senders, UTC times, safe links, bounded JSON.
import { authorOf } from "~/messages/authorship";
import type { ViewMessage } from "./types";

export type SenderView = { role: "user" | "ai" | "operator" | "other"; label: string; suspicious: string | null };

/**
 * Who wrote the message, from the server's authorship (sender id and send ledger, ADR 087). Without it (a
 * message the server did not annotate) only the sender id counts: metadata never makes anyone an operator.
 */
export function senderOf(message: Pick<ViewMessage, "senderId" | "kind" | "metadata" | "author">, session: { userId: string; agentId: string }): SenderView {
  const author = message.author ?? authorOf(session, { sender_id: message.senderId, kind: message.kind, metadata: message.metadata });
  const suspicious = author.suspicious;
  if (author.role === "operator") return { role: "operator", label: author.operatorName ? `Operator · ${author.operatorName}` : "Operator", suspicious };
  if (author.role === "agent") return { role: "ai", label: "AI", suspicious };
  if (author.role === "user") return { role: "user", label: "User", suspicious };
  return { role: "other", label: message.senderId, suspicious };
}

export { formatUtc } from "~/lib/format-date";

export { safeHref } from "~/lib/safe-href";

export const JSON_DISPLAY_LIMIT = 20_000;

/** Pretty JSON, cut at `limit` characters so a huge tool output cannot stall the page. */
export function formatJson(value: unknown, limit = JSON_DISPLAY_LIMIT): { text: string; truncated: number } {
  let text: string;
  try {
    text = JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    text = String(value);
  }
  if (text.length <= limit) return { text, truncated: 0 };
  return { text: text.slice(0, limit), truncated: text.length - limit };
}
