// The gated replies streaming right now, by session, so an operator can stop one ("Stop reply"). The streams are
// this process's (FleetLM's call arrived here); with several processes (PostgreSQL) a Stop that finds none here
// asks the others, and the one relaying the stream stops it and answers (ADR 132).
import { randomUUID } from "node:crypto";
import { audit } from "~/audit/audit.server";
import { clusterSignals } from "~/cluster/signals.server";
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

/** How long a Stop waits for another process to answer that it stopped the stream. */
export const REMOTE_STOP_WAIT_MS = 2_000;

/** Stops this process's streams in the session; the number stopped. */
export function stopLocalReplies(sessionId: string, by: Stopper): number {
  let stopped = 0;
  for (const entry of [...(streams().get(sessionId) ?? [])]) if (entry.stop(by)) stopped += 1;
  return stopped;
}

/** Asks the other processes to stop the session's streams; what they stopped (0 when nobody answered in time). */
async function stopRemoteReplies(sessionId: string, by: Stopper): Promise<number> {
  const signals = clusterSignals();
  if (!signals) return 0;
  const requestId = randomUUID();
  let stopped = 0;
  let off = () => {};
  const answered = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, REMOTE_STOP_WAIT_MS);
    timer.unref?.();
    off = signals.on("reply.stopped", (answer) => {
      if (answer.requestId !== requestId) return;
      stopped += answer.stopped;
      clearTimeout(timer);
      resolve(); // one relay per stream: the first answer is the one that stopped it
    });
  });
  await signals.send({ kind: "reply.stop", requestId, sessionId, by });
  await answered;
  off();
  return stopped;
}

/** Cuts every gated reply streaming in the session; FleetLM stores what was produced with termination abort. */
export async function stopReply(input: { sessionId: string; actor: Actor; ip?: string }): Promise<{ ok: true; stopped: number } | Refusal> {
  if (!can(input.actor, "reply:stop")) return { ok: false, status: 403, reason: "Auditors cannot stop replies." };
  const stopper = stoppedByMetadata(await operatorIdentityPolicy(), input.actor);
  let stopped = stopLocalReplies(input.sessionId, stopper);
  if (stopped === 0) stopped = await stopRemoteReplies(input.sessionId, stopper);
  if (stopped === 0) return { ok: false, status: 409, reason: "No reply is streaming through the Console for this session." };
  await audit({ actor: input.actor, action: "gate.stop_reply", targetType: "session", targetId: input.sessionId, details: { stopped }, ip: input.ip });
  return { ok: true, stopped };
}
