// The gateway when FleetLM misbehaves: garbage answers and a dead server are logged once, retried with
// backoff, never crash the process, and the index catches up when FleetLM is back.
import { makeOperator } from "../support/auth";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { FleetLMRest } from "@fleetlm/client";
import { startFleetlmDev, type FleetlmDevServer } from "@fleetlm/dev";
import { db } from "~/db.server";
import { gatewayStatus, startGateway, stopGateway } from "~/fleetlm-sync/gateway.server";
import { syncSessionNow } from "~/fleetlm-sync/sync-queue.server";
import { unreadFor } from "~/inbox/read-cursor.server";
import { liveBus } from "~/live/bus.server";

let dev: FleetlmDevServer;
let rest: FleetLMRest;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 15_000) {
  return vi.waitFor(
    async () => {
      if (!(await check())) throw new Error(`still waiting for ${what}`);
    },
    { timeout: timeoutMs, interval: 50 },
  );
}
const head = async (id: string) => (await (await db()).sessionIndex.findUnique({ where: { id } }))?.headSeq ?? -1;

beforeAll(async () => {
  dev = await startFleetlmDev({ port: 0 });
  rest = new FleetLMRest({ baseUrl: dev.url });
  await startGateway({ fleetlmUrl: dev.url, pollMs: 100, rejoinMs: 200, force: true });
});

afterAll(async () => {
  await stopGateway();
  await dev.close().catch(() => {});
});

describe("gateway under FleetLM faults", () => {
  it("survives garbage answers with one log line per problem, and catches up afterwards", async () => {
    const session = await rest.createSession({ userId: "fault-user", agentId: "fault-agent" });
    await rest.appendMessage(session.id, { userId: "fault-user", content: { text: "one" } });
    await waitFor("indexed", async () => (await head(session.id)) === 1);

    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const gatewayEvents: boolean[] = [];
    const off = liveBus().subscribe(({ event }) => event.type === "gateway" && gatewayEvents.push(event.fleetlmReachable));
    dev.faults.set({ mode: "garbage" });
    // Several failed attempts (polls back off: 200, 400, 800 ms…), so "one line per problem" is tested over retries.
    await waitFor("several garbage answers", () => dev.faults.answered() >= 4);
    expect(gatewayStatus()).toMatchObject({ running: true, fleetlmReachable: false });
    // The last error may be a poll's or a (reconciliation) sync's: both read garbage now.
    expect(gatewayStatus().lastError).toMatch(/not JSON/);
    const failing = warn.mock.calls.filter(([line]) => String(line).includes("failing"));
    expect(failing.some(([line]) => String(line).includes("session list poll"))).toBe(true);
    expect(failing.length).toBeLessThanOrEqual(3); // one per kind of problem, not one per attempt
    expect(await syncSessionNow(session.id)).toBeNull(); // never throws

    dev.faults.set({ mode: null });
    await rest.appendMessage(session.id, { userId: "fault-user", content: { text: "two" } });
    await waitFor("caught up", async () => (await head(session.id)) === 2);
    await waitFor("reachable again", () => gatewayStatus().fleetlmReachable);
    // Unreachable once the garbage starts, reachable at the end. An attempt that set out while FleetLM answered
    // garbage may land after the first good answer, so the middle may flap once (seen on PostgreSQL's slower writes).
    expect(gatewayEvents[0]).toBe(false);
    expect(gatewayEvents.at(-1)).toBe(true);
    expect(gatewayEvents.length).toBeLessThanOrEqual(4);
    expect(warn.mock.calls.some(([line]) => String(line).includes("recovered"))).toBe(true);
    off();
    warn.mockRestore();
    const op = await makeOperator("operator");
    expect(await unreadFor(op.id, session.id)).toBe(2);
  });

  it("keeps running with FleetLM gone, logging once", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    await dev.close();
    await waitFor("disconnect noticed", () => !gatewayStatus().connected);
    await sleep(1_500);
    expect(gatewayStatus()).toMatchObject({ running: true, connected: false, fleetlmReachable: false });
    expect(warn.mock.calls.length).toBeLessThanOrEqual(3);
    warn.mockRestore();
  });
});
