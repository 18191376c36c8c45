// The Console's conversation states and handoff signals (ADR 102), as pure rules shared by the index sync, the
// actions and the tests. FleetLM only knows active/inactive/archived; these belong to the support team.
import type { ConversationState } from "~/inbox/views";

export type IndexedAuthor = "user" | "agent" | "operator" | "other";

export type Conversation = { state: ConversationState; waitingSince: Date | null; handoffReason: string | null; snoozedUntil: Date | null };

export type StateEvent =
  | { type: "user-message"; at: Date; text: string; phrases: readonly string[] }
  | { type: "agent-message"; handoff: string | null }
  | { type: "operator-message" }
  | { type: "set"; to: Exclude<ConversationState, "snoozed">; by: string }
  | { type: "snooze"; until: Date; now: Date; by: string }
  | { type: "snooze-expired"; now: Date };

/** The admin's phrase found in a user's message (case-insensitive, anywhere in it), or null. */
export function phraseIn(text: string, phrases: readonly string[]): string | null {
  const hay = text.toLocaleLowerCase().replace(/\s+/g, " ");
  return phrases.find((p) => p && hay.includes(p.toLocaleLowerCase())) ?? null;
}

/**
 * The agent's handoff request in an assistant message: `metadata.handoff: true` (reason in
 * `metadata.handoff_reason` or `metadata.reason`), or a `data-handoff` part in `content.parts` (reason in its
 * `data.reason`). Returns the reason ("" when none was given), or null when the agent did not ask.
 */
export function agentHandoff(message: { content?: Record<string, unknown> | null; metadata?: Record<string, unknown> | null }): string | null {
  const meta = message.metadata ?? {};
  // The reason is the agent's text: control characters (NUL included) become spaces before it is stored or shown.
  const text = (value: unknown) =>
    typeof value === "string"
      ? value
          .replace(/[\u0000-\u001f\u007f]/g, " ")
          .trim()
          .slice(0, 200)
      : "";
  if (meta.handoff === true) return text(meta.handoff_reason) || text(meta.reason);
  const parts = Array.isArray(message.content?.parts) ? (message.content!.parts as unknown[]) : [];
  for (const part of parts) {
    if (part && typeof part === "object" && (part as { type?: unknown }).type === "data-handoff") {
      const data = (part as { data?: unknown }).data;
      return data && typeof data === "object" ? text((data as { reason?: unknown }).reason) : "";
    }
  }
  return null;
}

/** One step of the state machine. Returns the conversation after the event (unchanged when it does not apply). */
export function transition(c: Conversation, event: StateEvent): Conversation {
  switch (event.type) {
    case "user-message": {
      // A new message from the user reopens a resolved or snoozed session: the AI has it again.
      let next: Conversation = c.state === "resolved" || c.state === "snoozed" ? { ...c, state: "pending", snoozedUntil: null } : c;
      // The wait starts at the first user message nobody human has answered.
      if (next.waitingSince === null) next = { ...next, waitingSince: event.at };
      const phrase = phraseIn(event.text, event.phrases);
      if (phrase && next.state !== "open") next = { ...next, state: "waiting", handoffReason: `The user asked for a person (“${phrase}”)` };
      return next;
    }
    case "agent-message":
      if (event.handoff === null || c.state === "open") return c;
      return { ...c, state: "waiting", handoffReason: event.handoff ? `The AI asked for a human: ${event.handoff}` : "The AI asked for a human" };
    case "operator-message":
      // A human answered: nobody is waiting any more, and a human has the conversation.
      return { ...c, state: c.state === "resolved" || c.state === "snoozed" ? c.state : "open", waitingSince: null, handoffReason: null };
    case "set":
      if (event.to === "resolved" || event.to === "pending")
        return {
          ...c,
          state: event.to,
          snoozedUntil: null,
          handoffReason: event.to === "resolved" ? null : c.handoffReason,
          waitingSince: event.to === "resolved" ? null : c.waitingSince,
        };
      if (event.to === "open") return { ...c, state: "open", snoozedUntil: null };
      return { ...c, state: "waiting", snoozedUntil: null, handoffReason: c.handoffReason ?? "Marked as waiting on a human" };
    case "snooze":
      if (event.until.getTime() <= event.now.getTime()) return c;
      return { ...c, state: "snoozed", snoozedUntil: event.until };
    case "snooze-expired":
      if (c.state !== "snoozed" || !c.snoozedUntil || c.snoozedUntil.getTime() > event.now.getTime()) return c;
      return { ...c, state: "pending", snoozedUntil: null };
  }
}

/** The events one indexed message brings, in order. */
export function messageEvent(
  author: IndexedAuthor,
  message: { content?: Record<string, unknown> | null; metadata?: Record<string, unknown> | null; insertedAt: Date },
  text: string,
  phrases: readonly string[],
): StateEvent | null {
  if (author === "user") return { type: "user-message", at: message.insertedAt, text, phrases };
  if (author === "agent") return { type: "agent-message", handoff: agentHandoff(message) };
  if (author === "operator") return { type: "operator-message" };
  return null;
}
