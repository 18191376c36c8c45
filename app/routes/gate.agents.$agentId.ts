// The agent gate's webhook (see app/agent-gate/gate.server.ts). Called by FleetLM, not by a browser: its guard is
// the gate check (a routed agent and its secret header), not an operator session.
import type { ActionFunctionArgs } from "@remix-run/node";
import { handleGateCall, requireGate } from "~/agent-gate/gate.server";

export async function action({ request, params }: ActionFunctionArgs) {
  const gated = await requireGate(request, params.agentId ?? "");
  return handleGateCall(request, gated);
}
