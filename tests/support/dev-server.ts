// One FleetLM dev server for a test file (a free port, started before its first test, closed after its last), a
// REST client on it, and the gateway stopped after every test: the frame of each gateway test file.
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll } from "vitest";
import { FleetLMRest } from "@fleetlm/client";
import { startFleetlmDev, type FleetlmDevServer } from "@fleetlm/dev";
import { stopGateway } from "~/fleetlm-sync/gateway.server";

export type DevServerFixture = { readonly dev: FleetlmDevServer; readonly rest: FleetLMRest };

export function withDevServerAndGateway(): DevServerFixture {
  let dev: FleetlmDevServer | undefined;
  let rest: FleetLMRest | undefined;
  beforeAll(async () => {
    dev = await startFleetlmDev({ port: 0 });
    rest = new FleetLMRest({ baseUrl: dev.url });
  });
  afterEach(async () => {
    await stopGateway();
  });
  afterAll(async () => {
    await dev?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the dev server starts in beforeAll: use it inside a test or hook");
    return value;
  };
  return {
    get dev() {
      return started(dev);
    },
    get rest() {
      return started(rest);
    },
  };
}

/**
 * A message straight into the dev server's store, to the session's agent unless `to` says otherwise: no
 * notification, no inbox entry change and no channel push, so no signal reaches the gateway.
 */
export function storeQuietly(dev: FleetlmDevServer, message: { sessionId: string; from: string; to?: string; kind?: string; content: unknown }): void {
  const now = Date.now() * 1000;
  dev.store.appendMessage({
    id: randomUUID(),
    session_id: message.sessionId,
    sender_id: message.from,
    recipient_id: message.to ?? dev.store.getSession(message.sessionId)!.agent_id,
    kind: message.kind ?? "text",
    content: message.content,
    metadata: {},
    inserted_at: now,
    updated_at: now,
  } as never);
}
