// Issue 19 part 2, end to end: three real Console processes (the production build, server.mjs) on one
// PostgreSQL database behind the round-robin proxy, as `npm run cluster` runs them, and a FleetLM dev server.
// The clients are browser-like: /live over HTTP with the session cookie and Last-Event-ID. Every wait is for the
// event or the line itself; the latencies the issue promises (1 s, 5 s) are measured and asserted.
// PostgreSQL only (`npm run test:pg`): on SQLite there is one Console process per database (ADR 130).
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { makeOperator, type TestOperator } from "../support/auth";
import { TEST_DATABASE_URL } from "../support/db";
import { fakeAgent, line } from "../takeover/http";
import { db } from "~/db.server";
import { unreadFor } from "~/inbox/read-cursor.server";
import { resetEnvCache } from "~/env.server";
import { resetFleetlm } from "~/fleetlm/fleetlm.server";
import { routeThroughConsole } from "~/agent-gate/gated-agents.server";
import { SIGNAL_CHANNEL } from "~/cluster/signals.server";
import { buildForPostgres, LEADS, startCluster, type Cluster, type ConsoleProcess } from "./processes";
import { openLive, type Frame, type LiveClient } from "./sse-client";

const onPostgres = /^postgres(ql)?:\/\//.test(TEST_DATABASE_URL);
const SKIP_REASON = "needs PostgreSQL: several Console processes share one database only there (run `npm run test:pg`)";

let cluster: Cluster;
let a: ConsoleProcess;
let b: ConsoleProcess;
let c: ConsoleProcess;
let alice: TestOperator;
let bob: TestOperator;
let admin: TestOperator;
const clients: LiveClient[] = [];
const cleanups: Array<() => Promise<unknown>> = [];

/** A form POST as a same-origin browser sends it to one process. */
function post(target: ConsoleProcess | string, path: string, as: TestOperator | null, form: Record<string, string>) {
  const base = typeof target === "string" ? target : target.url;
  const headers: Record<string, string> = { origin: base, "content-type": "application/x-www-form-urlencoded" };
  if (as) headers.cookie = as.cookie;
  return fetch(base + path, { method: "POST", headers, body: new URLSearchParams(form).toString(), redirect: "manual" });
}

async function live(target: ConsoleProcess | string, as: TestOperator, options: Parameters<typeof openLive>[2] = {}) {
  const client = await openLive(typeof target === "string" ? target : target.url, as.cookie, options);
  clients.push(client);
  return client;
}

/** A FleetLM session the leader's gateway has indexed. */
async function indexedSession(agentId = "demo-agent") {
  const session = await cluster.rest.createSession({ userId: `user-${randomUUID().slice(0, 8)}`, agentId });
  await vi.waitFor(async () => expect(await (await db()).sessionIndex.findUnique({ where: { id: session.id } })).not.toBeNull(), {
    timeout: 15_000,
    interval: 50,
  });
  return session;
}

const viewersOf = (frame: Frame) => ((frame.data.viewers as { id: string }[] | undefined) ?? []).map((viewer) => viewer.id).sort();
const lastPresence = (frames: Frame[]) => frames.filter((frame) => frame.data.type === "presence").at(-1);

