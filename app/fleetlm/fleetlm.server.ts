// The Console's one FleetLM REST client (from @fleetlm/client), configured from the environment.
import { FleetLMRest } from "@fleetlm/client";
import { env } from "~/env.server";
import { singleton, slot } from "~/lib/singleton.server";

export function fleetlm(): FleetLMRest {
  return singleton("fleetlmRest", () => new FleetLMRest({ baseUrl: env().FLEETLM_URL, timeoutMs: env().FLEETLM_TIMEOUT_MS, retries: 2 }));
}

/** For tests that point the Console at a fresh dev server. */
export function resetFleetlm() {
  slot("fleetlmRest").set(undefined);
}
