// Shared setup for takeover tests: a FleetLM dev server (demo agent) the Console points at, and helpers that
// call the takeover resource route as an operator.
import { call, request, type TestOperator } from "../support/auth";
import { FleetLMRest } from "@fleetlm/client";
import { startFleetlmDev, type FleetlmDevServer } from "@fleetlm/dev";
import { vi } from "vitest";
import { resetEnvCache } from "~/env.server";
import { resetFleetlm } from "~/fleetlm/fleetlm.server";
import { action, loader } from "~/routes/sessions.$id.takeover";

export type World = { server: FleetlmDevServer; rest: FleetLMRest };

export async function startWorld(): Promise<World> {
  const server = await startFleetlmDev({ port: 0, demo: true });
  process.env.FLEETLM_URL = server.url;
  resetEnvCache();
  resetFleetlm();
  return { server, rest: new FleetLMRest({ baseUrl: server.url, timeoutMs: 10_000 }) };
}

export async function newSession(world: World, agentId = "demo-agent", userId = `user-${Math.random().toString(36).slice(2, 8)}`) {
  return world.rest.createSession({ userId, agentId });
}

export function takeover(as: TestOperator, sessionId: string, form: Record<string, string>, origin?: string | null) {
  return call(() => action({ request: request(`/sessions/${sessionId}/takeover`, { as, form, origin }), params: { id: sessionId }, context: {} }));
}

export function panel(as: TestOperator, sessionId: string) {
  return call(() => loader({ request: request(`/sessions/${sessionId}/takeover`, { as }), params: { id: sessionId }, context: {} }));
}

export function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  return vi.waitFor(
    async () => {
      const value = await read();
      if (!done(value)) throw new Error(`still waiting for ${what}`);
      return value;
    },
    { timeout: timeoutMs, interval: 20 },
  );
}
