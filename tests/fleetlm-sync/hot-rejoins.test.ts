// Hot users' inbox re-joins come first each tick, and 16 of the 64 join places are kept for them (ADR 208): with
// FleetLM answering joins slowly (the dev server's `delayJoins`) and 200 cold users due at once, a hot user is not
// left behind them.
import "../support/db";
import { withDevServerAndGateway } from "../support/dev-server";
import { afterEach, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { db } from "~/db.server";
import { inboxSchedule, startGateway } from "~/fleetlm-sync/gateway.server";
import { HOT_RESERVED, MAX_REFRESHING } from "~/fleetlm-sync/inbox-subscriptions.server";

const AGENT = "rejoin-order-bot";
const COLD = 200;
const live = withDevServerAndGateway();

/** COLD users the index knows, quiet for a day (their inboxes are due at once: a first join). */
async function coldUsers(prefix: string): Promise<string[]> {
  const users = Array.from({ length: COLD }, (_, i) => `${prefix}-cold-${String(i).padStart(3, "0")}`);
  const dayAgo = new Date(Date.now() - 86_400_000);
  const prisma = await db();
  await prisma.sessionIndex.createMany({
    data: users.map((userId) => ({ id: randomUUID(), userId, agentId: AGENT, status: "active", createdAt: dayAgo, headSeq: 0, lastActivityAt: dayAgo })),
  });
  return users;
}

const answered = (users: string[]) => users.filter((user) => (inboxSchedule(user)?.refreshes ?? 0) >= 1).length;

describe("hot re-joins first", () => {
  afterEach(() => live.dev.faults.delayJoins(0));

  it("serves a hot user's due re-join before the cold ones due with it", async () => {
    const prefix = `order-${randomUUID().slice(0, 6)}`;
    const cold = await coldUsers(prefix);
    // Sorted after every cold user, so the plain round would reach it last.
    const hotUser = `${prefix}-zz-hot`;
    const session = await live.rest.createSession({ userId: hotUser, agentId: AGENT });
    const prisma = await db();
    await prisma.sessionIndex.create({
      data: { id: session.id, userId: hotUser, agentId: AGENT, status: "active", createdAt: new Date(), headSeq: 0, lastActivityAt: new Date() },
    });
    live.dev.faults.delayJoins(500);
    await startGateway({ fleetlmUrl: live.dev.url, pollMs: 60_000, rejoinMs: 1_000, sweepPerSecond: 0, hotPushes: false, force: true });
    await expect.poll(() => inboxSchedule(hotUser)?.refreshes, { timeout: 20_000, interval: 10 }).toBe(1);
    // At most the cold joins sent in the same ticks as the hot one are answered with it; the round alone would
    // have answered ~200 first.
    expect(answered(cold)).toBeLessThanOrEqual(MAX_REFRESHING - HOT_RESERVED);
    await expect.poll(() => answered(cold), { timeout: 30_000 }).toBe(COLD);
  });

  it("keeps 16 places for hot users while cold joins fill the rest", async () => {
    const prefix = `reserve-${randomUUID().slice(0, 6)}`;
    const cold = await coldUsers(prefix);
    live.dev.faults.delayJoins(1_500);
    const before = live.dev.faults.joins();
    await startGateway({ fleetlmUrl: live.dev.url, pollMs: 100, rejoinMs: 1_000, sweepPerSecond: 0, hotPushes: false, force: true });
    // Cold first joins take every place they may (48) and wait for FleetLM.
    const waiting = () => live.dev.faults.joins().received - before.received - (live.dev.faults.joins().answered - before.answered);
    await expect.poll(waiting, { timeout: 20_000, interval: 10 }).toBeGreaterThanOrEqual(MAX_REFRESHING - HOT_RESERVED);
    // A new user writes (first seen by the list poll: hot); a free place is there for them at once.
    const hotUser = `${prefix}-new-hot`;
    await live.rest.createSession({ userId: hotUser, agentId: AGENT });
    await expect.poll(() => inboxSchedule(hotUser)?.refreshes, { timeout: 20_000, interval: 10 }).toBe(1);
    // Answered with the first 48 cold joins, not after a second round of them.
    expect(answered(cold)).toBeLessThanOrEqual(MAX_REFRESHING - HOT_RESERVED);
    await expect.poll(() => answered(cold), { timeout: 30_000 }).toBe(COLD);
  });
});
