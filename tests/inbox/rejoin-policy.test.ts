// Inbox re-joins follow activity (ADR 089): an inbox whose user was active in the last two minutes is re-joined
// every INBOX_REJOIN_MS, one active within the hour every GATEWAY_WARM_REJOIN_MS, a quieter one every
// GATEWAY_COLD_REJOIN_MS; new messages found by any signal make their user active at once.
import "../support/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { gatewayStatus, inboxSchedule, startGateway, stopGateway } from "~/fleetlm-sync/gateway.server";
import { nudgeSession } from "~/fleetlm-sync/sync-queue.server";
import { activityClass, nextRejoinAt, type RejoinPolicy } from "~/fleetlm-sync/rejoin-policy";
import { startWorld, type World } from "../takeover/support";

const POLICY: RejoinPolicy = { hotMs: 1_000, hotForMs: 120_000, warmMs: 10_000, warmForMs: 3_600_000, coldMs: 60_000 };

describe("the policy", () => {
  it("classes a user by how long ago their sessions moved, and schedules the next re-join by class", () => {
    const now = 10_000_000;
    expect([0, 119_999, 120_000, 3_599_999, 3_600_000].map((quiet) => activityClass(POLICY, now - quiet, now))).toEqual(["hot", "hot", "warm", "warm", "cold"]);
    expect(nextRejoinAt(POLICY, now, now)).toBe(now + 1_000);
    expect(nextRejoinAt(POLICY, now - 600_000, now, () => 0.5)).toBe(now + 10_000);
    expect(nextRejoinAt(POLICY, 0, now, () => 0.5)).toBe(now + 60_000);
  });

  it("spreads warm and cold re-joins by ±25 %, so users discovered together do not fall due together (ADR 208)", () => {
    const now = 10_000_000;
    expect([0, 0.999_999].map((r) => nextRejoinAt(POLICY, now - 600_000, now, () => r))).toEqual([now + 7_500, now + 12_500]);
    expect([0, 0.999_999].map((r) => nextRejoinAt(POLICY, 0, now, () => r))).toEqual([now + 45_000, now + 75_000]);
    // The hot rate is not spread: it is the freshness of active users.
    expect(nextRejoinAt(POLICY, now, now, () => 0)).toBe(now + 1_000);
    // 1,000 cold users re-joined in one instant fall due over the whole ±25 % window, not in one tick.
    const due = Array.from({ length: 1_000 }, () => nextRejoinAt(POLICY, 0, now) - now);
    expect(Math.min(...due)).toBeGreaterThanOrEqual(45_000);
    expect(Math.max(...due)).toBeLessThanOrEqual(75_000);
    const seconds = new Set(due.map((ms) => Math.floor(ms / 1_000)));
    expect(seconds.size).toBeGreaterThan(25);
  });
});

describe("the gateway", () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => {
    await stopGateway();
    await world.server.close();
  });

  it("re-joins a long-quiet user's inbox at the cold rate, and at the active rate once their session moves", async () => {
    const hot = await world.rest.createSession({ userId: "rejoin-hot", agentId: "rejoin-agent" });
    const cold = await world.rest.createSession({ userId: "rejoin-cold", agentId: "rejoin-agent" });
    const prisma = await db();
    const indexRow = (id: string, userId: string, lastActivityAt: Date) =>
      prisma.sessionIndex.create({ data: { id, userId, agentId: "rejoin-agent", status: "active", createdAt: new Date(), headSeq: 0, lastActivityAt } });
    await indexRow(hot.id, "rejoin-hot", new Date());
    await indexRow(cold.id, "rejoin-cold", new Date(Date.now() - 3 * 3_600_000));

    await startGateway({
      fleetlmUrl: world.server.url,
      pollMs: 60_000,
      rejoinMs: 100,
      rejoin: { warmMs: 30_000, coldMs: 600_000 },
      sweepPerSecond: 0,
      // Off: a hot user whose sessions are all pushed is re-joined at the warm rate (ADR 208, hot-pushes.test.ts).
      hotPushes: false,
      force: true,
    });
    // Both are joined once at start (a first join is always due); after it, each is due by its class.
    await expect.poll(() => inboxSchedule("rejoin-cold")?.joined && inboxSchedule("rejoin-hot")?.joined, { timeout: 20_000 }).toBe(true);
    expect(gatewayStatus().inboxClasses).toMatchObject({ hot: 1, cold: 1 });
    const coldNow = inboxSchedule("rejoin-cold")!;
    expect(coldNow.class).toBe("cold");
    expect(coldNow.dueAt - Date.now()).toBeGreaterThan(400_000); // 600 s less the 25 % spread
    const before = gatewayStatus().refreshes;
    await expect.poll(() => gatewayStatus().refreshes, { timeout: 20_000 }).toBeGreaterThan(before + 3); // the hot one, again and again
    expect(inboxSchedule("rejoin-cold")!.dueAt).toBe(coldNow.dueAt); // never re-joined meanwhile

    // The quiet user writes; a push (here a nudge, as the gate sends) syncs it, and the user is active again.
    await world.rest.appendMessage(cold.id, { userId: "rejoin-cold", content: { text: "back again" } });
    nudgeSession(cold.id);
    await expect.poll(() => inboxSchedule("rejoin-cold")?.class, { timeout: 20_000 }).toBe("hot");
    expect(inboxSchedule("rejoin-cold")!.dueAt - Date.now()).toBeLessThanOrEqual(100);
  });
});
