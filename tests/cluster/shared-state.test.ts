// State each process keeps in memory, shared across processes on PostgreSQL (ADR 132). This test process is
// "A" (its signals wired as at boot); a second ClusterSignals with its own connections is "B". Every wait is
// for the signal itself, never a sleep.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_DATABASE_URL } from "../support/db";
import { makeOperator } from "../support/auth";
import { cachedSession, rememberSession, sessionGeneration } from "~/auth/session-cache.server";
import { beginPasswordGuess, loginThrottles } from "~/auth/throttle.server";
import { shareStateAcrossProcesses } from "~/shared-state.server";
import { ClusterSignals, startClusterSignals, stopClusterSignals, type ClusterSignal } from "~/cluster/signals.server";
import { db } from "~/db.server";
import { stopReply, trackStream } from "~/agent-gate/streams.server";

const onPostgres = /^postgres(ql)?:\/\//.test(TEST_DATABASE_URL);

/** Resolves with the first `kind` signal that `signals` receives and `match` accepts. */
function next<K extends ClusterSignal["kind"]>(signals: ClusterSignals, kind: K, match: (signal: Extract<ClusterSignal, { kind: K }>) => boolean = () => true) {
  return new Promise<Extract<ClusterSignal, { kind: K }>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${kind} signal within 5 s`)), 5_000);
    const off = signals.on(kind, (signal) => {
      if (!match(signal)) return;
      clearTimeout(timer);
      off();
      resolve(signal);
    });
  });
}

describe.skipIf(!onPostgres)("state shared across processes (PostgreSQL)", () => {
  let a: ClusterSignals;
  let b: ClusterSignals;
  beforeAll(async () => {
    a = startClusterSignals(TEST_DATABASE_URL);
    shareStateAcrossProcesses(a);
    b = new ClusterSignals(TEST_DATABASE_URL);
    await Promise.all([a.ready, b.ready]);
  });
  afterAll(async () => {
    await Promise.all([stopClusterSignals(), b?.close()]);
  });

  it("throttles here an account whose guesses another process counted, and tells the others of guesses counted here", async () => {
    const account = "victim@example.test";
    const fifth = next(a, "throttle.guess", () => loginThrottles().account.retryAfterMs(account) > 0);
    for (let i = 0; i < 5; i++) await b.send({ kind: "throttle.guess", account, ip: "203.0.113.9" });
    await fifth;
    expect(beginPasswordGuess({ account: "Victim@example.test", ip: "198.51.100.1" })).toBeGreaterThan(0);

    const told = next(b, "throttle.guess", (signal) => signal.account === "other@example.test");
    expect(beginPasswordGuess({ account: "Other@example.test", ip: "198.51.100.1" })).toBe(0);
    expect(await told).toEqual({ kind: "throttle.guess", account: "other@example.test", ip: "198.51.100.1" });
  });

  it("forgets cached sessions when another process signs someone out, and tells the others of its own auth writes", async () => {
    const value = [
      { id: "s", userId: "u", expiresAt: new Date(Date.now() + 60_000), attributes: {} },
      { id: "u", attributes: {} },
    ] as Parameters<typeof rememberSession>[1];
    rememberSession("token-hash", value, sessionGeneration());
    expect(cachedSession("token-hash")).not.toBeNull();
    const forgot = next(a, "sessions.forget");
    await b.send({ kind: "sessions.forget" });
    await forgot;
    expect(cachedSession("token-hash")).toBeNull();

    const operator = await makeOperator("operator");
    const told = next(b, "sessions.forget");
    await (await db()).authSession.deleteMany({ where: { operatorId: operator.id } });
    await told;
  });

  it("stops a reply relayed here when Stop reaches another process, and asks the others when Stop reaches here", async () => {
    const stoppedBy: string[] = [];
    const untrack = trackStream("s-relayed-here", { agentId: "ag", startedAt: Date.now(), stop: (by) => (stoppedBy.push(by.name), true) });
    const answer = next(b, "reply.stopped", (signal) => signal.requestId === "req-1");
    await b.send({ kind: "reply.stop", requestId: "req-1", sessionId: "s-relayed-here", by: { id: "op-b", name: "Bea" } });
    expect(await answer).toEqual({ kind: "reply.stopped", requestId: "req-1", stopped: 1 });
    expect(stoppedBy).toEqual(["Bea"]);
    untrack();

    // B relays a stream of s-relayed-there; Stop arrives here.
    const offB = b.on("reply.stop", (signal) => {
      if (signal.sessionId === "s-relayed-there") void b.send({ kind: "reply.stopped", requestId: signal.requestId, stopped: 1 });
    });
    const operator = await makeOperator("operator");
    const result = await stopReply({ sessionId: "s-relayed-there", actor: { id: operator.id, email: operator.email, name: operator.name, role: "operator" } });
    offB();
    expect(result).toEqual({ ok: true, stopped: 1 });
  });
});
