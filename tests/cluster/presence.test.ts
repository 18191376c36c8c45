// Presence merged across processes (ADR 170): two PostgreSQL buses with their own connections stand in for two
// Console processes. A's view holds the viewers B publishes (never its own events), replaces them with B's
// newest list, and drops them once B's bus is gone from PostgreSQL (as after a SIGKILL), saying which sessions
// changed. The three-process version is tests/cluster/processes.test.ts.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { TEST_DATABASE_URL } from "../support/db";
import { PostgresLiveBus } from "~/live/postgres-bus.server";
import { ClusterPresence } from "~/live/presence.server";

const onPostgres = /^postgres(ql)?:\/\//.test(TEST_DATABASE_URL);
const bea = { id: "op-bea", name: "Bea" };
const cal = { id: "op-cal", name: "Cal" };

describe.skipIf(!onPostgres)("presence across processes (PostgreSQL)", () => {
  let a: PostgresLiveBus;
  let b: PostgresLiveBus;
  let presence: ClusterPresence;
  const dropped: string[][] = [];
  beforeAll(async () => {
    a = new PostgresLiveBus({ databaseUrl: TEST_DATABASE_URL });
    b = new PostgresLiveBus({ databaseUrl: TEST_DATABASE_URL });
    await Promise.all([a.ready, b.ready]);
    presence = new ClusterPresence(a, { sweepMs: 100, onDropped: (ids) => dropped.push(ids) });
  });
  afterAll(async () => {
    presence?.close();
    await Promise.all([a?.close(), b?.close()]);
  });

  it("lists both buses among the live origins", async () => {
    const origins = await a.liveOrigins();
    expect(origins.has(a.origin)).toBe(true);
    expect(origins.has(b.origin)).toBe(true);
  });

  it("merges what the other process publishes, newest list wins, ignores its own, and forgets a process that is gone", async () => {
    b.publish({ type: "presence", sessionId: "s-1", viewers: [bea] });
    b.publish({ type: "presence", sessionId: "s-2", viewers: [cal] });
    a.publish({ type: "presence", sessionId: "s-1", viewers: [{ id: "op-self", name: "Self" }] }); // local viewers are the caller's
    await vi.waitFor(() => expect(presence.remoteViewers("s-2")).toEqual([cal]), { timeout: 5_000, interval: 10 });
    await a.flushed();
    expect(presence.remoteViewers("s-1")).toEqual([bea]);

    b.publish({ type: "presence", sessionId: "s-1", viewers: [bea, cal] });
    await vi.waitFor(() => expect(presence.remoteViewers("s-1")).toEqual([bea, cal]), { timeout: 5_000, interval: 10 });
    b.publish({ type: "presence", sessionId: "s-1", viewers: [] });
    await vi.waitFor(() => expect(presence.remoteViewers("s-1")).toEqual([]), { timeout: 5_000, interval: 10 });

    // B goes away: its connections close, PostgreSQL no longer lists it, and its viewers of s-2 go.
    expect(dropped).toEqual([]);
    await b.close();
    await vi.waitFor(() => expect(dropped).toEqual([["s-2"]]), { timeout: 5_000, interval: 20 });
    expect(presence.remoteViewers("s-2")).toEqual([]);
  });
});
