// The live bus across processes on PostgreSQL (ADR 131): two buses with their own connections stand in for two
// Console processes. An event published on B reaches a stream on A; a reconnect with Last-Event-ID that lands on
// the other process resumes with no lost and no duplicated event, even while events keep coming; the replay
// table keeps one copy of a message both processes saw; a chunk stays with the process that relayed it.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_DATABASE_URL } from "../support/db";
import type { LiveEvent } from "~/live/events";
import { PostgresLiveBus } from "~/live/postgres-bus.server";
import { createLiveStream } from "~/live/sse.server";

const onPostgres = /^postgres(ql)?:\/\//.test(TEST_DATABASE_URL);

const changed = (sessionId: string): LiveEvent => ({
  type: "session.changed",
  sessionId,
  userId: "u",
  agentId: "a",
  headSeq: 1,
  lastActivityAt: null,
  lastSenderRole: "user",
  lastPreview: "nul \u0000 and emoji 🙂",
});
const message = (sessionId: string, seq: number): LiveEvent => ({
  type: "message",
  sessionId,
  message: { id: `m${seq}`, sessionId, seq, senderId: "u", kind: "text", content: { text: "hi" }, metadata: {}, insertedAt: new Date().toISOString() },
});

type Frame = { id: number; data: { type: string; sessionId?: string } & Record<string, unknown> };

/** A subscriber's stream; `until` resolves as soon as the frames read so far satisfy the predicate. */
function openStream(bus: PostgresLiveBus, lastEventId: number | null, watched: string[] = []) {
  const controller = new AbortController();
  const body = createLiveStream({
    bus,
    subscriber: { operatorId: "op", watched: new Set(watched) },
    lastEventId,
    signal: controller.signal,
    heartbeatMs: 60_000,
  });
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const frames: Frame[] = [];
  let text = "";
  const until = async (done: (frames: Frame[]) => boolean, timeoutMs = 5_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!done(frames)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`gave up after ${timeoutMs} ms; frames: ${JSON.stringify(frames.map((f) => [f.id, f.data.type, f.data.sessionId]))}`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const chunk = await Promise.race([reader.read(), new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), left)))]);
      clearTimeout(timer);
      if (chunk === null) continue;
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
      let cut: number;
      while ((cut = text.indexOf("\n\n")) >= 0) {
        const block = text.slice(0, cut);
        text = text.slice(cut + 2);
        const id = /^id: (\d+)$/m.exec(block);
        const data = /^data: (.*)$/m.exec(block);
        if (id && data) frames.push({ id: Number(id[1]), data: JSON.parse(data[1]!) });
      }
    }
    return frames;
  };
  return { frames, until, close: () => controller.abort() };
}

const sessionsOf = (frames: Frame[]) => frames.filter((f) => f.data.type === "session.changed").map((f) => f.data.sessionId);

