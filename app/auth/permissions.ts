// Who may do what, as one table. Guards (requirePermission), services (their own refusals) and components
// (what to show) all ask `can(operator, …)`, so a role's reach is read and changed here and nowhere else.
// No server imports: the browser bundle uses it too.

import { ROLES, type Role } from "~/lib/vocabulary";

export { ROLES, type Role };

const EVERYONE: readonly Role[] = ROLES;
const ADMINS: readonly Role[] = ["admin"];
/** The roles that act on a conversation (design.md: auditors never write to FleetLM). */
const HANDLERS: readonly Role[] = ["admin", "operator"];

/** Every permission and the roles that hold it. */
export const PERMISSIONS = {
  /** Open the inbox and read sessions, their history and their notes. */
  "sessions:read": EVERYONE,
  /** Personal read state (mark read / unread): each operator's own, so open to every role. */
  "read-state:write": EVERYONE,
  /** Write notes and edit or delete one's own. */
  "notes:write": EVERYONE,
  /** Delete anyone's note. */
  "notes:delete-any": ADMINS,
  /** Shared inbox state: assign, label, archive. */
  "inbox:triage": HANDLERS,
  /** Claim a session, reply as the agent while holding it, hand it back. */
  "takeover:claim": HANDLERS,
  /** End someone else's takeover. */
  "takeover:force-release": ADMINS,
  /** Cut an agent's reply mid-stream through the agent gate. */
  "reply:stop": HANDLERS,
  /** The review queue and the agent quality pages. */
  "reviews:read": EVERYONE,
  /** Rate, flag, label and comment agent replies. */
  "reviews:write": EVERYONE,
  /** Export reviews as CSV. */
  "reviews:export": ["admin", "auditor"],
  /** Build review datasets and export them; read inter-reviewer agreement. */
  "reviews:curate": ["admin", "auditor"],
  /** Work in a review queue that names no reviewers (a queue that names them admits just those). */
  "reviews:open-queues": ["admin", "auditor"],
  /** Review queues and score definitions: create, edit, archive; adjudicate disagreements. */
  "reviews:manage": ADMINS,
  /** Review labels, canned replies, gated agents. */
  "settings:manage": ADMINS,
  /** Operator accounts: create, change role, deactivate, reset password, revoke sign-ins. */
  "operators:manage": ADMINS,
  /** Read and export the audit log. */
  "audit:read": ADMINS,
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/** Anything with a role: the signed-in operator, an audit actor, an Operator row (whose role is a string). */
export type HasRole = { role: string };

export function can(who: HasRole | null | undefined, permission: Permission): boolean {
  return !!who && (PERMISSIONS[permission] as readonly string[]).includes(who.role);
}

/** The roles holding a permission, e.g. for a query over operators (`role: { in: rolesWith(…) }`). */
export function rolesWith(permission: Permission): Role[] {
  return [...PERMISSIONS[permission]];
}
