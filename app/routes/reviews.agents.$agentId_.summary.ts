// The headline quality figures of one agent as JSON, for <AgentQualityBadge> in the inbox and session header.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/auth/guards.server";
import { agentQualitySummary, parseAgentRange } from "~/reviews/quality.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requirePermission(request, "reviews:read");
  const { agentId, range } = parseAgentRange(request, params.agentId);
  const summary = await agentQualitySummary(agentId, range);
  return Response.json(summary, { headers: { "Cache-Control": "private, max-age=30" } });
}
