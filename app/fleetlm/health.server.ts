// Whether FleetLM answers, for the shell's "FleetLM unreachable" banner. Cached briefly so pages stay fast.
import { FleetLMRest } from "@fleetlm/client";
import { env } from "~/env.server";
import { slot } from "~/lib/singleton.server";
import { fleetlmProblem } from "./problem";

export type FleetlmHealth = { reachable: boolean; checkedAt: string; error?: string };

const TTL_MS = 5_000;
const cache = slot<{ value: FleetlmHealth; at: number; pending?: Promise<FleetlmHealth> }>("fleetlmHealth");

async function probe(): Promise<FleetlmHealth> {
  const rest = new FleetLMRest({ baseUrl: env().FLEETLM_URL, timeoutMs: 1_500, retries: 0 });
  try {
    await rest.listAgents();
    return { reachable: true, checkedAt: new Date().toISOString() };
  } catch (error) {
    return { reachable: false, checkedAt: new Date().toISOString(), error: fleetlmProblem(error) };
  }
}

/**
 * The last answer, re-asked in the background once it is older than TTL_MS: a page never waits for FleetLM's
 * round trip except the very first time (every live reload of the inbox runs this loader; waiting on the probe
 * put a FleetLM round trip into one reload in a few).
 */
export async function fleetlmHealth(): Promise<FleetlmHealth> {
  const cached = cache.get();
  if (cached && Date.now() - cached.at < TTL_MS) return cached.value;
  if (cached?.pending) return cached.at > 0 ? cached.value : cached.pending;
  const pending = probe().then((value) => {
    cache.set({ value, at: Date.now() });
    return value;
  });
  cache.set({ value: cached?.value ?? { reachable: true, checkedAt: "" }, at: cached?.at ?? 0, pending });
  return cached && cached.at > 0 ? cached.value : pending;
}

/** Marks FleetLM as unreachable now (a loader just failed to read from it). */
export function reportFleetlmFailure(error: unknown) {
  cache.set({ value: { reachable: false, checkedAt: new Date().toISOString(), error: fleetlmProblem(error) }, at: Date.now() });
}

/** Forgets the cached answer, so the next read asks FleetLM (tests that switch faults on and off). */
export function forgetFleetlmHealth() {
  cache.set(undefined);
}
