// Dev server figures: REST and WS appends per second, and append → `message` delivery latency (p50/p95).
// Tells later work how much of the Console's latency is the dev server's own. Bounded in count and time.
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { Socket, type Channel } from "phoenix";
import WebSocket from "ws";
import { startFleetlmDev } from "../packages/fleetlm-dev/src/index.js";

type Figures = Record<string, number | null>;

const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);
const round = (n: number | null, digits = 2) => (n === null ? null : Number(n.toFixed(digits)));

// node:http with keep-alive: lighter than fetch, so the figure is mostly the server's own cost.
const agent = new Agent({ keepAlive: true, maxSockets: 16 });

function post(url: string, body: unknown): Promise<number> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

async function createSession(base: string, userId: string): Promise<string> {
  const res = await fetch(`${base}/api/sessions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ user_id: userId, agent_id: "bench-agent" }),
  });
  return ((await res.json()) as { session: { id: string } }).session.id;
}

/** Runs `total` calls of `fn` with `concurrency` workers, stopping early at `deadlineMs`; returns calls/s. */
async function throughput(total: number, concurrency: number, deadlineMs: number, fn: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  let done = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < total && performance.now() - started < deadlineMs) {
      const i = next++;
      await fn(i);
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done / ((performance.now() - started) / 1000);
}

function joinChannel(socket: Socket, topic: string): Promise<Channel> {
  const channel = socket.channel(topic, {});
  return new Promise((resolve, reject) => {
    channel
      .join()
      .receive("ok", () => resolve(channel))
      .receive("error", (e) => reject(new Error(JSON.stringify(e))))
      .receive("timeout", () => reject(new Error("join timeout")));
  });
}

export async function run({ quick }: { quick: boolean }): Promise<Figures> {
  const server = await startFleetlmDev({ port: 0 });
  const sockets: Socket[] = [];
  try {
    const n = quick ? 300 : 3000;
    const deadline = quick ? 5_000 : 20_000;
    const base = server.url;

    // REST, sequential and with 8 concurrent callers (the latter is the headline figure).
    const seqSession = await createSession(base, "bench-seq");
    const restSequential = await throughput(n, 1, deadline, async () => {
      const status = await post(`${base}/api/sessions/${seqSession}/messages`, { agent_id: "bench-agent", content: { text: "x" } });
      if (status !== 200) throw new Error(`append failed: ${status}`);
    });
    const concSessions = await Promise.all(Array.from({ length: 8 }, (_, i) => createSession(base, `bench-c${i}`)));
    const restConcurrent = await throughput(n, 8, deadline, async (i) => {
      const status = await post(`${base}/api/sessions/${concSessions[i % 8]}/messages`, { agent_id: "bench-agent", content: { text: "x" } });
      if (status !== 200) throw new Error(`append failed: ${status}`);
    });

    // WS `send` through the phoenix client, 8 pushes in flight.
    const wsSession = await createSession(base, "bench-ws");
    const socket = new Socket(server.socketUrl, { transport: WebSocket as never, params: { user_id: "bench-ws" } });
    sockets.push(socket);
    socket.connect();
    const wsChannel = await joinChannel(socket, `session:${wsSession}`);
    const wsRate = await throughput(n, 8, deadline, () => {
      return new Promise<void>((resolve, reject) => {
        wsChannel
          .push("send", { content: { kind: "text", content: { text: "x" } } })
          .receive("ok", () => resolve())
          .receive("error", (e) => reject(new Error(JSON.stringify(e))))
          .receive("timeout", () => reject(new Error("push timeout")));
      });
    });

    // Delivery: REST append → `message` at a joined phoenix client, one at a time.
    const latSession = await createSession(base, "bench-lat");
    const watcher = new Socket(server.socketUrl, { transport: WebSocket as never, params: { user_id: "bench-lat" } });
    sockets.push(watcher);
    watcher.connect();
    const latChannel = await joinChannel(watcher, `session:${latSession}`);
    const waiting = new Map<number, () => void>();
    latChannel.on("message", (m: { seq: number }) => waiting.get(m.seq)?.());
    const samples: number[] = [];
    const latCount = quick ? 100 : 1000;
    const latStart = performance.now();
    for (let seq = 1; seq <= latCount && performance.now() - latStart < deadline; seq++) {
      const t0 = performance.now();
      const delivered = new Promise<void>((resolve) => waiting.set(seq, resolve));
      await post(`${base}/api/sessions/${latSession}/messages`, { agent_id: "bench-agent", content: { seq } });
      await delivered;
      waiting.delete(seq);
      samples.push(performance.now() - t0);
    }
    samples.sort((a, b) => a - b);

    // The same concurrent REST figure with --data (SQLite, one commit per append).
    const dataDir = mkdtempSync(join(tmpdir(), "fleetlm-dev-bench-"));
    const sqliteServer = await startFleetlmDev({ port: 0, dataDir });
    let sqliteRate: number;
    try {
      const ids = await Promise.all(Array.from({ length: 8 }, (_, i) => createSession(sqliteServer.url, `bench-s${i}`)));
      sqliteRate = await throughput(n, 8, deadline, async (i) => {
        const status = await post(`${sqliteServer.url}/api/sessions/${ids[i % 8]}/messages`, { agent_id: "bench-agent", content: { text: "x" } });
        if (status !== 200) throw new Error(`append failed: ${status}`);
      });
    } finally {
      await sqliteServer.close();
      rmSync(dataDir, { recursive: true, force: true });
    }

    return {
      devserver_appends_per_s: round(restConcurrent, 1),
      devserver_sqlite_appends_per_s: round(sqliteRate, 1),
      devserver_appends_per_s_sequential: round(restSequential, 1),
      devserver_ws_appends_per_s: round(wsRate, 1),
      devserver_delivery_p50_ms: round(percentile(samples, 50)),
      devserver_delivery_p95_ms: round(percentile(samples, 95)),
    };
  } finally {
    for (const s of sockets) s.disconnect();
    agent.destroy();
    await server.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  run({ quick: process.argv.includes("--quick") }).then(
    (figures) => console.log(JSON.stringify(figures, null, 2)),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
