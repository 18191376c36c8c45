// Routing a FleetLM agent through the Console (and back). The real webhook settings are saved first, then
// the agent in FleetLM is pointed at /gate/agents/:id with a fresh secret header; undo restores them.
import { randomBytes } from "node:crypto";
import { FleetLMHttpError, errorText, type Agent } from "@fleetlm/client";
import { audit } from "~/audit/audit.server";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { fleetlm } from "~/fleetlm/fleetlm.server";
import { reportFleetlmFailure } from "~/fleetlm/health.server";
import type { Actor } from "~/takeover/takeover.server";
import { fleetlmFailureSentence } from "~/fleetlm/problem";
import { GATE_HEADER, storedAgentHeaders } from "./gate.server";
import { webhookUrl } from "./webhook-url";
import { isUniqueViolation } from "~/lib/db-errors.server";

export type GateOutcome = { ok: true } | { ok: false; status: 404 | 409 | 502; reason: string };

export function consolePublicUrl(): string {
  return (env().CONSOLE_PUBLIC_URL ?? `http://127.0.0.1:${env().PORT}`).replace(/\/+$/, "");
}

export function gatePath(agentId: string) {
  return `/gate/agents/${encodeURIComponent(agentId)}`;
}

export type AgentRow = {
  id: string;
  name: string;
  status: string;
  /** Where FleetLM calls now. */
  currentUrl: string;
  /** Where replies really come from (the stored URL when gated). */
  realUrl: string;
  gated: boolean;
  /** Gated here, but FleetLM no longer points at the gate (someone edited the agent). */
  drifted: boolean;
  /** Set when FleetLM will never call this agent as it is configured: one sentence saying why and what to change. */
  unanswerable: string | null;
};

/**
 * FleetLM 78f77d1 reads `message_history_limit` for `tail` (and any unknown mode) with `get_messages(…, nil)`, which
 * crashes the webhook worker: an agent stored with a null limit in that mode never answers anyone (protocol §1.5).
 */
export function unanswerableBecause(agent: Pick<Agent, "message_history_mode" | "message_history_limit">): string | null {
  if (agent.message_history_limit !== null || agent.message_history_mode === "entire" || agent.message_history_mode === "last") return null;
  return "FleetLM never calls this agent: its history limit is empty in “tail” mode, which fails every webhook call. Give it a limit in FleetLM (e.g. 50), or use “entire”.";
}

export type AgentList = { ok: true; agents: AgentRow[] } | { ok: false; reason: string };

function safeUrl(origin: string, path: string) {
  try {
    return webhookUrl(origin, path);
  } catch {
    return `${origin} + ${path}`;
  }
}

function pointsAtGate(agent: Agent) {
  return agent.origin_url.replace(/\/+$/, "") === consolePublicUrl() && agent.webhook_path === gatePath(agent.id);
}

export async function listAgentsWithGate(): Promise<AgentList> {
  const prisma = await db();
  let agents: Agent[];
  try {
    agents = await fleetlm().listAgents();
  } catch (error) {
    reportFleetlmFailure(error);
    console.warn(`[gate] listing agents failed: ${errorText(error)}`);
    return { ok: false, reason: fleetlmFailureSentence(error, "the agents cannot be listed") };
  }
  const rows = await prisma.gatedAgent.findMany();
  const gated = new Map(rows.map((row) => [row.agentId, row]));
  return {
    ok: true,
    agents: agents.map((agent) => {
      const row = gated.get(agent.id);
      return {
        id: agent.id,
        name: agent.name,
        status: agent.status,
        currentUrl: safeUrl(agent.origin_url, agent.webhook_path),
        realUrl: row ? safeUrl(row.originUrl, row.webhookPath) : safeUrl(agent.origin_url, agent.webhook_path),
        gated: !!row,
        drifted: !!row && !pointsAtGate(agent),
        unanswerable: unanswerableBecause(agent),
      };
    }),
  };
}

function fleetlmFailure(error: unknown): GateOutcome {
  if (error instanceof FleetLMHttpError && error.status === 404) return { ok: false, status: 404, reason: "FleetLM has no such agent." };
  reportFleetlmFailure(error);
  console.warn(`[gate] agent update failed: ${errorText(error)}`);
  return { ok: false, status: 502, reason: fleetlmFailureSentence(error, "the agent was not changed") };
}

export async function routeThroughConsole(input: { agentId: string; actor: Actor; ip?: string }): Promise<GateOutcome> {
  const { agentId, actor } = input;
  const prisma = await db();
  if (await prisma.gatedAgent.findUnique({ where: { agentId } }))
    return { ok: false, status: 409, reason: "This agent is already routed through the Console." };
  let agent: Agent;
  try {
    agent = await fleetlm().getAgent(agentId);
  } catch (error) {
    return fleetlmFailure(error);
  }
  if (pointsAtGate(agent))
    return { ok: false, status: 409, reason: "FleetLM already points this agent at the Console, but its real URL is unknown here; set it in FleetLM first." };
  const gateToken = randomBytes(32).toString("base64url");
  // The real settings are saved before FleetLM is changed, so they can never be lost.
  try {
    await prisma.gatedAgent.create({
      data: { agentId, originUrl: agent.origin_url, webhookPath: agent.webhook_path, headers: JSON.stringify(agent.headers), gateToken, createdById: actor.id },
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, status: 409, reason: "This agent is already routed through the Console." };
    throw error;
  }
  try {
    await fleetlm().updateAgent(agentId, { origin_url: consolePublicUrl(), webhook_path: gatePath(agentId), headers: { [GATE_HEADER]: gateToken } });
  } catch (error) {
    await prisma.gatedAgent.delete({ where: { agentId } }).catch(() => {});
    return fleetlmFailure(error);
  }
  await audit({
    actor,
    action: "gate.route",
    targetType: "agent",
    targetId: agentId,
    details: { realUrl: safeUrl(agent.origin_url, agent.webhook_path), gateUrl: consolePublicUrl() + gatePath(agentId) },
    ip: input.ip,
  });
  return { ok: true };
}

export async function undoRouting(input: { agentId: string; actor: Actor; ip?: string }): Promise<GateOutcome> {
  const { agentId, actor } = input;
  const prisma = await db();
  const row = await prisma.gatedAgent.findUnique({ where: { agentId } });
  if (!row) return { ok: false, status: 404, reason: "This agent is not routed through the Console." };
  try {
    await fleetlm().updateAgent(agentId, { origin_url: row.originUrl, webhook_path: row.webhookPath, headers: storedAgentHeaders(row.headers) });
  } catch (error) {
    return fleetlmFailure(error);
  }
  await prisma.gatedAgent.delete({ where: { agentId } });
  await audit({
    actor,
    action: "gate.undo",
    targetType: "agent",
    targetId: agentId,
    details: { restoredUrl: safeUrl(row.originUrl, row.webhookPath) },
    ip: input.ip,
  });
  return { ok: true };
}

/** Whether the session's agent is routed through the gate (so "Stop reply" can work). */
export async function isGated(agentId: string): Promise<boolean> {
  const prisma = await db();
  return (await prisma.gatedAgent.count({ where: { agentId } })) > 0;
}
