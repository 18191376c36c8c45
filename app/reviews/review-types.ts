// Shapes the review resource route sends to the browser (shared by server and client code).
import type { ViewMessage } from "~/sessions/types";
import type { Rating } from "~/lib/vocabulary";
export type { Rating };
export type LabelDef = { id: string; name: string; hotkey: string | null };
export type MyReview = { id: string; rating: Rating; labels: string[]; comment: string; updatedAt: string };
export type ReplyState = {
  indexed: boolean;
  termination: string | null;
  /** The agent's own figure (metadata.latency_ms), when it sent one. */
  latencyMs: number | null;
  /** Measured by the Console: the answered user message's inserted_at → the reply's. */
  consoleLatencyMs?: number | null;
  /** FleetLM lost this reply after it was delivered: reviews keep their snapshot, the text cannot be re-read. */
  vanished?: { detectedAt: string } | null;
  byOperator: boolean;
  flagged: { at: string; byName: string | null; byMe: boolean } | null;
  /** Set when I may not review this reply (I wrote it, or held its session). */
  conflict: "wrote" | "held" | null;
  reviewCount: number;
  mine: MyReview | null;
};
export type ContextMessage = {
  seq: number;
  senderId: string;
  role: "user" | "agent" | "operator" | "other";
  /** Why its claimed authorship does not match (ADR 087); null when it does. */
  suspicious?: string | null;
  kind: string;
  /** At most MESSAGE_BOUNDS.stringChars; `fullLength` is set when the text was cut. */
  text: string;
  fullLength?: number | null;
  at: string;
  /** The message as the session view shows it (bounded content and metadata, authorship), for MessageView. */
  view: ViewMessage;
};
export type ReplyView = {
  sessionId: string;
  seq: number;
  state: ReplyState;
  labels: LabelDef[];
  /** Present when asked for with ?context=N; `unavailable` when FleetLM could not be read. */
  context?: { agentId: string | null; userId?: string | null; messages: ContextMessage[]; hasMoreBefore: boolean; lost?: number[] } | { unavailable: true };
};
/** The review route's answer: what was saved, or conform's reply (errors by field, the form's own under ""). */
export type ActionResult = { ok: true; reviewId?: string } | { ok?: undefined; status: "error"; error: Record<string, string[] | null> };
export const MAX_COMMENT = 2000;
export type QueueItem = {
  sessionId: string;
  seq: number;
  agentId: string;
  termination: string;
  latencyMs: number | null;
  byOperator: boolean;
  length: number;
  at: string;
  flaggedAt: string | null;
  reviewedByMe: boolean;
  /** The start of the reply's text (the Console's copy), when it has one. */
  preview?: string | null;
  userId?: string | null;
};
