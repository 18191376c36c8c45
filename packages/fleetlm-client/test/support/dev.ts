// Test helpers: a FleetLM dev server per test, fast-reconnecting clients, and direct appends that
// bypass the broadcast (to create messages a subscriber has missed).
import { randomUUID } from "node:crypto";
import { afterEach, vi } from "vitest";
import { startFleetlmDev, type FleetlmDevOptions, type FleetlmDevServer } from "@fleetlm/dev";
import { FleetLMClient, type FleetLMClientOptions, type Message } from "@fleetlm/client";

const servers: FleetlmDevServer[] = [];
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

export async function startDev(options: FleetlmDevOptions = {}): Promise<FleetlmDevServer> {
  const server = await startFleetlmDev({ port: 0, host: "127.0.0.1", ...options });
  servers.push(server);
  return server;
}

/** Runs at the end of the test (before servers close), in reverse order. */
export function onCleanup(cleanup: () => Promise<void> | void): void {
  cleanups.push(cleanup);
}

export function makeClient(server: { url: string; socketUrl: string }, options: FleetLMClientOptions): FleetLMClient {
  const client = new FleetLMClient({
    baseUrl: server.url,
    socketUrl: server.socketUrl,
    reconnect: { baseMs: 50, maxMs: 400 },
    rejoinAfterMs: () => 100,
    ...options,
  });
  onCleanup(() => client.disconnect());
  return client;
}

/** Records what a client emits. */
export function record(client: FleetLMClient) {
  const seqs: number[] = [];
  const messages: Message[] = [];
  const errors: Error[] = [];
  const events: string[] = [];
  client.on("message", (m) => {
    seqs.push(m.seq);
    messages.push(m);
  });
  client.on("error", (e) => errors.push(e));
  for (const name of ["connected", "disconnected", "reconnecting", "joined"] as const) {
    client.on(name, () => events.push(name));
  }
  return { seqs, messages, errors, events };
}

/** Stores messages without any broadcast or inbox notification: subscribers only see them via replay/REST. */
export function appendSilently(server: FleetlmDevServer, sessionId: string, count: number, senderId = "alice"): number[] {
  const session = server.store.getSession(sessionId);
  if (!session) throw new Error(`no session ${sessionId}`);
  const seqs: number[] = [];
  for (let i = 0; i < count; i++) {
    const row = server.store.appendMessage({
      id: randomUUID(),
      session_id: sessionId,
      sender_id: senderId,
      recipient_id: senderId === session.user_id ? session.agent_id : session.user_id,
      kind: "text",
      content: { text: `silent ${i}` },
      metadata: {},
      inserted_at: Date.now() * 1000,
    });
    seqs.push(row.seq);
  }
  return seqs;
}

export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

export function until(check: () => void, timeout = 10_000): Promise<void> {
  return vi.waitFor(check, { timeout, interval: 20 });
}
