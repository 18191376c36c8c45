// The headline quality figures of one agent as JSON, for <AgentQualityBadge> in the inbox and session header.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/auth/guards.server";
import { agentQualitySummary, parseAgentRange } from "~/reviews/quality.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, "admin", "operator", "auditor");
  const { agentId, range } = parseAgentRange(request, params.agentId);
  const summary = await agentQualitySummary(agentId, range);
  return Response.json(summary, { headers: { "Cache-Control": "private, max-age=30" } });
}
