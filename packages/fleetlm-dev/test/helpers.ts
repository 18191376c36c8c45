// Shared test plumbing: servers that stop after each test, a REST caller, phoenix sockets, raw frames, stub agents.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Socket, type Channel } from "phoenix";
import { afterEach, vi } from "vitest";
import WebSocket from "ws";
import { startFleetlmDev, type FleetlmDevOptions, type FleetlmDevServer } from "../src/index.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      await fn();
    } catch {
      // best effort
    }
  }
});
export const onCleanup = (fn: () => Promise<void> | void) => cleanups.push(fn);

export async function startServer(options: FleetlmDevOptions = {}): Promise<FleetlmDevServer> {
  const server = await startFleetlmDev({ port: 0, ...options });
  onCleanup(() => server.close());
  return server;
}

export interface ApiResponse {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

export function apiFor(server: { url: string }) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === "string" ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)["content-type"] ??= "application/json";
    }
    const res = await fetch(server.url + path, init);
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  };
}

export async function createSession(server: { url: string }, userId = "alice", agentId = "agent:echo", metadata?: object) {
  const res = await apiFor(server)("POST", "/api/sessions", { user_id: userId, agent_id: agentId, ...(metadata ? { metadata } : {}) });
  if (res.status !== 201) throw new Error(`create session failed: ${res.status} ${res.text}`);
  return res.body.session as { id: string; user_id: string; agent_id: string };
}

export async function append(server: { url: string }, sessionId: string, body: Record<string, unknown>) {
  const res = await apiFor(server)("POST", `/api/sessions/${sessionId}/messages`, body);
  if (res.status !== 200) throw new Error(`append failed: ${res.status} ${res.text}`);
  return res.body.message as { id: string; seq: number; inserted_at: string };
}

export async function createAgent(server: { url: string }, agent: Record<string, unknown>) {
  const res = await apiFor(server)("POST", "/api/agents", { agent });
  if (res.status !== 201) throw new Error(`create agent failed: ${res.status} ${res.text}`);
  return res.body.agent;
}

/** A phoenix.js socket over `ws`, connected, disconnected after the test. */
export async function connect(server: { socketUrl: string }, params: Record<string, string>): Promise<Socket> {
  const socket = new Socket(server.socketUrl, {
    transport: WebSocket as any,
    params,
    reconnectAfterMs: () => 50,
    rejoinAfterMs: () => 100,
  });
  onCleanup(() => socket.disconnect());
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("socket did not open")), 5000);
    socket.onOpen(() => {
      clearTimeout(t);
      resolve();
    });
    socket.connect();
  });
  return socket;
}

export type Reply = { status: "ok" | "error" | "timeout"; response: any };

export function join(channel: Channel, timeout = 5000): Promise<Reply> {
  return new Promise((resolve) => {
    channel
      .join(timeout)
      .receive("ok", (response) => resolve({ status: "ok", response }))
      .receive("error", (response) => resolve({ status: "error", response }))
      .receive("timeout", () => resolve({ status: "timeout", response: null }));
  });
}

export function push(channel: Channel, event: string, payload: object, timeout = 5000): Promise<Reply> {
  return new Promise((resolve) => {
    channel
      .push(event, payload, timeout)
      .receive("ok", (response) => resolve({ status: "ok", response }))
      .receive("error", (response) => resolve({ status: "error", response }))
      .receive("timeout", () => resolve({ status: "timeout", response: null }));
  });
}

/** Records every event of one kind on a channel. */
export function collect(channel: Channel, event: string): any[] {
  const seen: any[] = [];
  channel.on(event, (payload) => void seen.push(payload));
  return seen;
}

export function waitFor<T>(fn: () => T | undefined | null | false, timeoutMs = 5000, what = "condition"): Promise<T> {
  return vi.waitFor(
    () => {
      const value = fn();
      if (!value) throw new Error(`timed out waiting for ${what}`);
      return value;
    },
    { timeout: timeoutMs, interval: 10 },
  );
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A raw WebSocket speaking frames by hand, for protocol-level checks. */
export async function rawSocket(server: { url: string }, query: string) {
  const ws = new WebSocket(server.url.replace("http", "ws") + "/socket/websocket?" + query);
  onCleanup(() => ws.terminate());
  const frames: any[] = [];
  const closed: { code?: number } = {};
  ws.on("message", (data) => frames.push(JSON.parse(data.toString())));
  ws.on("close", (code) => (closed.code = code));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  return {
    ws,
    frames,
    closed,
    send: (frame: unknown) => ws.send(typeof frame === "string" ? frame : JSON.stringify(frame)),
    next: (pred: (f: any) => boolean, timeoutMs = 3000) => waitFor(() => frames.find(pred), timeoutMs, "frame"),
  };
}

/** Status code of a WebSocket upgrade attempt (101 when accepted). */
export function upgradeStatus(server: { url: string }, pathAndQuery: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(server.url.replace("http", "ws") + pathAndQuery);
    ws.on("unexpected-response", (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on("open", () => {
      resolve(101);
      ws.terminate();
    });
    ws.on("error", () => {});
  });
}

export interface AgentCall {
  path: string;
  headers: IncomingMessage["headers"];
  body: any;
}

/** A stub agent webhook on a free port; `respond` writes the NDJSON. */
export async function startAgent(respond: (call: AgentCall, res: ServerResponse, index: number) => void | Promise<void>) {
  const calls: AgentCall[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const call: AgentCall = { path: req.url ?? "", headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString() || "null") };
    calls.push(call);
    try {
      await respond(call, res, calls.length - 1);
    } catch {
      res.destroy();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  onCleanup(
    () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls };
}

export const ndjson = (res: ServerResponse, chunks: unknown[], status = 200) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(chunks.map((c) => (typeof c === "string" ? c : JSON.stringify(c))).join("\n") + "\n");
};

export const echoChunks = (text = "ack") => [
  { type: "text-start", id: "part_1" },
  { type: "text-delta", id: "part_1", delta: text },
  { type: "text-end", id: "part_1" },
  { type: "finish" },
];
