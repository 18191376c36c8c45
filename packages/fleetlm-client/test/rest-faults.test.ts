// REST faults with exact request sequences (a tiny node:http server; the dev server's fault hooks
// cover the same cases end to end in rest.integration.test.ts).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  FleetLMBadResponseError,
  FleetLMHttpError,
  FleetLMNetworkError,
  FleetLMRateLimitError,
  FleetLMRest,
  FleetLMTimeoutError,
  parseRetryAfter,
} from "@fleetlm/client";

type Responder = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const SESSION = {
  id: "AZoR2f8ucn2Y1pZ0hK_3ZQ",
  user_id: "alice",
  agent_id: "bot",
  status: "active",
  metadata: {},
  inserted_at: "2025-10-23T10:48:00",
  updated_at: "2025-10-23T10:48:00",
};

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Responder =>
  (_req, res) => {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
    res.end(JSON.stringify(body));
  };

let server: Server | undefined;

/** Answers request i with responders[i] (the last one repeats); records every request. */
async function serve(responders: Responder[]) {
  const requests: Array<{ method: string; url: string; body: string; accept?: string }> = [];
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      requests.push({ method: req.method!, url: req.url!, body, accept: req.headers.accept });
      const responder = responders[Math.min(requests.length - 1, responders.length - 1)]!;
      responder(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { requests, baseUrl: `http://127.0.0.1:${port}` };
}

afterEach(async () => {
  const current = server;
  server = undefined;
  if (!current) return;
  current.closeAllConnections();
  await new Promise((resolve) => current.close(resolve));
});

describe("FleetLMRest faults", () => {
  it("retries a GET after 429 with Retry-After and then succeeds", async () => {
    const { requests, baseUrl } = await serve([json(429, { error: "slow down" }, { "retry-after": "0" }), json(200, { session: SESSION })]);
    const rest = new FleetLMRest({ baseUrl });
    const session = await rest.getSession(SESSION.id);
    expect(session.id).toBe(SESSION.id);
    expect(requests).toHaveLength(2);
  });

  it("does not wait for a Retry-After beyond the cap: throws FleetLMRateLimitError at once", async () => {
    const { requests, baseUrl } = await serve([json(429, { error: "slow down" }, { "retry-after": "120" })]);
    const rest = new FleetLMRest({ baseUrl, maxRetryAfterMs: 30_000 });
    const error = await rest.getSession(SESSION.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FleetLMRateLimitError);
    expect((error as FleetLMRateLimitError).retryAfterMs).toBe(120_000);
    expect((error as FleetLMRateLimitError).status).toBe(429);
    expect(requests).toHaveLength(1);
  });

  it("never retries a POST, even on 429", async () => {
    const { requests, baseUrl } = await serve([json(429, { error: "slow down" }, { "retry-after": "0" }), json(201, { session: SESSION })]);
    const rest = new FleetLMRest({ baseUrl });
    const error = await rest.createSession({ userId: "alice", agentId: "bot" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FleetLMRateLimitError);
    expect(requests).toHaveLength(1);
  });

  it("gives up on a 500 after the bounded retries, with the framework error body", async () => {
    const { requests, baseUrl } = await serve([json(500, { errors: { detail: "Internal Server Error" } })]);
    const rest = new FleetLMRest({ baseUrl, retries: 2, retryBaseMs: 1 });
    const error = await rest.listSessions().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FleetLMHttpError);
    expect(error).not.toBeInstanceOf(FleetLMRateLimitError);
    expect((error as FleetLMHttpError).status).toBe(500);
    expect((error as FleetLMHttpError).errors).toEqual({ detail: "Internal Server Error" });
    expect(requests).toHaveLength(3);
  });

  it("does not retry 4xx answers and exposes both error body conventions", async () => {
    const first = await serve([json(422, { error: "user_id and agent_id are required" })]);
    const rest = new FleetLMRest({ baseUrl: first.baseUrl });
    const missing = await rest.getSession("x").catch((e: unknown) => e);
    expect((missing as FleetLMHttpError).error).toBe("user_id and agent_id are required");
    expect(first.requests).toHaveLength(1);
    server!.closeAllConnections();
    await new Promise((resolve) => server!.close(resolve));

    const second = await serve([json(422, { errors: { id: ["can't be blank"] } })]);
    const rest2 = new FleetLMRest({ baseUrl: second.baseUrl });
    const invalid = await rest2.createAgent({ id: "", name: "x", origin_url: "http://x" }).catch((e: unknown) => e);
    expect((invalid as FleetLMHttpError).errors).toEqual({ id: ["can't be blank"] });
  });

  it("times out a request that gets no answer", async () => {
    const { requests, baseUrl } = await serve([() => {}]);
    const rest = new FleetLMRest({ baseUrl, timeoutMs: 100, retries: 1, retryBaseMs: 1 });
    const error = await rest.getSession(SESSION.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FleetLMTimeoutError);
    expect((error as FleetLMTimeoutError).timeoutMs).toBe(100);
    expect(requests).toHaveLength(2);
  });

  it("reports garbage JSON and wrong shapes as FleetLMBadResponseError, without retrying", async () => {
    const garbage: Responder = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{not json");
    };
    const { requests, baseUrl } = await serve([garbage]);
    const rest = new FleetLMRest({ baseUrl });
    const error = await rest.listSessions().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FleetLMBadResponseError);
    expect((error as FleetLMBadResponseError).text).toBe("{not json");
    expect(requests).toHaveLength(1);
  });

  it("rejects a well-formed body of the wrong shape", async () => {
    const { baseUrl } = await serve([json(200, { session: { ...SESSION, status: "deleted" } })]);
    const error = await new FleetLMRest({ baseUrl }).getSession(SESSION.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FleetLMBadResponseError);
    expect((error as FleetLMBadResponseError).issues).toBeTruthy();
  });

  it("reports a refused connection as FleetLMNetworkError after retrying the GET", async () => {
    const { baseUrl } = await serve([json(200, {})]);
    server!.closeAllConnections();
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    const attempts: number[] = [];
    const rest = new FleetLMRest({ baseUrl, retries: 2, retryBaseMs: 1, onRequest: (i) => attempts.push(i.attempt) });
    const error = await rest.listAgents().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FleetLMNetworkError);
    expect(attempts).toEqual([0, 1, 2]);
  });

  it("sends FleetLM's request shapes", async () => {
    const message = {
      id: "m",
      session_id: SESSION.id,
      seq: 1,
      sender_id: "bot",
      kind: "note",
      content: { text: "x" },
      metadata: { a: 1 },
      inserted_at: "2025-10-23T10:48:00.123456",
    };
    const { requests, baseUrl } = await serve([json(200, { message })]);
    const rest = new FleetLMRest({ baseUrl });
    const appended = await rest.appendMessage(SESSION.id, { agentId: "bot", kind: "note", content: { text: "x" }, metadata: { a: 1 } });
    expect(appended.insertedAt.toISOString()).toBe("2025-10-23T10:48:00.123Z");
    expect(requests[0]!.method).toBe("POST");
    expect(requests[0]!.url).toBe(`/api/sessions/${SESSION.id}/messages`);
    expect(requests[0]!.accept).toBe("application/json");
    expect(JSON.parse(requests[0]!.body)).toEqual({ agent_id: "bot", kind: "note", content: { text: "x" }, metadata: { a: 1 } });
    await expect(rest.appendMessage(SESSION.id, { content: {} } as never)).rejects.toThrow(TypeError);
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates", () => {
    expect(parseRetryAfter("3")).toBe(3000);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter("soon")).toBeNull();
    const now = Date.parse("2025-10-23T10:48:00Z");
    expect(parseRetryAfter("Thu, 23 Oct 2025 10:48:05 GMT", now)).toBe(5000);
  });
});