describe.skipIf(!onPostgres)(`three Console processes behind the proxy (${onPostgres ? "PostgreSQL" : SKIP_REASON})`, { timeout: 90_000 }, () => {
  beforeAll(async () => {
    [alice, bob, admin] = await Promise.all([makeOperator("operator", { name: "Alice" }), makeOperator("operator", { name: "Bob" }), makeOperator("admin")]);
    buildForPostgres(TEST_DATABASE_URL);
    cluster = await startCluster({ databaseUrl: TEST_DATABASE_URL });
    [a, b, c] = cluster.processes as [ConsoleProcess, ConsoleProcess, ConsoleProcess];
    expect(cluster.leader()).toBe(a);
  }, 600_000);
  afterAll(async () => {
    clients.forEach((client) => client.close());
    for (const cleanup of cleanups) await cleanup();
    await cluster?.stop();
  });

  it("a tab on A sees presence, a takeover, typing and a note made on B within 1 s", async () => {
    const session = await indexedSession();
    const onA = await live(a, alice, { watch: [session.id] });
    await onA.until((frames) => frames.some((f) => f.data.type === "presence" && f.data.watching === true), "A to join the session's channel");

    const onB = await live(b, bob, { watch: [session.id] });
    // Presence is made on B when B has it: its own tab is told (B's viewers, and Alice once B heard of her).
    const bobArrives = (await onB.until((frames) => frames.some((f) => f.data.type === "presence"), "B's presence")).find(
      (f) => f.data.type === "presence",
    )!.at;
    const [seen] = (await onA.until((frames) => viewersOf(lastPresence(frames)!).length === 2, "Bob among A's viewers")).slice(-1);
    expect(viewersOf(lastPresence(onA.frames)!)).toEqual([alice.id, bob.id].sort());
    expect(seen!.at - bobArrives).toBeLessThan(1_000);
    // And the other way: B's tab is shown Alice, whom only A serves.
    await onB.until((frames) => viewersOf(lastPresence(frames)!).length === 2, "Alice among B's viewers");
    // The session page's loader on B knows both too.
    const page = await fetch(`${b.url}/sessions/${session.id}.data`, { headers: { cookie: bob.cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(alice.name);

    const claimed = Date.now();
    expect((await post(b, `/sessions/${session.id}/takeover`, bob, { intent: "claim" })).status).toBe(200);
    const takeover = (await onA.until((frames) => frames.some((f) => f.data.type === "takeover" && f.data.holder !== null), "the takeover on A")).find(
      (f) => f.data.type === "takeover",
    )!;
    expect((takeover.data.holder as { id: string }).id).toBe(bob.id);
    expect(takeover.at - claimed).toBeLessThan(1_000);

    const typed = Date.now();
    expect((await post(b, `/sessions/${session.id}/takeover`, bob, { intent: "typing" })).status).toBe(200);
    const typing = (await onA.until((frames) => frames.some((f) => f.data.type === "typing"), "typing on A")).find((f) => f.data.type === "typing")!;
    expect((typing.data.operator as { id: string }).id).toBe(bob.id);
    expect(typing.at - typed).toBeLessThan(1_000);

    const noted = Date.now();
    expect((await post(b, `/sessions/${session.id}/notes`, bob, { intent: "create", clientId: randomUUID(), body: "from B" })).status).toBe(200);
    const note = (await onA.until((frames) => frames.some((f) => f.data.type === "notes"), "the note on A")).find((f) => f.data.type === "notes")!;
    expect(note.at - noted).toBeLessThan(1_000);
  });

  it("an SSE reconnect through the proxy that lands on another process resumes with no lost and no duplicated event", async () => {
    const session = await indexedSession();
    const note = (n: number) => post(c, `/sessions/${session.id}/notes`, bob, { intent: "create", clientId: randomUUID(), body: `note ${n}` });
    const notesIn = (frames: Frame[]) => frames.filter((f) => f.data.type === "notes");

    const first = await live(cluster.proxyUrl, alice, { watch: [session.id] });
    await first.until((frames) => frames.some((f) => f.data.type === "hello"), "hello");
    for (let n = 0; n < 5; n++) expect((await note(n)).status).toBe(200);
    await first.until((frames) => notesIn(frames).length === 5, "5 notes live");
    first.close();
    for (let n = 5; n < 10; n++) expect((await note(n)).status).toBe(200); // while the tab is away

    const second = await live(cluster.proxyUrl, alice, { watch: [session.id], lastEventId: first.lastEventId() });
    expect(second.servedBy).not.toBeNull();
    expect(second.servedBy).not.toBe(first.servedBy);
    for (let n = 10; n < 15; n++) expect((await note(n)).status).toBe(200);
    await second.until((frames) => notesIn(frames).length >= 10, "the 5 missed and 5 new notes");
    expect(second.frames[0]!.data.type).toBe("hello"); // resumed, not reset

    const ids = [...notesIn(first.frames), ...notesIn(second.frames)].map((f) => f.id);
    expect(ids).toHaveLength(15);
    expect(new Set(ids).size).toBe(15);
    expect(Math.min(...notesIn(second.frames).map((f) => f.id))).toBeGreaterThan(first.lastEventId());
    const all = [...first.frames, ...second.frames].map((f) => f.id).filter((id) => id > 0);
    expect(new Set(all).size).toBe(all.length - 1); // only hello repeats the resume point
  });

  it("Stop reply sent through C stops a reply that A relays", async () => {
    const agent = await fakeAgent(async (call, res) => {
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      res.write(
        line({ type: "start", messageId: "m-cluster-stop" }) + line({ type: "text-start", id: "t" }) + line({ type: "text-delta", id: "t", delta: "Partial" }),
      );
      await call.closed;
    });
    cleanups.push(agent.close);
    // FleetLM's webhook for this agent points at A itself, so A relays the reply.
    process.env.FLEETLM_URL = cluster.fleetlm.url;
    process.env.CONSOLE_PUBLIC_URL = a.url;
    resetEnvCache();
    resetFleetlm();
    const agentId = `agent-${randomUUID().slice(0, 8)}`;
    await cluster.rest.createAgent({ id: agentId, name: agentId, origin_url: agent.url, webhook_path: "/hook", headers: {}, timeout_ms: 10_000 });
    expect(await routeThroughConsole({ agentId, actor: { id: admin.id, email: admin.email, name: admin.name, role: "admin" } })).toEqual({ ok: true });

    const session = await indexedSession(agentId);
    expect((await post(c, `/sessions/${session.id}/takeover`, alice, { intent: "stop-reply" })).status).toBe(409); // nothing streams yet
    await cluster.rest.appendMessage(session.id, { userId: session.user_id, content: { text: "write me an essay" } });
    await vi.waitFor(() => expect(agent.calls).toHaveLength(1), { timeout: 15_000, interval: 20 });

    // A tracks the stream once the agent's answer began; until then C hears from nobody and answers 409.
    let stopped: Response | null = null;
    await vi.waitFor(
      async () => {
        stopped = await post(c, `/sessions/${session.id}/takeover`, alice, { intent: "stop-reply" });
        expect(stopped.status).toBe(200);
      },
      { timeout: 15_000, interval: 50 },
    );
    expect(await stopped!.json()).toMatchObject({ ok: true, stopped: 1 });
    await agent.calls[0]!.closed; // A cut the agent's connection
    const reply = await vi.waitFor(
      async () => {
        const messages = await cluster.rest.listMessages(session.id);
        const found = messages.find((message) => message.kind === "assistant");
        expect(found).toBeDefined();
        return found!;
      },
      { timeout: 15_000, interval: 100 },
    );
    expect(reply.metadata).toMatchObject({ termination: "abort" });
    const audits = await (await db()).auditEvent.findMany({ where: { targetId: session.id, action: "gate.stop_reply" } });
    expect(audits).toHaveLength(1);
  });

  it("a login throttled on A is throttled on B", async () => {
    const listener = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await listener.connect();
    cleanups.push(() => listener.end());
    let heard = 0;
    listener.on("notification", (message) => {
      if (message.payload?.includes('"throttle.guess"') && message.payload.includes(alice.email)) heard += 1;
    });
    await listener.query(`LISTEN ${SIGNAL_CHANNEL}`);

    for (let i = 0; i < 5; i++) expect((await post(a, "/login", null, { email: alice.email, password: "wrong guess" })).status).toBe(400);
    expect((await post(a, "/login", null, { email: alice.email, password: "wrong guess" })).status).toBe(429);
    // Every process hears A's guesses as this listener does (one NOTIFY, delivered to all at once).
    await vi.waitFor(() => expect(heard).toBe(5), { timeout: 5_000, interval: 10 });
    const onB = await post(b, "/login", null, { email: alice.email, password: alice.password });
    expect(onB.status).toBe(429);
    expect(Number(onB.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("the leader SIGKILLed mid-traffic: a new leader within 5 s, and the unread counts are exact afterwards", async () => {
    const leader = cluster.leader()!;
    const others = cluster.processes.filter((process) => process !== leader);
    const sessions = await Promise.all(Array.from({ length: 8 }, () => indexedSession()));
    const sent = new Map(sessions.map((session) => [session.id, 0]));
    let stop = false;
    const traffic = (async () => {
      for (let i = 0; !stop; i++) {
        const session = sessions[i % sessions.length]!;
        await cluster.rest.appendMessage(session.id, { userId: session.user_id, content: { text: `message ${i}` } });
        sent.set(session.id, sent.get(session.id)! + 1);
      }
    })();
    await vi.waitFor(() => expect([...sent.values()].reduce((x, y) => x + y)).toBeGreaterThanOrEqual(40), { timeout: 30_000, interval: 20 });
    const killedAt = Date.now();
    await leader.kill("SIGKILL");
    const next = await Promise.race(others.map((process) => process.waitFor(LEADS, 5_000).then(() => process)));
    const failoverMs = Date.now() - killedAt;
    expect(failoverMs).toBeLessThan(5_000);
    expect(others.filter((process) => process.lines.some((l) => LEADS.test(l)))).toEqual([next]);
    await vi.waitFor(() => expect([...sent.values()].reduce((x, y) => x + y)).toBeGreaterThanOrEqual(120), { timeout: 30_000, interval: 20 });
    stop = true;
    await traffic;

    // Nobody read these sessions: each one's unread is every user message posted to it, no more and no less.
    const expected = Object.fromEntries(sent);
    await vi.waitFor(
      async () => {
        const unread = await Promise.all(sessions.map(async (session) => [session.id, await unreadFor(alice.id, session.id)] as const));
        expect(Object.fromEntries(unread)).toEqual(expected);
      },
      { timeout: 30_000, interval: 200 },
    );
  });
});
