// FleetLMRest against the dev server: every endpoint with typed results, the fault hooks (429, 500,
// slow, garbage) mapped to typed errors, and latest-N on a 10,000-message session.
import { describe, expect, it } from "vitest";
import { FleetLMBadResponseError, FleetLMClient, FleetLMHttpError, FleetLMRateLimitError, FleetLMRest, FleetLMTimeoutError } from "@fleetlm/client";
import { appendSilently, range, startDev } from "./support/dev.js";

describe.each([true, false])("FleetLMRest against the dev server (quirks %s)", (quirks) => {
  it("covers sessions, messages, read and agents with typed, UTC-parsed results", async () => {
    const server = await startDev({ quirks });
    const rest = new FleetLMRest({ baseUrl: server.url });

    const session = await rest.createSession({ userId: "alice", agentId: "support-bot", metadata: { demo: true } });
    expect(session).toMatchObject({ user_id: "alice", agent_id: "support-bot", status: "active", metadata: { demo: true } });
    expect(session.inserted_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    expect(Math.abs(session.insertedAt.getTime() - Date.now())).toBeLessThan(60_000);
    expect((await rest.getSession(session.id)).id).toBe(session.id);
    expect((await rest.listSessions({ userId: "alice" })).map((s) => s.id)).toEqual([session.id]);
    expect(await rest.listSessions({ userId: "nobody" })).toEqual([]);

    const appended = await rest.appendMessage(session.id, { userId: "alice", content: { text: "hi" } });
    expect(appended).toMatchObject({ seq: 1, kind: "text", sender_id: "alice", content: { text: "hi" } });
    expect(appended.inserted_at).toMatch(/\.\d{6}$/); // live precision (quirk 3)
    const [stored] = await rest.listMessages(session.id);
    expect(stored!.inserted_at).toMatch(/:\d{2}$/); // stored precision
    expect(stored!.insertedAt.getTime()).toBeLessThanOrEqual(appended.insertedAt.getTime());

    expect((await rest.markRead(session.id, { userId: "alice", lastSeq: 1 })).id).toBe(session.id);
    await rest.archiveSession(session.id);
    expect((await rest.getSession(session.id)).status).toBe("archived");

    const agent = await rest.createAgent({ id: "support-bot", name: "Support", origin_url: "http://127.0.0.1:9" });
    expect(agent).toMatchObject({ webhook_path: "/webhook", message_history_mode: "tail", message_history_limit: 50, status: "enabled" });
    expect((await rest.updateAgent("support-bot", { name: "Support 2" })).name).toBe("Support 2");
    expect((await rest.disableAgent("support-bot")).status).toBe("disabled");
    expect((await rest.getAgent("support-bot")).status).toBe("disabled");
    expect((await rest.listAgents({ status: "enabled" })).length).toBe(0);
    expect((await rest.listAgents()).map((a) => a.id)).toEqual(["support-bot"]);
  });

  it("turns FleetLM's error answers into FleetLMHttpError with the parsed body", async () => {
    const server = await startDev({ quirks });
    const rest = new FleetLMRest({ baseUrl: server.url });
    const notFound = await rest.getSession("AZoR2f8ucn2Y1pZ0hK_3ZQ").catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(FleetLMHttpError);
    expect((notFound as FleetLMHttpError).status).toBe(404);
    expect((notFound as FleetLMHttpError).error).toBe("Session not found");
    const invalid = await rest.createAgent({ name: "Missing ID" } as never).catch((e: unknown) => e);
    expect((invalid as FleetLMHttpError).status).toBe(422);
    expect(Object.keys((invalid as FleetLMHttpError).errors ?? {}).sort()).toEqual(["id", "origin_url"]);
  });

  it("retries GETs on 429 honouring Retry-After, never POSTs", async () => {
    const server = await startDev({ quirks });
    const rest = new FleetLMRest({ baseUrl: server.url, retries: 2 });
    const session = await rest.createSession({ userId: "alice", agentId: "bot" });
    let requests = 0;
    const counted = new FleetLMRest({ baseUrl: server.url, retries: 2, onRequest: () => requests++ });

    server.faults.set({ mode: "rate429", retryAfterS: 0 });
    const get = await counted.getSession(session.id).catch((e: unknown) => e);
    expect(get).toBeInstanceOf(FleetLMRateLimitError);
    expect((get as FleetLMRateLimitError).retryAfterMs).toBe(0);
    expect(requests).toBe(3);

    requests = 0;
    const post = await counted.appendMessage(session.id, { userId: "alice", content: { text: "x" } }).catch((e: unknown) => e);
    expect(post).toBeInstanceOf(FleetLMRateLimitError);
    expect(requests).toBe(1);

    // A pause longer than the cap is not waited for.
    requests = 0;
    server.faults.set({ mode: "rate429", retryAfterS: 5 });
    const capped = new FleetLMRest({ baseUrl: server.url, maxRetryAfterMs: 1000, onRequest: () => requests++ });
    const error = await capped.listSessions().catch((e: unknown) => e);
    expect((error as FleetLMRateLimitError).retryAfterMs).toBe(5000);
    expect(requests).toBe(1);

    server.faults.set({ mode: null });
    expect(await counted.listMessages(session.id)).toEqual([]);
  });

  it("gives FleetLMHttpError(500) after bounded retries, FleetLMTimeoutError when slow, FleetLMBadResponseError on garbage", async () => {
    const server = await startDev({ quirks });
    let requests = 0;
    const rest = new FleetLMRest({ baseUrl: server.url, retries: 2, retryBaseMs: 1, timeoutMs: 200, onRequest: () => requests++ });

    server.faults.set({ mode: "error500" });
    const failed = await rest.listSessions().catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(FleetLMHttpError);
    expect((failed as FleetLMHttpError).status).toBe(500);
    expect((failed as FleetLMHttpError).errors).toEqual({ detail: "Internal Server Error" });
    expect(requests).toBe(3);

    requests = 0;
    server.faults.set({ mode: "slow", delayMs: 1500 });
    const slow = await rest.listAgents().catch((e: unknown) => e);
    expect(slow).toBeInstanceOf(FleetLMTimeoutError);
    expect(requests).toBe(3);

    requests = 0;
    server.faults.set({ mode: "garbage" });
    const garbage = await rest.listAgents().catch((e: unknown) => e);
    expect(garbage).toBeInstanceOf(FleetLMBadResponseError);
    expect(requests).toBe(1);

    server.faults.set({ mode: null });
    expect(await rest.listAgents()).toEqual([]);
  });
});

describe("latest N on a 10,000-message session", () => {
  it("finds the head in O(log n) limit=1 reads and returns the newest N", async () => {
    const server = await startDev();
    const setup = new FleetLMRest({ baseUrl: server.url });
    const session = await setup.createSession({ userId: "alice", agentId: "bot" });
    appendSilently(server, session.id, 10_000);

    const reads: Array<{ after: string | null; limit: string | null }> = [];
    const client = new FleetLMClient({
      userId: "alice",
      sessionId: session.id,
      baseUrl: server.url,
      onRequest: ({ url }) => {
        const params = new URL(url).searchParams;
        reads.push({ after: params.get("after_seq"), limit: params.get("limit") });
      },
    });
    const latest = await client.latest(25);
    expect(latest.map((m) => m.seq)).toEqual(range(9976, 10_000));
    // Probes are limit=1 reads; the last read fetches the page itself.
    const probes = reads.slice(0, -1);
    expect(probes.every((r) => r.limit === "1")).toBe(true);
    expect(reads.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(10_001)) + 3);
    expect(reads.at(-1)).toEqual({ after: "9975", limit: "25" });

    const rest = new FleetLMRest({ baseUrl: server.url });
    const probe = await rest.findHeadSeq(session.id);
    expect(probe.headSeq).toBe(10_000);
    expect(probe.roundTrips).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(10_001)) + 2);
  });
});
