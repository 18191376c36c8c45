// Wires the store, the append path, HTTP, WebSocket, webhooks and the demo pieces into one server.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Conversations, sessionTopic } from "./core/conversations.js";
import { FaultState, type Faults } from "./core/faults.js";
import { Hub } from "./core/hub.js";
import { Inboxes } from "./core/inbox-server.js";
import { silentLogger, type Logger } from "./core/logger.js";
import { createLoseHook } from "./http/dev-hooks.js";
import { createRequestHandler } from "./http/router.js";
import { MemoryStore } from "./store/memory.js";
import { SqliteStore } from "./store/sqlite.js";
import { DefaultReads, RealStorage, type MessageReads, type RealStorageOptions } from "./store/real-storage.js";
import type { Store } from "./store/types.js";
import { WebhookDispatcher } from "./webhooks/dispatcher.js";
import { SocketEndpoint } from "./ws/upgrade.js";
import { DEMO_AGENT_ID, DEMO_WEBHOOK_PATH, createDemoAgentHandler, registerDemoAgent } from "./demo/agent.js";
import { startTraffic } from "./demo/traffic.js";
import { seedSessions } from "./demo/seed.js";

export interface FleetlmDevOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Keep everything in `DIR/fleetlm-dev.sqlite`; in memory when absent. */
  dataDir?: string;
  /** Reproduce FleetLM's wire-visible bugs (default true). */
  quirks?: boolean;
  /** Register and serve the `demo-agent`. */
  demo?: boolean;
  /** Simulated users posting about N messages a minute. */
  traffic?: number;
  /** Create N sessions with history at start. */
  seedSessions?: number;
  /** Seed of the random source used by the demo agent, traffic and seeding (default 1). */
  seed?: number;
  /** Silent by default; the CLI passes a console logger. */
  logger?: Logger;
  /** Test knobs for FleetLM's timers. */
  timings?: { inboxFlushMs?: number; inboxIdleMs?: number; socketIdleMs?: number };
  /**
   * "default": every append is stored at once and pages are contiguous. "real" (or options): FleetLM's
   * storage at 78f77d1 — an unflushed window, holed pages, shared rings that lose seqs (protocol §13).
   */
  storage?: "default" | "real" | ({ mode: "real" } & RealStorageOptions);
  /** "intended" (default): tail = newest N, last = newest, entire = all. "real": FleetLM's broken modes (quirk 8). */
  historyModes?: "intended" | "real";
}

export interface FleetlmDevServer {
  /** http://HOST:PORT */
  url: string;
  /** ws://HOST:PORT/socket (what phoenix's Socket wants) */
  socketUrl: string;
  port: number;
  host: string;
  quirks: boolean;
  faults: Faults;
  /** Direct access for tests and tools. */
  store: Store;
  /** The storage model: "default", or the real one with `flush()`, `lostSeqs()`, `unflushedSeqs()`. */
  storage: { mode: "default" } | { mode: "real"; model: RealStorage };
  /** Resolves when no webhook call is running or queued. */
  webhooksIdle(): Promise<void>;
  webhookOutcomes(): ReadonlyArray<{ sessionId: string; outcome: { ok: boolean; reason?: string; detail?: string } }>;
  /** What clients asked of this server since start: HTTP requests (also by method and route, ids as `:id`), WebSocket frames received (also by kind). */
  load(): { httpRequests: number; socketFrames: number; httpByRoute: Record<string, number>; framesByKind: Record<string, number> };
  close(): Promise<void>;
}

