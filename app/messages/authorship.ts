// Who wrote a message, as the Console knows it — never as the message says. FleetLM lets any sender set any
// kind and metadata, so `kind: "assistant"` and `metadata.source: "operator"` are only claims: the author is the
// sender id (the session's agent or its user) and, for operator replies, the Console's own send ledger (ADR 087).
// Shared by server and browser code; the ledger lookup is in authorship.server.ts.

export type AuthorRole = "user" | "agent" | "operator" | "other";

export type Authorship = {
  role: AuthorRole;
  /** The operator's name from the Console's records (operator messages only). */
  operatorName?: string | null;
  /** Why the message's claimed authorship does not match what the Console knows; null when it does. */
  suspicious: string | null;
};

type MessageLike = { sender_id: string; kind: string; metadata?: Record<string, unknown> | null };

export type Claims = { operator: boolean; assistant: boolean };

/** What the message claims about itself: operator-written (metadata) or an AI reply (kind). */
export function claimsOf(message: Pick<MessageLike, "kind" | "metadata">): Claims {
  return { operator: message.metadata?.source === "operator", assistant: message.kind === "assistant" };
}

/** The client message id an operator send carries (the ledger's key), when the message has one. */
export function clientMessageIdOf(message: Pick<MessageLike, "metadata">): string | null {
  const id = message.metadata?.client_message_id;
  return typeof id === "string" && id.length > 0 && id.length <= 200 ? id : null;
}

// The authorship of nearly every message: one shared, frozen value each, not one object per message of a page.
const PLAIN_AGENT: Authorship = Object.freeze({ role: "agent", suspicious: null });
const PLAIN_USER: Authorship = Object.freeze({ role: "user", suspicious: null });
const PLAIN_OTHER: Authorship = Object.freeze({ role: "other", suspicious: null });

/**
 * The authorship of one message from its sender and, when the ledger has it, the operator who sent it.
 * `ledgerOperator` is the ledger's record of this exact (session, seq) or client message id; undefined when none.
 */
export function authorOf(session: { userId?: string | null; agentId: string }, message: MessageLike, ledgerOperator?: { name: string | null }): Authorship {
  const claims = claimsOf(message);
  if (message.sender_id === session.agentId) {
    if (ledgerOperator) return { role: "operator", operatorName: ledgerOperator.name, suspicious: null };
    if (claims.operator) return { role: "agent", suspicious: "Claims to be written by an operator, but the Console has no record of sending it." };
    return PLAIN_AGENT;
  }
  const role: AuthorRole = session.userId && message.sender_id === session.userId ? "user" : "other";
  if (!claims.operator && !claims.assistant) return role === "user" ? PLAIN_USER : PLAIN_OTHER;
  const who = role === "user" ? "the end user" : `“${message.sender_id.slice(0, 80)}”, not the session's agent`;
  if (claims.operator) return { role, suspicious: `Claims to be written by an operator, but was sent by ${who}.` };
  if (claims.assistant) return { role, suspicious: `Claims to be an AI reply, but was sent by ${who}.` };
  return { role, suspicious: null };
}

/** Whether a message counts as the agent's reply (reply index, quality figures, review controls). */
export function isAgentReply(author: Authorship, kind: string): boolean {
  if (author.suspicious) return false;
  if (author.role === "operator") return true;
  return author.role === "agent" && kind === "assistant";
}
