// Whether FleetLM answers, for the shell's "FleetLM unreachable" banner. Cached briefly so pages stay fast.
import { FleetLMRest } from "@fleetlm/client";
import { env } from "~/env.server";
import { fleetlmProblem } from "./problem";

export type FleetlmHealth = { reachable: boolean; checkedAt: string; error?: string };

const TTL_MS = 5_000;
const state = globalThis as unknown as { __fleetlmHealth?: { value: FleetlmHealth; at: number; pending?: Promise<FleetlmHealth> } };

async function probe(): Promise<FleetlmHealth> {
  const rest = new FleetLMRest({ baseUrl: env().FLEETLM_URL, timeoutMs: 1_500, retries: 0 });
  try {
    await rest.listAgents();
    return { reachable: true, checkedAt: new Date().toISOString() };
  } catch (error) {
    return { reachable: false, checkedAt: new Date().toISOString(), error: fleetlmProblem(error) };
  }
}

export async function fleetlmHealth(): Promise<FleetlmHealth> {
  const cached = state.__fleetlmHealth;
  if (cached && Date.now() - cached.at < TTL_MS) return cached.value;
  if (cached?.pending) return cached.pending;
  const pending = probe().then((value) => {
    state.__fleetlmHealth = { value, at: Date.now() };
    return value;
  });
  state.__fleetlmHealth = { value: cached?.value ?? { reachable: true, checkedAt: "" }, at: cached?.at ?? 0, pending };
  return pending;
}

/** Marks FleetLM as unreachable now (a loader just failed to read from it). */
export function reportFleetlmFailure(error: unknown) {
  state.__fleetlmHealth = { value: { reachable: false, checkedAt: new Date().toISOString(), error: fleetlmProblem(error) }, at: Date.now() };
}
