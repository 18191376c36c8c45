// Sessions indexed before full-text search existed (ADR 150): their old messages have no text row, so search
// cannot find them until the background pass reads them from FleetLM. It must make them findable, write each
// seq once (a second run and a re-run from scratch do nothing), and resume where an interruption left it.
import "../support/db";
import { randomUUID } from "node:crypto";
import type { FleetLMRest } from "@fleetlm/client";
import type { FleetlmDevServer } from "@fleetlm/dev";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { parseInboxParams, queryInbox } from "~/inbox/inbox-query.server";
import { BACKFILL_KEY, backfillProgress, backfillStep, runSearchBackfill } from "~/inbox/search-backfill.server";
import { applyMessages, findIndexed } from "~/inbox/session-index.server";
import { makeOperator } from "../support/auth";
import { pointConsoleAt, startFleetlm } from "../sessions/fleetlm-fixture";

const AGENT = "backfill-agent";
let server: FleetlmDevServer;
let rest: FleetLMRest;
let me: string;

beforeAll(async () => {
  ({ server, rest } = await startFleetlm());
  me = (await makeOperator("operator")).id;
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  const prisma = await db();
  await prisma.consoleSetting.deleteMany({ where: { key: BACKFILL_KEY } });
  await prisma.indexedMessage.deleteMany({});
  await prisma.sessionIndex.deleteMany({});
});

const ids = async (q: string) => (await queryInbox(parseInboxParams(new URL(`http://x/inbox?q=${encodeURIComponent(q)}`)), me)).rows.map((r) => r.id);
const textRows = async (sessionId: string) =>
  (await db()).indexedMessage.findMany({ where: { sessionId }, orderBy: { seq: "asc" }, select: { seq: true, role: true, body: true } });

/**
 * A FleetLM session with these texts (user and agent in turn), indexed as the index did before IndexedMessage:
 * its head at the last seq and no text rows.
 */
async function oldSession(texts: string[]) {
  const userId = `old-${randomUUID().slice(0, 8)}`;
  const session = await rest.createSession({ userId, agentId: AGENT });
  for (const [i, text] of texts.entries()) {
    await rest.appendMessage(session.id, i % 2 === 0 ? { userId, content: { text } } : { agentId: AGENT, content: { text } });
  }
  await (
    await db()
  ).sessionIndex.create({
    data: {
      id: session.id,
      userId,
      agentId: AGENT,
      status: "active",
      createdAt: new Date(),
      headSeq: texts.length,
      userCount: texts.length,
      lastActivityAt: new Date(),
    },
  });
  return { ...session, userId };
}

describe("the search backfill", () => {
  it("makes old sessions findable by their text, writes each seq once, and a second run does nothing", async () => {
    const tag = randomUUID().slice(0, 6);
    const a = await oldSession([`my parcel quokka${tag} is late`, `sorry about the quokka${tag} delay`]);
    // b was indexed before the migration up to seq 2, then the sync indexed seq 3 with its text.
    const b = await oldSession([`wombat${tag} first words`, "agent answer"]);
    await rest.appendMessage(b.id, { userId: b.userId, content: { text: `newer numbat${tag}` } });
    await applyMessages((await findIndexed(b.id))!, await rest.listMessages(b.id, { afterSeq: 2 }));
    expect((await textRows(b.id)).map((r) => r.seq)).toEqual([3]);
    expect(await ids(`quokka${tag}`)).toEqual([]);
    expect(await ids(`wombat${tag}`)).toEqual([]);
    expect(await ids(`numbat${tag}`)).toEqual([b.id]);

    const progress = await runSearchBackfill();
    expect(progress).toMatchObject({ scanned: 2, sessions: 2, messages: 4, total: 2, error: null });
    expect(progress.finishedAt).not.toBeNull();
    expect(await ids(`quokka${tag}`)).toEqual([a.id]);
    expect(await ids(`wombat${tag}`)).toEqual([b.id]);
    expect(await textRows(a.id)).toEqual([
      { seq: 1, role: "user", body: `my parcel quokka${tag} is late` },
      { seq: 2, role: "agent", body: `sorry about the quokka${tag} delay` },
    ]);
    expect((await textRows(b.id)).map((r) => r.seq)).toEqual([1, 2, 3]);

    // A second run does nothing: the pass is finished.
    expect(await runSearchBackfill()).toEqual(progress);
    // Even from scratch (progress lost), nothing is written twice.
    await (await db()).consoleSetting.deleteMany({ where: { key: BACKFILL_KEY } });
    expect(await runSearchBackfill()).toMatchObject({ scanned: 2, sessions: 0, messages: 0 });
    expect((await textRows(a.id)).map((r) => r.seq)).toEqual([1, 2]);
    expect((await textRows(b.id)).map((r) => r.seq)).toEqual([1, 2, 3]);
  });

  it("resumes where it stopped: after a step, and after FleetLM was unreachable", async () => {
    const tag = randomUUID().slice(0, 6);
    const sessions = [];
    for (let i = 0; i < 5; i++) sessions.push(await oldSession([`emu${tag}n${i} hello`, "hi"]));
    const order = sessions.map((s) => s.id).sort();

    // One step of two sessions, then the process "restarts" (all progress is in the database).
    const first = await backfillStep({ batch: 2 });
    expect(first).toMatchObject({ done: false, written: 4, progress: { after: order[1], scanned: 2, sessions: 2, messages: 4 } });
    const found = async () => {
      const out: string[] = [];
      for (let i = 0; i < 5; i++) out.push(...(await ids(`emu${tag}n${i}`)));
      return out.sort();
    };
    expect(await found()).toEqual(order.slice(0, 2));

    // FleetLM unreachable: the step fails, says why, and keeps its place.
    pointConsoleAt("http://127.0.0.1:9");
    await expect(backfillStep({ batch: 2 })).rejects.toThrow();
    expect(await backfillProgress()).toMatchObject({ after: order[1], scanned: 2, messages: 4 });
    expect((await backfillProgress()).error).toBeTruthy();

    pointConsoleAt(server.url);
    const done = await runSearchBackfill();
    expect(done).toMatchObject({ scanned: 5, sessions: 5, messages: 10, error: null });
    expect(await found()).toEqual(order);
    for (const id of order) expect((await textRows(id)).map((r) => r.seq)).toEqual([1, 2]);
  });

  it("skips sessions the sync indexed from their first message without reading FleetLM", async () => {
    const tag = randomUUID().slice(0, 6);
    const s = await oldSession([`kiwi${tag}`]);
    await (await db()).indexedMessage.create({ data: { sessionId: s.id, seq: 1, role: "user", body: `kiwi${tag}`, at: new Date() } });
    pointConsoleAt("http://127.0.0.1:9"); // a read would fail the pass
    try {
      expect(await runSearchBackfill()).toMatchObject({ scanned: 1, sessions: 0, messages: 0, error: null });
    } finally {
      pointConsoleAt(server.url);
    }
  });
});
