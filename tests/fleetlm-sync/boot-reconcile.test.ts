// The boot reconciliation in batches (ADR 198): every session of every first inbox snapshot is re-read, but the index
// is asked in one query per few hundred sessions, and only the sessions FleetLM has news for (or the index lacks)
// take the sync path. Exactness is unchanged: messages that no inbox ever mentioned are all found.
import "../support/db";
import { storeQuietly, withDevServerAndGateway } from "../support/dev-server";
import { describe, expect, it } from "vitest";
import type { Session } from "@fleetlm/client";
import { randomUUID } from "node:crypto";
import { db } from "~/db.server";
import { gatewayStatus, startGateway } from "~/fleetlm-sync/gateway.server";
import { HEAD_LOOKUP_BATCH, indexedHeads } from "~/inbox/session-index.server";

const AGENT = "boot-bot";
const USERS = 30;
const PER_USER = 20; // 600 sessions: three head lookups of 250
const live = withDevServerAndGateway();

/** A message straight into FleetLM's store: no notification, so no inbox entry shows it. */
function unnoticed(sessionId: string, userId: string, text: string) {
  storeQuietly(live.dev, { sessionId, from: userId, content: { text } });
}

describe("boot reconciliation", () => {
  it("looks up heads in batches: every id it holds, none it does not", async () => {
    const prisma = await db();
    const prefix = `heads-${randomUUID().slice(0, 6)}`;
    const ids = Array.from({ length: HEAD_LOOKUP_BATCH + 7 }, (_, i) => `${prefix}-${i}`);
    await prisma.sessionIndex.createMany({
      data: ids.map((id, i) => ({ id, userId: `${prefix}-u`, agentId: AGENT, status: "active", createdAt: new Date(), headSeq: i })),
    });
    const heads = await indexedHeads([...ids, `${prefix}-missing`]);
    expect(heads.size).toBe(ids.length);
    expect(ids.every((id, i) => heads.get(id) === i)).toBe(true);
    expect(heads.has(`${prefix}-missing`)).toBe(false);
  });

  it("re-reads all 600 sessions of 30 first snapshots and syncs only the 7 FleetLM has news for", async () => {
    const prefix = `boot-${randomUUID().slice(0, 6)}`;
    const sessions: Session[] = [];
    for (let u = 0; u < USERS; u++) {
      for (let s = 0; s < PER_USER; s++) sessions.push(await live.rest.createSession({ userId: `${prefix}-${u}`, agentId: AGENT }));
    }
    const prisma = await db();
    await prisma.sessionIndex.createMany({
      data: sessions.map((s) => ({ id: s.id, userId: s.user_id, agentId: AGENT, status: "active", createdAt: s.insertedAt })),
    });
    // News in seven sessions spread over the batches, one of them two messages deep.
    const news = [0, 99, 250, 251, 400, 598, 599].map((i) => sessions[i]!);
    for (const session of news) unnoticed(session.id, session.user_id, "while the Console was down");
    unnoticed(news[3]!.id, news[3]!.user_id, "and again");

    await startGateway({ fleetlmUrl: live.dev.url, pollMs: 60_000, rejoinMs: 1_000, sweepPerSecond: 0, force: true, hotPushes: false });
    await expect.poll(() => gatewayStatus().reconciled, { timeout: 30_000 }).toBeGreaterThanOrEqual(sessions.length);
    await expect.poll(() => gatewayStatus().pendingReconciles + gatewayStatus().syncing, { timeout: 30_000 }).toBe(0);

    const heads = await indexedHeads(sessions.map((s) => s.id));
    const expected = new Map(sessions.map((s) => [s.id, 0]));
    for (const session of news) expected.set(session.id, 1);
    expected.set(news[3]!.id, 2);
    expect(heads).toEqual(expected);
    // The other 593 cost one empty FleetLM read each and no sync.
    expect(gatewayStatus().syncs).toBe(news.length);
  });
});