describe.skipIf(!onPostgres)("live bus across processes (PostgreSQL)", () => {
  let a: PostgresLiveBus;
  let b: PostgresLiveBus;
  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query("DROP SCHEMA IF EXISTS console_cluster CASCADE");
    await admin.end();
    a = new PostgresLiveBus({ databaseUrl: TEST_DATABASE_URL });
    b = new PostgresLiveBus({ databaseUrl: TEST_DATABASE_URL });
    await Promise.all([a.ready, b.ready]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  it("delivers an event published on B to a stream on A", async () => {
    const stream = openStream(a, null);
    await stream.until((frames) => frames.some((f) => f.data.type === "hello"));
    b.publish(changed("from-b"));
    const frames = await stream.until((all) => sessionsOf(all).includes("from-b"));
    const event = frames.find((f) => f.data.sessionId === "from-b")!;
    expect(event.data.lastPreview).toBe("nul \u0000 and emoji 🙂");
    stream.close();
  });

  it("resumes on the other process from Last-Event-ID with no lost and no duplicated event, while events keep coming", async () => {
    const first = openStream(a, null);
    await first.until((frames) => frames.some((f) => f.data.type === "hello"));
    for (let i = 0; i < 5; i++) (i % 2 ? a : b).publish(changed(`r${i}`));
    const seen = await first.until((frames) => sessionsOf(frames).length === 5);
    // The tab goes away after r2 (the connection to A broke); events r3.. keep being published everywhere.
    const resumeAt = seen.find((f) => f.data.sessionId === "r2")!.id;
    first.close();
    for (let i = 5; i < 40; i++) (i % 2 ? a : b).publish(changed(`r${i}`));
    const second = openStream(b, resumeAt); // the reconnect lands on B
    for (let i = 40; i < 60; i++) (i % 2 ? a : b).publish(changed(`r${i}`));
    // A's publishes may all commit before B's: the end marker goes out once both are committed.
    await Promise.all([a.flushed(), b.flushed()]);
    b.publish(changed("end"));
    const resumed = await second.until((frames) => sessionsOf(frames).includes("end"));
    second.close();
    // Publishes from two processes interleave (r3 may commit before r2): what follows r2 is what got a later id.
    const expected = [
      ...seen.filter((f) => f.data.type === "session.changed" && f.id > resumeAt).map((f) => f.data.sessionId),
      ...Array.from({ length: 55 }, (_, i) => `r${i + 5}`),
      "end",
    ];
    // Each process's own order holds, and each event arrives once.
    const got = sessionsOf(resumed);
    expect([...got].sort()).toEqual([...expected].sort());
    expect(new Set(got).size).toBe(got.length);
    const ids = resumed.filter((f) => f.data.type === "session.changed").map((f) => f.id);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(resumed[0]).toEqual({ id: resumeAt, data: { type: "hello" } });
    for (const bus of [a, b]) {
      const own = got.filter((s) => s !== "end" && Number(s!.slice(1)) % 2 === (bus === a ? 1 : 0));
      expect(own).toEqual([...own].sort((x, y) => Number(x!.slice(1)) - Number(y!.slice(1))));
    }
  });

  it("keeps one copy of a message both processes saw, and a chunk with the process that relayed it", async () => {
    const onA = openStream(a, null, ["s-m"]);
    await onA.until((frames) => frames.some((f) => f.data.type === "hello"));
    a.publish(message("s-m", 7));
    b.publish(message("s-m", 7));
    b.publish({ type: "chunk", sessionId: "s-m", agentId: "ag", chunk: { type: "text-delta", delta: "from B" } });
    a.publish({ type: "chunk", sessionId: "s-m", agentId: "ag", chunk: { type: "text-delta", delta: "from A" } });
    a.publish(changed("after"));
    const frames = await onA.until((all) => sessionsOf(all).includes("after"));
    onA.close();
    expect(frames.filter((f) => f.data.type === "message")).toHaveLength(1);
    expect(frames.filter((f) => f.data.type === "chunk").map((f) => (f.data.chunk as { delta: string }).delta)).toEqual(["from A"]);
  });

  it("delivers what another process publishes when this one's LISTEN connection hears nothing (the follower's stall)", async () => {
    const log: string[] = [];
    const deaf = new PostgresLiveBus({ databaseUrl: TEST_DATABASE_URL, log: (line) => log.push(line) });
    await deaf.ready;
    try {
      // A LISTEN connection that stays open but no longer hears NOTIFY (half-open TCP, a LISTEN lost at boot):
      // only this process's own publishes used to wake its reads, so its tabs stalled on everyone else's events.
      await (deaf as unknown as { listener: pg.Client }).listener.query("UNLISTEN *");
      const stream = openStream(deaf, null);
      await stream.until((frames) => frames.some((f) => f.data.type === "hello"));
      const published = Date.now();
      b.publish(changed("to-the-deaf"));
      await stream.until((all) => sessionsOf(all).includes("to-the-deaf"), 5_000);
      expect(Date.now() - published).toBeLessThan(3_000); // within the catch-up interval (1 s) and a read
      stream.close();
    } finally {
      await deaf.close();
    }
  });

  it("answers an id that was pruned, or that this database never gave out, with reset", async () => {
    a.publish(changed("p1"));
    await Promise.all([a.flushed(), b.flushed()]);
    const head = a.lastId;
    expect(await a.since(head + 1_000)).toBeNull();
    const small = new PostgresLiveBus({ databaseUrl: TEST_DATABASE_URL, maxEvents: 2 });
    await small.ready;
    await small.prune();
    expect(await small.since(1)).toBeNull();
    expect((await small.since(head - 1))?.map((d) => d.id)).toEqual([head]);
    await small.close();
    const stream = openStream(b, 1);
    const frames = await stream.until((all) => all.length > 0);
    stream.close();
    expect(frames[0]!.data.type).toBe("reset");
  });
});
