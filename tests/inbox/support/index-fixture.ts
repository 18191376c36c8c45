// Builds index rows and FleetLM-shaped messages for tests that drive the session index directly
// (applyMessages, the read cursor) without a gateway in between.
import "../../support/db";
import { randomUUID } from "node:crypto";
import { db } from "~/db.server";
import { findIndexed, type IndexedSession } from "~/inbox/session-index.server";

export const AGENT = "fixture-agent";

export async function indexedSession(overrides: { userId?: string; agentId?: string; lastActivityAt?: Date } = {}): Promise<IndexedSession> {
  const id = `fx-${randomUUID()}`;
  await (
    await db()
  ).sessionIndex.create({
    data: {
      id,
      userId: overrides.userId ?? `user-${id.slice(3, 11)}`,
      agentId: overrides.agentId ?? AGENT,
      status: "active",
      createdAt: new Date(),
      lastActivityAt: overrides.lastActivityAt ?? null,
    },
  });
  return (await findIndexed(id))!;
}

type Who = "user" | "agent" | "operator";

/** A message as the FleetLM client returns it: the user's, the agent's, or an operator's (written as the agent). */
export function message(
  session: Pick<IndexedSession, "userId" | "agentId">,
  seq: number,
  who: Who,
  text = `${who} says ${seq}`,
  extra: Record<string, unknown> = {},
) {
  return {
    seq,
    sender_id: who === "user" ? session.userId : session.agentId,
    kind: who === "user" ? "text" : "assistant",
    content: who === "user" ? { text } : { parts: [{ type: "text", text }] },
    metadata: { ...(who === "operator" ? { source: "operator", operator_id: "op-1" } : {}), ...extra },
    insertedAt: new Date(Date.UTC(2026, 10, 30, 12, 0, seq)),
  };
}

/** The row as it is now (applyMessages takes the caller's last view of it). */
export async function current(sessionId: string): Promise<IndexedSession> {
  return (await findIndexed(sessionId))!;
}
