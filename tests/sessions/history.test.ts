import { call, makeOperator, request, type TestOperator } from "../support/auth";
import type { FleetLMRest } from "@fleetlm/client";
import type { FleetlmDevServer } from "@fleetlm/dev";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { fleetlm } from "~/fleetlm/fleetlm.server";
import { fleetlmHealth } from "~/fleetlm/health.server";
import { loader } from "~/routes/sessions.$id";
import type { SessionView } from "~/sessions/session-view.server";
import { REAL_STORAGE } from "../support/dev-storage";
import { pointConsoleAt, seedSession, startFleetlm } from "./fleetlm-fixture";

type Body = SessionView & { notes: unknown[] };

let server: FleetlmDevServer;
let rest: FleetLMRest;
let op: TestOperator;
let sessionId: string;

const open = async (query = "", as: TestOperator | null = op, id = sessionId) =>
  call(() => loader({ request: request(`/sessions/${id}${query}`, { as }), params: { id }, context: {} }));
const seqs = (body: unknown) => (body as Body).history!.messages.map((m) => m.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

beforeAll(async () => {
  ({ server, rest } = await startFleetlm());
  op = await makeOperator("operator");
  sessionId = (await seedSession(rest, 250)).id;
});
afterAll(async () => {
  await server.close();
});

describe("session loader paging", () => {
  it("opens at the tail with the last 100 messages", async () => {
    const res = await open();
    expect(res.status).toBe(200);
    const body = res.body as Body;
    expect(seqs(body)).toEqual(range(151, 250));
    expect(body.history).toMatchObject({ mode: "tail", headSeq: 250, hasOlder: true, hasNewer: false, highlight: null });
    expect(body.session).toMatchObject({ id: sessionId, userId: "alice", agentId: "agent-x", status: "active" });
    expect(body.history!.messages[0]!.content).toEqual({ text: "message 151" });
    expect(body.history!.messages[0]!.insertedAt).toMatch(/Z$/);
    expect(body.history!.messages[0]!.insertedAtRaw).not.toMatch(/Z$/);
    expect(body.degraded).toBeNull();
  });

  it("pages back with ?before= down to the first message", async () => {
    expect(seqs((await open("?before=151")).body)).toEqual(range(51, 150));
    const first = await open("?before=51");
    expect(seqs(first.body)).toEqual(range(1, 50));
    expect((first.body as Body).history!.hasOlder).toBe(false);
    expect(seqs((await open("?before=1")).body)).toEqual([]);
  });

  it("pages forward with ?after= and says whether newer messages exist", async () => {
    const middle = await open("?after=10");
    expect(seqs(middle.body)).toEqual(range(11, 110));
    expect((middle.body as Body).history!.hasNewer).toBe(true);
    const end = await open("?after=200");
    expect(seqs(end.body)).toEqual(range(201, 250));
    expect((end.body as Body).history!.hasNewer).toBe(false);
  });

  it("deep-links to ?seq=N with the message in the page and highlighted", async () => {
    const res = await open("?seq=60");
    const body = res.body as Body;
    expect(seqs(body)).toContain(60);
    expect(seqs(body).length).toBe(100);
    expect(seqs(body)[0]).toBeLessThan(60);
    expect(body.history).toMatchObject({ mode: "seq", highlight: 60, hasOlder: true, hasNewer: true });
    const near = await open("?seq=2");
    expect(seqs(near.body)[0]).toBe(1);
    expect((near.body as Body).history!.hasOlder).toBe(false);
  });

  it("answers 400 for a malformed page request", async () => {
    expect((await open("?before=abc")).status).toBe(400);
    expect((await open("?before=0")).status).toBe(400);
    expect((await open("?before=5&after=2")).status).toBe(400);
  });

  it("answers 404 for an unknown session", async () => {
    const res = await open("", op, "AZnope0000000000000000");
    expect(res.status).toBe(404);
  });

  it("reads an archived session", async () => {
    const archived = await seedSession(rest, 3);
    await rest.archiveSession(archived.id);
    const res = await open("", op, archived.id);
    expect(res.status).toBe(200);
    expect((res.body as Body).session.status).toBe("archived");
    expect(seqs(res.body)).toEqual([1, 2, 3]);
  });

  it("opens an empty session", async () => {
    const empty = await rest.createSession({ userId: "bob", agentId: "agent-x" });
    const res = await open("", op, empty.id);
    expect(res.status).toBe(200);
    expect((res.body as Body).history).toMatchObject({ messages: [], headSeq: 0, hasOlder: false });
  });

  it("lets every role read, and sends the signed-out to the login page", async () => {
    for (const role of ["auditor", "admin"] as const) expect((await open("", await makeOperator(role))).status).toBe(200);
    const res = await open("", null);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/^\/login/);
  });
});

