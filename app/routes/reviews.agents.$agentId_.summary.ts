// The headline quality figures of one agent as JSON, for <AgentQualityBadge> in the inbox and session header.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireRole } from "~/auth/guards.server";
import { agentQualitySummary, defaultRange } from "~/reviews/quality.server";

const DAY = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, "admin", "operator", "auditor");
  const agentId = z.string().min(1).max(200).safeParse(params.agentId);
  if (!agentId.success) throw new Response("No such agent.", { status: 404 });
  const url = new URL(request.url);
  const fallback = defaultRange();
  const from = DAY.catch(fallback.from).parse(url.searchParams.get("from") ?? fallback.from);
  const to = DAY.catch(fallback.to).parse(url.searchParams.get("to") ?? fallback.to);
  const summary = await agentQualitySummary(agentId.data, from <= to ? { from, to } : { from: to, to: from });
  return Response.json(summary, { headers: { "Cache-Control": "private, max-age=30" } });
}
