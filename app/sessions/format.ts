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

/** "2025-10-23 10:48:00 UTC" from an ISO instant (FleetLM's naive timestamps are UTC). */
export function formatUtc(iso: string | null | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

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
