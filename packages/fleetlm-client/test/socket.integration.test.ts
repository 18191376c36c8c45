// FleetLMSocket: transport injection, first-connect failure, backoff shape.
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { WebSocket } from "ws";
import { describe, expect, it } from "vitest";
import { FleetLMError, FleetLMNetworkError, FleetLMSocket, jitteredBackoff } from "@fleetlm/client";
import { makeClient, onCleanup, record, startDev, until } from "./support/dev.js";

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("FleetLMSocket", () => {
  it("uses an injected transport", async () => {
    const server = await startDev();
    const urls: string[] = [];
    class CountingWebSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols);
        urls.push(url);
      }
    }
    const client = makeClient(server, { userId: "alice", agentId: "bot", transport: CountingWebSocket as never });
    const { seqs } = record(client);
    await client.connect();
    await client.send({ content: { text: "via injected transport" } });
    await until(() => expect(seqs).toEqual([1]));
    expect(urls).toHaveLength(1);
    expect(urls[0]).toMatch(/\/socket\/websocket\?user_id=alice&vsn=2\.0\.0$/);
  });

  it("rejects the first connect() with FleetLMNetworkError when nothing listens, and stops there", async () => {
    const port = await closedPort();
    const socket = new FleetLMSocket({ socketUrl: `ws://127.0.0.1:${port}/socket`, userId: "alice" });
    onCleanup(() => socket.disconnect());
    const error = await socket.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FleetLMNetworkError);
    expect(socket.isConnected).toBe(false);
    expect(socket.phoenix?.connectionState()).toBe("closed");
  });

  it("connects as the agent when only agentId is given, and refuses no identity", async () => {
    const server = await startDev();
    const socket = new FleetLMSocket({ socketUrl: server.socketUrl, agentId: "bot" });
    onCleanup(() => socket.disconnect());
    await socket.connect();
    expect(socket.identity).toEqual({ agent_id: "bot" });
    expect(socket.isConnected).toBe(true);
    expect(() => new FleetLMSocket({ socketUrl: server.socketUrl })).toThrow(FleetLMError);
  });

  it("backs off exponentially with jitter, within [step/2, step] and capped", () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const step = Math.min(1000, 100 * 2 ** (attempt - 1));
      for (let i = 0; i < 50; i++) {
        const delay = jitteredBackoff(attempt, { baseMs: 100, maxMs: 1000 });
        expect(delay).toBeGreaterThanOrEqual(step / 2);
        expect(delay).toBeLessThanOrEqual(step);
      }
    }
  });
});
