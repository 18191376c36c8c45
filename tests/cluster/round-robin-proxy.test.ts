// The round-robin proxy of `npm run cluster`, the cluster tests and benches: a process that dies mid-answer (a
// SIGKILLed Console with open /live feeds) must cut the client's side too, so EventSource reconnects elsewhere.
// Without that, every feed the dead process served hung for good (the cluster bench lost their failover events).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startRoundRobinProxy } from "../../scripts/round-robin-proxy.mjs";

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A target that starts an endless event stream and hands its socket out, to be destroyed as SIGKILL would. */
async function streamingTarget(name: string) {
  const sockets: import("node:net").Socket[] = [];
  const server = http.createServer((req, res) => {
    sockets.push(req.socket);
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write(`data: hello from ${name}\n\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))));
  return { name, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, die: () => sockets.forEach((socket) => socket.destroy()) };
}

describe("round-robin proxy", () => {
  it("ends a streamed answer when its process dies mid-answer, and sends the next request to another process", async () => {
    const a = await streamingTarget("a");
    const b = await streamingTarget("b");
    const proxy = (await startRoundRobinProxy({ targets: [a, b] })) as { url: string; close: () => Promise<void> };
    closers.push(proxy.close);

    let text = "";
    let ended = false;
    const response = await new Promise<http.IncomingMessage>((resolve) => http.get(`${proxy.url}/live`, { agent: false }, resolve));
    expect(response.headers["x-console-process"]).toBe("a");
    response.setEncoding("utf8");
    response.on("data", (chunk: string) => (text += chunk));
    response.on("close", () => (ended = true));
    response.on("error", () => (ended = true));
    await vi.waitFor(() => expect(text).toContain("hello from a"), { timeout: 5_000, interval: 10 });

    a.die();
    await vi.waitFor(() => expect(ended).toBe(true), { timeout: 5_000, interval: 10 });

    const next = await fetch(`${proxy.url}/live`);
    expect(next.headers.get("x-console-process")).toBe("b");
    await next.body?.cancel();
  });
});
