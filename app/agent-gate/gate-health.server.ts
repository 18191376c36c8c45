// Whether the AI can really be paused for an agent: routed through the Console here AND FleetLM still calling
// the gate with our secret. FleetLM can lose that routing behind our back (a restart that re-registers the
// agent, someone editing it), and then a takeover no longer silences the AI; the session panel asks this when it
// loads and whenever the gateway reconnects, and admins can route the agent again.
import { errorText, FleetLMHttpError, type Agent } from "@fleetlm/client";
import { audit } from "~/audit/audit.server";
import { db } from "~/db.server";
import { fleetlm } from "~/fleetlm/fleetlm.server";
import { reportFleetlmFailure } from "~/fleetlm/health.server";
import { fleetlmFailureSentence, fleetlmProblem } from "~/fleetlm/problem";
import type { Actor } from "~/takeover/takeover.server";
import { GATE_HEADER } from "./gate.server";
import { consolePublicUrl, gatePath, type GateOutcome } from "./gated-agents.server";

export type GateHealth =
  /** FleetLM calls the gate with our secret: a takeover pauses the AI. */
  | { state: "gated" }
  /** Not routed through the Console: the AI keeps answering during a takeover. */
  | { state: "not-gated" }
  /** Routed here, but FleetLM calls somewhere else (or without our secret): the AI is NOT paused. */
  | { state: "drifted"; calling: "elsewhere" | "without-secret" }
  /** Routed here, but FleetLM could not be asked: nobody can say whether the AI is paused. */
  | { state: "unknown"; reason: string };

/** How FleetLM's agent record compares with the routing we saved (pure, so the rules are tested directly). */
export function compareRouting(
  agent: Pick<Agent, "id" | "origin_url" | "webhook_path" | "headers">,
  gateToken: string,
  publicUrl = consolePublicUrl(),
): GateHealth {
  const atGate = agent.origin_url.replace(/\/+$/, "") === publicUrl && agent.webhook_path === gatePath(agent.id);
  if (!atGate) return { state: "drifted", calling: "elsewhere" };
  // Header names are case-insensitive on the wire; FleetLM keeps whatever case it was given.
  const headers = Object.fromEntries(Object.entries(agent.headers ?? {}).map(([key, value]) => [key.toLowerCase(), value]));
  if (headers[GATE_HEADER] !== gateToken) return { state: "drifted", calling: "without-secret" };
  return { state: "gated" };
}

export async function gateHealth(agentId: string): Promise<GateHealth> {
  const prisma = await db();
  const row = await prisma.gatedAgent.findUnique({ where: { agentId }, select: { gateToken: true } });
  if (!row) return { state: "not-gated" };
  try {
    return compareRouting(await fleetlm().getAgent(agentId), row.gateToken);
  } catch (error) {
    if (error instanceof FleetLMHttpError && error.status === 404) return { state: "drifted", calling: "elsewhere" };
    reportFleetlmFailure(error);
    return { state: "unknown", reason: fleetlmProblem(error) };
  }
}

/**
 * Points FleetLM at the gate again with the secret we already hold (admins, after a drift). The real agent
 * settings saved when the agent was first routed are kept: what FleetLM holds now is not trusted to be them.
 */
export async function routeAgain(input: { agentId: string; actor: Actor; ip?: string }): Promise<GateOutcome> {
  const prisma = await db();
  const row = await prisma.gatedAgent.findUnique({ where: { agentId: input.agentId } });
  if (!row) return { ok: false, status: 404, reason: "This agent is not routed through the Console." };
  try {
    await fleetlm().updateAgent(input.agentId, {
      origin_url: consolePublicUrl(),
      webhook_path: gatePath(input.agentId),
      headers: { [GATE_HEADER]: row.gateToken },
    });
  } catch (error) {
    if (error instanceof FleetLMHttpError && error.status === 404) return { ok: false, status: 404, reason: "FleetLM has no such agent." };
    console.warn(`[gate] route again of ${input.agentId} failed: ${errorText(error)}`);
    reportFleetlmFailure(error);
    return { ok: false, status: 502, reason: fleetlmFailureSentence(error, "the agent was not routed again") };
  }
  await audit({
    actor: input.actor,
    action: "gate.reroute",
    targetType: "agent",
    targetId: input.agentId,
    details: { gateUrl: consolePublicUrl() + gatePath(input.agentId) },
    ip: input.ip,
  });
  return { ok: true };
}
