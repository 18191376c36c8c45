// One FleetLM dev server for a test file (a free port, started before its first test, closed after its last), a
// REST client on it, and the gateway stopped after every test: the frame of each gateway test file.
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
