// The gated replies streaming right now, by session, so an operator can stop one ("Stop reply").
// In-process: the Console runs as one process, and FleetLM's call for a session arrives at that process.
import { audit } from "~/audit/audit.server";
import type { Actor, Refusal } from "~/takeover/takeover.server";
import { can } from "~/auth/permissions";
import { singleton } from "~/lib/singleton.server";
import { operatorIdentityPolicy, stoppedByMetadata } from "~/settings/operator-identity.server";

/** `metadata.stopped_by` of the aborted reply: what the end user may see of who stopped it (ADR 120). */
export type Stopper = Record<string, string>;
type InFlight = { agentId: string; startedAt: number; stop: (by: Stopper) => boolean };

function streams() {
  return singleton("gateStreams", () => new Map<string, Set<InFlight>>());
}

/** Registers a streaming reply; call the returned function when it ends. */
export function trackStream(sessionId: string, entry: InFlight): () => void {
  let set = streams().get(sessionId);
  if (!set) streams().set(sessionId, (set = new Set()));
  set.add(entry);
  return () => {
    const current = streams().get(sessionId);
    current?.delete(entry);
    if (current && current.size === 0) streams().delete(sessionId);
  };
}

export function isStreaming(sessionId: string): boolean {
  return (streams().get(sessionId)?.size ?? 0) > 0;
}

/** Cuts every gated reply streaming in the session; FleetLM stores what was produced with termination abort. */
export async function stopReply(input: { sessionId: string; actor: Actor; ip?: string }): Promise<{ ok: true; stopped: number } | Refusal> {
  if (!can(input.actor, "reply:stop")) return { ok: false, status: 403, reason: "Auditors cannot stop replies." };
  const stopper = stoppedByMetadata(await operatorIdentityPolicy(), input.actor);
  const running = [...(streams().get(input.sessionId) ?? [])];
  let stopped = 0;
  for (const entry of running) if (entry.stop(stopper)) stopped += 1;
  if (stopped === 0) return { ok: false, status: 409, reason: "No reply is streaming through the Console for this session." };
  await audit({ actor: input.actor, action: "gate.stop_reply", targetType: "session", targetId: input.sessionId, details: { stopped }, ip: input.ip });
  return { ok: true, stopped };
}
