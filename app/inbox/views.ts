// The inbox's one set of views (shared by server and browser). Each is a URL (`?view=waiting`) whose meaning is
// written on the page; facets (status, agent, label, unread, search) narrow any view further.
export const VIEW_IDS = ["all", "waiting", "mine", "unassigned", "takenOver", "snoozed", "resolved"] as const;
export type InboxViewId = (typeof VIEW_IDS)[number];

/** The Console's own conversation states (ADR 102); FleetLM's status (active/inactive/archived) is separate. */
export const CONVERSATION_STATES = ["pending", "waiting", "open", "snoozed", "resolved"] as const;
export type ConversationState = (typeof CONVERSATION_STATES)[number];
export const STATE_LABEL: Record<ConversationState, string> = {
  pending: "AI has it",
  waiting: "Waiting on a human",
  open: "Open (a human has it)",
  snoozed: "Snoozed",
  resolved: "Resolved",
};

export type InboxView = { id: InboxViewId; label: string; definition: string };

export function inboxViews(options: { waitMinutes: number }): InboxView[] {
  const wait = `${options.waitMinutes} minute${options.waitMinutes === 1 ? "" : "s"}`;
  return [
    { id: "all", label: "All", definition: "Every session the Console has indexed, whatever its state, latest activity first." },
    {
      id: "waiting",
      label: "Waiting on a human",
      definition:
        `Sessions where a handoff signal fired and no operator has answered since: the agent asked for a person, the user asked for one ` +
        `(one of the admin's phrases), or the user's message has gone unanswered for ${wait}. Longest wait first.`,
    },
    { id: "mine", label: "Mine", definition: "Sessions assigned to you, in any state except resolved." },
    { id: "unassigned", label: "Unassigned", definition: "Active sessions nobody is assigned to, not resolved and not snoozed." },
    { id: "takenOver", label: "Taken over", definition: "Sessions an operator holds right now: the AI is paused and the holder replies as the agent." },
    { id: "snoozed", label: "Snoozed", definition: "Sessions put aside until a time; a new message from the user, or the time passing, brings them back." },
    { id: "resolved", label: "Resolved", definition: "Sessions marked done; a new message from the user reopens them." },
  ];
}
