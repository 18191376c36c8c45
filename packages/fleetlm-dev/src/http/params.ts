// Plug-style request params: query string, body (JSON or urlencoded) and path merged, path params winning.
import type { IncomingMessage } from "node:http";

export type Params = Record<string, unknown>;

export class BadRequestError extends Error {
  constructor(readonly status: 400 | 413 = 400) {
    super(status === 413 ? "Request Entity Too Large" : "Bad Request");
  }
}

const MAX_BODY = 8_000_000; // Plug.Parsers' default length

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    // Keep reading (and dropping) an oversized body so the client gets its 413 instead of a reset.
    if (size > MAX_BODY * 8) {
      req.destroy();
      break;
    }
    if (size <= MAX_BODY) chunks.push(chunk as Buffer);
  }
  if (size > MAX_BODY) throw new BadRequestError(413);
  return Buffer.concat(chunks);
}

/** Parses the body by content type; other content types are accepted and ignored (§2). */
export function parseBody(contentType: string | undefined, raw: Buffer): Params {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/json" || type.endsWith("+json")) {
    const text = raw.toString("utf8");
    if (text.trim() === "") return {};
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new BadRequestError();
    }
    // A non-object JSON body lands under "_json", so the handlers see their params as missing.
    return isPlainObject(value) ? (value as Params) : { _json: value };
  }
  if (type === "application/x-www-form-urlencoded") return decodeForm(raw.toString("utf8"));
  return {};
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `a=1&b[]=2&c[d]=3` → {a:"1", b:["2"], c:{d:"3"}} like Plug.Conn.Query. */
export function decodeForm(text: string): Params {
  const out: Params = {};
  if (!text) return out;
  for (const pair of text.split("&")) {
    if (!pair) continue;
    const eq = pair.indexOf("=");
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? "" : pair.slice(eq + 1);
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(rawKey.replace(/\+/g, " "));
      value = decodeURIComponent(rawValue.replace(/\+/g, " "));
    } catch {
      throw new BadRequestError();
    }
    // Form keys address nested objects; never let one reach Object.prototype.
    if (/(^|\[)(__proto__|constructor|prototype)(\]|\[|$)/.test(key)) continue;
    assign(out, key, value);
  }
  return out;
}

function assign(target: Params, key: string, value: string): void {
  const open = key.indexOf("[");
  if (open <= 0) {
    target[key] = value;
    return;
  }
  const head = key.slice(0, open);
  const path = [...key.slice(open).matchAll(/\[([^\]]*)\]/g)].map((m) => m[1]!);
  if (path.length === 0) {
    target[key] = value;
    return;
  }
  let node: Record<string, unknown> | unknown[] = target;
  let name: string = head;
  for (const segment of path) {
    const container: unknown = (node as Record<string, unknown>)[name];
    const next: Record<string, unknown> | unknown[] = segment === "" ? (Array.isArray(container) ? container : []) : isPlainObject(container) ? container : {};
    (node as Record<string, unknown>)[name] = next;
    if (segment === "") {
      (next as unknown[]).push(value);
      return;
    }
    node = next;
    name = segment;
  }
  (node as Record<string, unknown>)[name] = value;
}
