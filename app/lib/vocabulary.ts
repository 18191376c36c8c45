// The closed vocabularies the database stores as text (Prisma's SQLite connector has no enums): one zod schema
// each, parsed where rows are read into the app, and the same words in CHECK constraints in the migrations (ADR 145).
// Browser-safe: forms and components use these lists too.
import type { SessionStatus as FleetlmSessionStatus } from "@fleetlm/client";
import { z } from "zod";

/** An operator's role (Operator.role). Who may do what with it is app/auth/permissions.ts. */
export const ROLES = ["admin", "operator", "auditor"] as const;
export const RoleSchema = z.enum(ROLES, { message: "Pick admin, operator or auditor" });
export type Role = z.output<typeof RoleSchema>;

/** A review's verdict on a reply (Review.rating, DatasetItem.rating). */
export const RATINGS = ["good", "bad"] as const;
export const RatingSchema = z.enum(RATINGS, { message: "Rate the reply good or bad." });
export type Rating = z.output<typeof RatingSchema>;

/** FleetLM's session status as the index keeps it (SessionIndex.status); the Console's own state is inbox/views. */
export const SESSION_STATUSES = ["active", "inactive", "archived"] as const;
export const SessionStatusSchema = z.enum(SESSION_STATUSES);
export type SessionStatus = z.output<typeof SessionStatusSchema>;

// The index stores what the SDK parsed off the wire: the two lists must hold the same words.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const statusesMatchFleetlm: Same<SessionStatus, FleetlmSessionStatus> = true;
void statusesMatchFleetlm;
