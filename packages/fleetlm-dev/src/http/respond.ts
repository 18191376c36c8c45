// Response helpers: FleetLM's CORS headers, x-request-id, and its two error body shapes.
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { STATUS_CODES } from "node:http";

export function corsHeaders(req: IncomingMessage): Record<string, string> {
  const requested = req.headers["access-control-request-headers"];
  return {
    "access-control-allow-origin": "*",
    "access-control-allow-methods": "GET,POST,PUT,PATCH,DELETE,OPTIONS",
    "access-control-allow-headers": typeof requested === "string" && requested !== "" ? requested : "*",
    "access-control-max-age": "600",
  };
}

export function baseHeaders(req: IncomingMessage): Record<string, string> {
  return { ...corsHeaders(req), "x-request-id": randomBytes(15).toString("base64url") };
}

export function sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...baseHeaders(req),
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(req.method === "HEAD" ? undefined : text);
}

export function sendEmpty(req: IncomingMessage, res: ServerResponse, status: number): void {
  res.writeHead(status, baseHeaders(req));
  res.end();
}

/** Framework-level errors: `{"errors":{"detail":"<reason phrase>"}}`. */
export function sendFrameworkError(req: IncomingMessage, res: ServerResponse, status: number): void {
  sendJson(req, res, status, { errors: { detail: STATUS_CODES[status] ?? "Error" } });
}

export function sendText(req: IncomingMessage, res: ServerResponse, status: number, text: string, type = "text/plain; charset=utf-8"): void {
  res.writeHead(status, { ...baseHeaders(req), "content-type": type, "content-length": Buffer.byteLength(text) });
  res.end(req.method === "HEAD" ? undefined : text);
}