describe("FleetLM round trips", () => {
  const counted = async (query: string, id = sessionId) => {
    const before = fleetlm().requestCount;
    const res = await open(query, op, id);
    return { res, trips: fleetlm().requestCount - before };
  };

  it("opens the tail in 1 round trip when the index knows the head", async () => {
    await (
      await db()
    ).sessionIndex.create({ data: { id: sessionId, userId: "alice", agentId: "agent-x", status: "active", createdAt: new Date(), headSeq: 250 } });
    const { res, trips } = await counted("");
    expect(seqs(res.body)).toEqual(range(151, 250));
    expect(trips).toBe(1); // one page read: the index row is the session's summary
  });

  it("still lands on the real tail when the index is a little behind, with no extra round trip", async () => {
    const behind = await seedSession(rest, 130);
    await (
      await db()
    ).sessionIndex.create({ data: { id: behind.id, userId: "alice", agentId: "agent-x", status: "active", createdAt: new Date(), headSeq: 115 } });
    const { res, trips } = await counted("", behind.id);
    expect(seqs(res.body)).toEqual(range(31, 130));
    expect((res.body as Body).history!.headSeq).toBe(130);
    expect(trips).toBe(1);
  });

  it("answers 404 for a session the index has but FleetLM does not (FleetLM reset under the index)", async () => {
    const gone = "SessionFleetLMNeverHad";
    await (await db()).sessionIndex.create({ data: { id: gone, userId: "alice", agentId: "agent-x", status: "active", createdAt: new Date(), headSeq: 12 } });
    const res = await call(() => loader({ request: request(`/sessions/${gone}`, { as: op }), params: { id: gone }, context: {} }));
    expect(res.status).toBe(404);
  });

  it("probes the head when the index is far behind, then reads the real tail", async () => {
    const far = await seedSession(rest, 200);
    await (await db()).sessionIndex.create({ data: { id: far.id, userId: "alice", agentId: "agent-x", status: "active", createdAt: new Date(), headSeq: 20 } });
    const { res, trips } = await counted("", far.id);
    expect(seqs(res.body)).toEqual(range(101, 200));
    expect(trips).toBeGreaterThan(2);
  });

  it("probes the head when the index does not know the session", async () => {
    const unknown = await seedSession(rest, 70);
    const { res, trips } = await counted("", unknown.id);
    expect(seqs(res.body)).toEqual(range(1, 70));
    expect(trips).toBeGreaterThan(2);
  });

  /** A session of its own, indexed at its head: its reads are not taught by another test's. */
  const indexedSession = async (count: number) => {
    const s = await seedSession(rest, count);
    await (
      await db()
    ).sessionIndex.create({ data: { id: s.id, userId: "alice", agentId: "agent-x", status: "active", createdAt: new Date(), headSeq: count } });
    return s.id;
  };

  it("reads an older page in 1 round trip (where unflushed messages hole it, one more the first time only)", async () => {
    const id = await indexedSession(250);
    const first = await counted("?before=151", id);
    expect(seqs(first.res.body)).toEqual(range(51, 150));
    // real storage: the newest 3 are unflushed, sort into the page first and push out 148–150: one re-read
    expect(first.trips).toBe(REAL_STORAGE ? 2 : 1);
    // ...after which the client leaves room for them (the unflushed tail it met), so the next page is one read
    const next = await counted("?before=101", id);
    expect(seqs(next.res.body)).toEqual(range(1, 100));
    expect(next.trips).toBe(1);
  });

  it("serves the page's own fetches (part=messages) with one read and no header", async () => {
    const id = await indexedSession(250);
    const { res, trips } = await counted("?before=201&part=messages", id);
    expect(trips).toBe(REAL_STORAGE ? 2 : 1); // the first holed page of the session: one re-read
    expect(seqs(res.body)).toEqual(range(101, 200));
    expect(res.body).not.toHaveProperty("session");
    expect(res.body).not.toHaveProperty("notes");
    const older = await counted("?before=101&part=messages", id);
    expect(older.trips).toBe(1);
    expect(seqs(older.res.body)).toEqual(range(1, 100));
    const tail = await counted("?part=messages", id);
    expect(seqs(tail.res.body)).toEqual(range(151, 250));
    expect(tail.trips).toBe(1); // the index knows the head
    // a session the index does not have yet: FleetLM is asked who its user and agent are once, not per page
    const unindexed = (await seedSession(rest, 250)).id;
    expect((await counted("?before=201&part=messages", unindexed)).trips).toBe(REAL_STORAGE ? 3 : 2);
    expect((await counted("?before=101&part=messages", unindexed)).trips).toBe(1);
    expect((await open("?part=messages", op, "AZnope0000000000000000")).status).toBe(404);
  });
});

describe("FleetLM unavailable", () => {
  it("shows a degraded page (503 with the reason), never a 500, and marks FleetLM unreachable", async () => {
    const { server: doomed, rest: doomedRest } = await startFleetlm();
    const session = await seedSession(doomedRest, 2);
    await doomed.close();
    const res = await open("", op, session.id);
    expect(res.status).toBe(503);
    const body = res.body as Body;
    expect(body.degraded?.reason).toMatch(/could not be reached/);
    expect(body.history).toBeNull();
    expect((await fleetlmHealth()).reachable).toBe(false);
    const part = await open("?after=1&part=messages", op, session.id);
    expect(part.status).toBe(503);
    expect((part.body as Body).degraded?.reason).toBeTruthy();
    pointConsoleAt(server.url);
  });

  it("uses the index for the header when FleetLM is down", async () => {
    const { server: doomed, rest: doomedRest } = await startFleetlm();
    const session = await seedSession(doomedRest, 2, { userId: "carol", agentId: "agent-z" });
    await (
      await db()
    ).sessionIndex.create({ data: { id: session.id, userId: "carol", agentId: "agent-z", status: "active", createdAt: new Date(), headSeq: 2 } });
    await doomed.close();
    const res = await open("", op, session.id);
    expect(res.status).toBe(503);
    expect((res.body as Body).session).toMatchObject({ userId: "carol", agentId: "agent-z" });
    pointConsoleAt(server.url);
  });
});
