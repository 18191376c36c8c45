// A FleetLM dev server per test file, with the Console pointed at it.
import { FleetLMRest } from "@fleetlm/client";
import { startFleetlmDev, type FleetlmDevOptions, type FleetlmDevServer } from "@fleetlm/dev";
import { resetEnvCache } from "~/env.server";
import { resetFleetlm } from "~/fleetlm/fleetlm.server";
import { devStorage } from "../support/dev-storage";

export async function startFleetlm(
  options: { demo?: boolean; dataDir?: string; port?: number; storage?: FleetlmDevOptions["storage"] } = {},
): Promise<{ server: FleetlmDevServer; rest: FleetLMRest }> {
  const server = await startFleetlmDev({
    port: options.port ?? 0,
    host: "127.0.0.1",
    demo: options.demo,
    dataDir: options.dataDir,
    storage: options.storage ?? devStorage(),
  });
  pointConsoleAt(server.url);
  return { server, rest: new FleetLMRest({ baseUrl: server.url, timeoutMs: 5_000 }) };
}

export function pointConsoleAt(url: string) {
  process.env.FLEETLM_URL = url;
  resetEnvCache();
  resetFleetlm();
}

/** A session with `count` user/agent text messages; message n says `message n`. */
export async function seedSession(rest: FleetLMRest, count: number, ids = { userId: "alice", agentId: "agent-x" }) {
  const session = await rest.createSession(ids);
  for (let n = 1; n <= count; n++) {
    await rest.appendMessage(
      session.id,
      n % 2 ? { userId: ids.userId, content: { text: `message ${n}` } } : { agentId: ids.agentId, content: { text: `message ${n}` } },
    );
  }
  return session;
}
