// The gateway's session sync against a FleetLM with real storage (protocol §13): a catch-up of many pages while
// the newest messages are unflushed leaves the session index and the reply index complete, and a seq FleetLM
// lost is recorded, skipped and never counted as unread.
import "../support/db";
import { FleetLMRest } from "@fleetlm/client";
import { startFleetlmDev, type FleetlmDevServer } from "@fleetlm/dev";
import { afterEach, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { resetEnvCache } from "~/env.server";
import { resetFleetlm } from "~/fleetlm/fleetlm.server";
import { readExact } from "~/fleetlm/losses.server";
import { syncSessionNow } from "~/fleetlm-sync/sync-queue.server";
import { parseInboxParams, queryInbox } from "~/inbox/inbox-query.server";
import { unreadFor } from "~/inbox/read-cursor.server";
import { makeOperator } from "../support/auth";

let server: FleetlmDevServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function start(storage: NonNullable<Parameters<typeof startFleetlmDev>[0]>["storage"]) {
  server = await startFleetlmDev({ port: 0, storage });
  process.env.FLEETLM_URL = server.url;
  resetEnvCache();
  resetFleetlm();
  return new FleetLMRest({ baseUrl: server.url });
}

const reply = (n: number) => ({
  agentId: "bot",
  kind: "assistant",
  content: { id: `r${n}`, role: "assistant", parts: [{ type: "text", text: `reply ${n}` }] },
  metadata: { termination: "finish" },
});

describe("gateway catch-up over holed pages", () => {
  it("700 messages in 4 pages with an unflushed tail: index head and reply index complete", async () => {
    const rest = await start({ mode: "real", unflushedNewest: 9, rings: 0 });
    const s = await rest.createSession({ userId: "alice", agentId: "bot" });
    for (let n = 1; n <= 700; n++) {
      await rest.appendMessage(s.id, n % 2 ? { userId: "alice", content: { text: `q ${n}` } } : (reply(n) as never));
    }
    // what a page-at-a-time reader would have believed: 200 per page, last seq as read-through
    const naive: number[] = [];
    for (let after = 0; ;) {
      const page = await rest.listMessages(s.id, { afterSeq: after, limit: 200 });
      naive.push(...page.map((m) => m.seq));
      if (page.length < 200) break;
      after = page.at(-1)!.seq;
    }
    expect(naive).toEqual([...Array.from({ length: 191 }, (_, i) => i + 1), ...Array.from({ length: 9 }, (_, i) => 692 + i)]);

    await syncSessionNow(s.id);
    const prisma = await db();
    expect((await prisma.sessionIndex.findUniqueOrThrow({ where: { id: s.id } })).headSeq).toBe(700);
    const replies = await prisma.replyIndex.findMany({ where: { sessionId: s.id }, select: { seq: true }, orderBy: { seq: "asc" } });
    expect(replies.map((r) => r.seq)).toEqual(Array.from({ length: 350 }, (_, i) => 2 * (i + 1)));
    expect(await prisma.lostSeq.count({ where: { sessionId: s.id } })).toBe(0);
  });

  it("a lost seq in the catch-up: recorded, the head moves past it, unread excludes it", async () => {
    // one shared ring flushed on every append: alice's #4–#5 land below bob's watermark and are lost
    const rest = await start({ mode: "real", unflushedNewest: 0, rings: 1 });
    const s = await rest.createSession({ userId: "alice", agentId: "bot" });
    const bob = await rest.createSession({ userId: "bob", agentId: "bot" });
    const say = (id: string, user: string) => rest.appendMessage(id, { userId: user, content: { text: "hi" } });
    for (let n = 0; n < 3; n++) await say(s.id, "alice"); // 1–3 flushed, watermark 3
    for (let n = 0; n < 5; n++) await say(bob.id, "bob"); // bob 4, 5 flush: watermark 5 (bob 1–3 lost)
    await say(s.id, "alice"); // #4 ≤ 5: waits
    await say(s.id, "alice"); // #5 ≤ 5: waits
    await say(bob.id, "bob"); // bob 6: watermark 6, alice 4–5 deleted
    await say(s.id, "alice"); // #6 ≤ 6: waits
    await say(s.id, "alice"); // #7 > 6: flushed, deletes #6
    expect(server!.storage.mode === "real" && server!.storage.model.lostSeqs(s.id)).toEqual([4, 5, 6]);
    const warn = console.warn;
    console.warn = () => {};
    try {
      await syncSessionNow(s.id);
    } finally {
      console.warn = warn;
    }
    const prisma = await db();
    const row = await prisma.sessionIndex.findUniqueOrThrow({ where: { id: s.id } });
    expect(row).toMatchObject({ headSeq: 7, lostCount: 3 });
    expect((await prisma.lostSeq.findMany({ where: { sessionId: s.id }, orderBy: { seq: "asc" } })).map((r) => r.seq)).toEqual([4, 5, 6]);
    const op = await makeOperator("operator");
    expect(await unreadFor(op.id, s.id)).toBe(4); // the stored user messages 1, 2, 3, 7; the lost ones never count
    // the inbox filter: sessions with lost messages (bob's, never synced here, is not indexed)
    await syncSessionNow(bob.id);
    const other = await rest.createSession({ userId: "carol", agentId: "bot" });
    await say(other.id, "carol");
    await syncSessionNow(other.id);
    const lost = await queryInbox(parseInboxParams(new URLSearchParams("lost=1")), op.id);
    const all = await queryInbox(parseInboxParams(new URLSearchParams("")), op.id);
    expect(lost.rows.map((r) => r.id).sort()).toEqual([s.id, bob.id].sort());
    expect(all.rows.map((r) => r.id)).toContain(other.id);
  });

  it("a loss found before the session was indexed (a session page opened by link) counts once the gateway indexes it", async () => {
    const rest = await start({ mode: "real", unflushedNewest: 0, rings: 1 });
    const s = await rest.createSession({ userId: "dora", agentId: "bot" });
    const eve = await rest.createSession({ userId: "eve", agentId: "bot" });
    const say = (id: string, user: string) => rest.appendMessage(id, { userId: user, content: { text: "hi" } });
    await say(s.id, "dora"); // #1 flushed, watermark 1
    for (let n = 0; n < 3; n++) await say(eve.id, "eve"); // watermark 3
    await say(s.id, "dora"); // #2 ≤ 3: waits
    await say(eve.id, "eve"); // watermark 4: dora's #2 deleted
    await say(s.id, "dora"); // #3 ≤ 4: waits
    await say(s.id, "dora"); // #4 ≤ 4: waits
    await say(s.id, "dora"); // #5 > 4: flushed, deletes #3 and #4
    expect(server!.storage.mode === "real" && server!.storage.model.lostSeqs(s.id)).toEqual([2, 3, 4]);
    const prisma = await db();
    const warn = console.warn;
    console.warn = () => {};
    try {
      // Read (the session page does this) while the index has no row for the session yet.
      expect(await prisma.sessionIndex.findUnique({ where: { id: s.id } })).toBeNull();
      expect((await readExact(s.id, { from: 1, to: 5 })).lost).toEqual([2, 3, 4]);
      await syncSessionNow(s.id);
    } finally {
      console.warn = warn;
    }
    expect(await prisma.sessionIndex.findUniqueOrThrow({ where: { id: s.id } })).toMatchObject({ headSeq: 5, lostCount: 3 });
    const op = await makeOperator("operator");
    const lost = await queryInbox(parseInboxParams(new URLSearchParams("lost=1&q=dora")), op.id);
    expect(lost.rows.map((r) => r.id)).toEqual([s.id]);
  });
});