export async function startFleetlmDev(options: FleetlmDevOptions = {}): Promise<FleetlmDevServer> {
  const quirks = options.quirks ?? true;
  const logger = options.logger ?? silentLogger;
  const host = options.host ?? "127.0.0.1";
  const store: Store = options.dataDir ? new SqliteStore(options.dataDir) : new MemoryStore();
  const hub = new Hub();
  const inboxes = new Inboxes(store, hub, {
    quirks,
    flushMs: options.timings?.inboxFlushMs,
    idleMs: options.timings?.inboxIdleMs,
  });
  const storageOption = options.storage ?? "default";
  const realModel = storageOption === "default" ? null : new RealStorage(store, storageOption === "real" ? {} : storageOption);
  const reads: MessageReads = realModel ?? new DefaultReads(store);
  const conversations = new Conversations(store, hub, inboxes, quirks, reads);
  const dispatcher = new WebhookDispatcher(
    store,
    {
      streamChunk: (session, agentId, chunk) => hub.broadcast(sessionTopic(session.id), "stream_chunk", { agent_id: agentId, chunk }),
      storeAssistant: (session, agentId, message) => {
        conversations.storeAssistant(session, agentId, message);
      },
    },
    logger,
    quirks,
    reads,
    options.historyModes ?? "intended",
  );
  conversations.webhooks = dispatcher;
  const faults = new FaultState();
  let httpRequests = 0;
  const httpByRoute = new Map<string, number>();
  const sockets = new SocketEndpoint({
    conversations,
    inboxes,
    faults,
    logger,
    quirks,
    idleTimeoutMs: options.timings?.socketIdleMs ?? 120_000,
  });
  faults.socketCloser = (code) => sockets.closeAll(code);

  const seed = options.seed ?? 1;
  const extra = [...(options.demo ? [createDemoAgentHandler({ seed, logger })] : []), ...(realModel ? [createLoseHook(store, realModel)] : [])];
  const handler = createRequestHandler({
    ctx: { store, conversations, quirks },
    faults,
    logger,
    extra,
    metrics: () =>
      [
        "# HELP fleetlm_dev_appends_total Messages appended since start.",
        "# TYPE fleetlm_dev_appends_total counter",
        `fleetlm_dev_appends_total ${conversations.appendCount}`,
        "# HELP fleetlm_dev_sockets Open WebSocket connections.",
        "# TYPE fleetlm_dev_sockets gauge",
        `fleetlm_dev_sockets ${sockets.connections.size}`,
        "# HELP fleetlm_dev_http_requests_total HTTP requests received since start.",
        "# TYPE fleetlm_dev_http_requests_total counter",
        `fleetlm_dev_http_requests_total ${httpRequests}`,
        "# HELP fleetlm_dev_socket_frames_total WebSocket frames received from clients since start.",
        "# TYPE fleetlm_dev_socket_frames_total counter",
        `fleetlm_dev_socket_frames_total ${sockets.framesIn}`,
        "",
      ].join("\n"),
  });
  const server: Server = createServer((req, res) => {
    httpRequests++;
    const route = `${req.method} ${routeOf(req.url ?? "/")}`;
    httpByRoute.set(route, (httpByRoute.get(route) ?? 0) + 1);
    void handler(req, res);
  });
  server.on("upgrade", (req, socket, head) => sockets.handleUpgrade(req, socket, head));
  server.on("clientError", (_err, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n");
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;

  // Seeding an existing --data directory again would pile up copies on every restart.
  if (options.seedSessions && options.seedSessions > 0 && store.listSessions(undefined, 1).length === 0) {
    seedSessions(store, { count: options.seedSessions, seed, agentId: DEMO_AGENT_ID });
  }
  if (options.demo) registerDemoAgent(store, url, DEMO_WEBHOOK_PATH);
  const traffic =
    options.traffic && options.traffic > 0 ? startTraffic(conversations, { perMinute: options.traffic, seed, agentId: DEMO_AGENT_ID, logger }) : null;

  let closing: Promise<void> | null = null;
  return {
    url,
    socketUrl: `ws://${urlHost}:${port}/socket`,
    port,
    host,
    quirks,
    faults: faults.api(),
    store,
    storage: realModel ? { mode: "real", model: realModel } : { mode: "default" },
    webhooksIdle: () => dispatcher.idle(),
    webhookOutcomes: () => dispatcher.outcomes,
    load: () => ({
      httpRequests,
      socketFrames: sockets.framesIn,
      httpByRoute: Object.fromEntries(httpByRoute),
      framesByKind: Object.fromEntries(sockets.framesByKind),
    }),
    close: () =>
      (closing ??= (async () => {
        traffic?.stop();
        realModel?.stop();
        dispatcher.close();
        inboxes.stopAll();
        await sockets.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        store.close();
      })()),
  };
}

/** A request path with its ids (any segment that is not a plain lower-case word) as `:id`. */
function routeOf(url: string): string {
  const pathname = url.split("?", 1)[0]!;
  return pathname
    .split("/")
    .map((segment) => (segment === "" || /^[a-z_]+$/.test(segment) ? segment : ":id"))
    .join("/");
}
