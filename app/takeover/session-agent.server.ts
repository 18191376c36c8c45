// Which agent a FleetLM session talks to: operators reply as that agent. A session's agent never changes,
// so answers are cached for the life of the process.
import { FleetLMHttpError } from "@fleetlm/client";
import { db } from "~/db.server";
import { fleetlm } from "~/fleetlm/fleetlm.server";
import { reportFleetlmFailure } from "~/fleetlm/health.server";

export type SessionAgent = { ok: true; agentId: string } | { ok: false; status: 404 | 503; reason: string };

const cache = new Map<string, string>();
const CACHE_LIMIT = 10_000;

export async function sessionAgent(sessionId: string): Promise<SessionAgent> {
  const cached = cache.get(sessionId);
  if (cached) return { ok: true, agentId: cached };
  const prisma = await db();
  const indexed = await prisma.sessionIndex.findUnique({ where: { id: sessionId }, select: { agentId: true } });
  let agentId = indexed?.agentId;
  if (!agentId) {
    try {
      agentId = (await fleetlm().getSession(sessionId)).agent_id;
    } catch (error) {
      if (error instanceof FleetLMHttpError && error.status === 404) return { ok: false, status: 404, reason: "Session not found." };
      reportFleetlmFailure(error);
      return { ok: false, status: 503, reason: "FleetLM could not be reached to look the session up." };
    }
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(sessionId, agentId);
  return { ok: true, agentId };
}
