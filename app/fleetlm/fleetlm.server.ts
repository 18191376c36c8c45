// The Console's one FleetLM REST client (from @fleetlm/client), configured from the environment.
import { FleetLMRest } from "@fleetlm/client";
import { env } from "~/env.server";

const globalForRest = globalThis as unknown as { __fleetlmRest?: FleetLMRest };

export function fleetlm(): FleetLMRest {
  globalForRest.__fleetlmRest ??= new FleetLMRest({ baseUrl: env().FLEETLM_URL, timeoutMs: env().FLEETLM_TIMEOUT_MS, retries: 2 });
  return globalForRest.__fleetlmRest;
}

/** For tests that point the Console at a fresh dev server. */
export function resetFleetlm() {
  globalForRest.__fleetlmRest = undefined;
}
