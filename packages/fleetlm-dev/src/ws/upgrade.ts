// The `/socket/websocket` endpoint: connect params and vsn are checked before the upgrade (§4.1, §4.5).
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import { Connection, type ConnectionDeps } from "./connection.js";
import type { Vsn } from "./frames.js";

export class SocketEndpoint {
  private wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 8_000_000 });
  readonly connections = new Set<Connection>();
  /** Frames received from clients since start (joins, leaves, pushes, heartbeats), for load figures. */
  framesIn = 0;
  /** The same frames by kind (`inbox:phx_join`, `phoenix:heartbeat`, …). */
  readonly framesByKind = new Map<string, number>();

  constructor(private deps: ConnectionDeps) {
    this.deps = { ...deps, countFrame: (kind) => this.framesByKind.set(kind, (this.framesByKind.get(kind) ?? 0) + 1) };
    this.wss.on("error", () => {});
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", () => socket.destroy());
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== "/socket/websocket") return refuse(socket, "404 Not Found");
    const q = url.searchParams;
    const vsnParam = q.get("vsn") ?? "1.0.0";
    const version = /^([12])\.0\.\d+$/.exec(vsnParam);
    if (!version) return refuse(socket, "403 Forbidden");
    const identity = q.has("user_id") ? q.get("user_id")! : q.has("agent_id") ? q.get("agent_id")! : null;
    if (identity === null) return refuse(socket, "403 Forbidden");
    if (req.method !== "GET") return refuse(socket, "400 Bad Request");
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on("message", () => this.framesIn++);
      const connection = new Connection(ws, identity, version[1] as Vsn, this.deps);
      this.connections.add(connection);
      ws.on("close", () => this.connections.delete(connection));
    });
  }

  closeAll(code: number): void {
    for (const c of [...this.connections]) c.close(code);
  }

  async close(): Promise<void> {
    this.closeAll(1001);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

function refuse(socket: Duplex, status: string): void {
  socket.once("finish", () => socket.destroy());
  socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
}
