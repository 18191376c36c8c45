// Small HTTP servers for gate tests: the Console's gate route behind node:http (what FleetLM calls), and
// fake agents.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { action } from "~/routes/gate.agents.$agentId";

export type Running = { url: string; server: Server; close: () => Promise<void> };

export async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Running> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The gate route's action served over HTTP, streaming its answer chunk by chunk like the production server. */
export function gateServer(): Promise<Running> {
  return listen(async (req, res) => {
    const match = /^\/gate\/agents\/([^/?]+)/.exec(req.url ?? "");
    if (!match) return void res.writeHead(404).end();
    const hangUp = new AbortController();
    res.on("close", () => hangUp.abort());
    const headers = new Headers();
    for (const [key, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(key, value);
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers,
      body: req.method === "GET" || req.method === "HEAD" ? undefined : (Readable.toWeb(req) as ReadableStream),
      signal: hangUp.signal,
      duplex: "half",
    } as RequestInit);
    let response: Response;
    try {
      response = await action({ request, params: { agentId: decodeURIComponent(match[1]!) }, context: {} });
    } catch (thrown) {
      if (!(thrown instanceof Response)) throw thrown;
      response = thrown;
    }
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (!response.body) return void res.end();
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        res.write(value);
      }
      res.end();
    } catch {
      res.destroy();
    }
  });
}

export type AgentCall = { headers: IncomingMessage["headers"]; body: string; url: string; closed: Promise<void> };

/** A fake agent: records every call and lets the test script the NDJSON answer. */
export async function fakeAgent(reply: (call: AgentCall, res: ServerResponse) => Promise<void> | void): Promise<Running & { calls: AgentCall[] }> {
  const calls: AgentCall[] = [];
  const running = await listen(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const closed = new Promise<void>((resolve) => res.on("close", () => resolve()));
    const call = { headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), url: req.url ?? "", closed };
    calls.push(call);
    await reply(call, res);
  });
  return Object.assign(running, { calls });
}

export const line = (chunk: Record<string, unknown>) => `${JSON.stringify(chunk)}\n`;

/** The quick-start echo reply (§8.7). */
export function echoReply(text = "ack") {
  return (_call: AgentCall, res: ServerResponse) => {
    res.writeHead(200, { "content-type": "application/x-ndjson" });
    res.end(
      line({ type: "text-start", id: "p1" }) +
        line({ type: "text-delta", id: "p1", delta: text }) +
        line({ type: "text-end", id: "p1" }) +
        line({ type: "finish" }),
    );
  };
}
