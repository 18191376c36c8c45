// The HTTP side of the endpoint: OPTIONS/CORS, method override, Accept, routing, framework errors, faults.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FaultState } from "../core/faults.js";
import type { Logger } from "../core/logger.js";
import { archiveSession, appendMessage, createSession, getSession, listMessages, listSessions, markRead } from "./sessions.js";
import { createAgent, disableAgent, getAgent, listAgents, updateAgent } from "./agents.js";
import type { ApiContext, Handler } from "./context.js";
import { BadRequestError, decodeForm, parseBody, readBody, type Params } from "./params.js";
import { baseHeaders, corsHeaders, sendEmpty, sendFrameworkError, sendJson, sendText } from "./respond.js";

type Route = { method: string; pattern: RegExp; keys: string[]; handler: Handler };

function route(method: string, path: string, handler: Handler): Route {
  const keys: string[] = [];
  const pattern = new RegExp(
    "^" +
      path.replace(/:(\w+)/g, (_m, key: string) => {
        keys.push(key);
        return "([^/]+)";
      }) +
      "/?$",
  );
  return { method, pattern, keys, handler };
}

const ROUTES: Route[] = [
  route("GET", "/api/sessions", listSessions),
  route("POST", "/api/sessions", createSession),
  route("GET", "/api/sessions/:id", getSession),
  route("GET", "/api/sessions/:session_id/messages", listMessages),
  route("POST", "/api/sessions/:session_id/messages", appendMessage),
  route("POST", "/api/sessions/:session_id/read", markRead),
  route("DELETE", "/api/sessions/:session_id", archiveSession),
  route("GET", "/api/agents", listAgents),
  route("POST", "/api/agents", createAgent),
  route("GET", "/api/agents/:id", getAgent),
  route("PUT", "/api/agents/:id", updateAgent),
  route("PATCH", "/api/agents/:id", updateAgent),
  route("DELETE", "/api/agents/:id", disableAgent),
];

// Phoenix's `accepts ["json"]`: no header, any "*/*" or application/json entry passes.
function acceptsJson(header: string | undefined): boolean {
  if (header === undefined || header.trim() === "") return true;
  return header.split(",").some((entry) => {
    const [type, ...paramsList] = entry.split(";").map((s) => s.trim().toLowerCase());
    const q = paramsList.find((p) => p.startsWith("q="));
    if (q && Number(q.slice(2)) === 0) return false;
    return type === "*/*" || type === "application/json" || type === "application/*";
  });
}

export interface RouterOptions {
  ctx: ApiContext;
  faults: FaultState;
  logger: Logger;
  metrics: () => string;
  /** Extra handlers (the demo agent); return true when handled. */
  extra: Array<(req: IncomingMessage, res: ServerResponse, path: string) => boolean | Promise<boolean>>;
}

export function createRequestHandler(options: RouterOptions) {
  const { ctx, faults, logger } = options;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      await handle(req, res);
    } catch (error) {
      if (error instanceof BadRequestError) {
        if (!res.headersSent) sendFrameworkError(req, res, error.status);
        return;
      }
      logger.error(`request ${req.method} ${req.url} failed: ${error instanceof Error ? error.stack : String(error)}`);
      if (!res.headersSent) sendFrameworkError(req, res, 500);
      else res.destroy();
    }
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname;
    if (req.method === "OPTIONS") {
      res.writeHead(204, corsHeaders(req));
      res.end();
      return;
    }
    for (const extra of options.extra) if (await extra(req, res, path)) return;

    if (path === "/socket/websocket") {
      // Reached only without upgrade headers; the upgrade path answers 403 for bad params first.
      const q = url.searchParams;
      if (!/^[12]\.0\.\d+$/.test(q.get("vsn") ?? "1.0.0")) return sendEmpty(req, res, 403);
      if (!q.has("user_id") && !q.has("agent_id")) return sendEmpty(req, res, 403);
      return sendText(req, res, 400, "Bad Request");
    }
    if (path === "/metrics" && (req.method === "GET" || req.method === "HEAD")) {
      return sendText(req, res, 200, options.metrics(), "text/plain; version=0.0.4; charset=utf-8");
    }
    if (!path.startsWith("/api/") && path !== "/api") {
      await drain(req);
      return sendFrameworkError(req, res, 404);
    }

    const fault = faults.settings;
    if (fault.mode !== null) faults.answeredCount += 1;
    if (fault.mode === "slow") await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault.mode === "error500") {
      await drain(req);
      return sendFrameworkError(req, res, 500);
    }
    if (fault.mode === "rate429") {
      await drain(req);
      res.setHeader("retry-after", String(fault.retryAfterS));
      return sendFrameworkError(req, res, 429);
    }
    if (fault.mode === "garbage") {
      await drain(req);
      res.writeHead(200, { ...baseHeaders(req), "content-type": "application/json; charset=utf-8" });
      res.end('{"sessions":[{"id":');
      return;
    }

    const query = decodeForm(url.search.slice(1));
    const raw = await readBody(req);
    const body = parseBody(req.headers["content-type"], raw);
    let method = req.method === "HEAD" ? "GET" : (req.method ?? "GET");
    if (method === "POST" && typeof body._method === "string") {
      const override = body._method.toUpperCase();
      if (["PUT", "PATCH", "DELETE"].includes(override)) method = override;
    }

    let matched: { route: Route; pathParams: Params } | null = null;
    for (const r of ROUTES) {
      if (r.method !== method) continue;
      const m = r.pattern.exec(path);
      if (!m) continue;
      const pathParams: Params = {};
      let bad = false;
      r.keys.forEach((key, i) => {
        try {
          pathParams[key] = decodeURIComponent(m[i + 1]!);
        } catch {
          bad = true;
        }
      });
      if (bad) throw new BadRequestError();
      matched = { route: r, pathParams };
      break;
    }
    if (!matched) return sendFrameworkError(req, res, 404);
    if (!acceptsJson(req.headers.accept)) return sendFrameworkError(req, res, 406);

    const params: Params = { ...query, ...body, ...matched.pathParams };
    const result = matched.route.handler(ctx, params);
    if (result.status === 204) sendEmpty(req, res, 204);
    else sendJson(req, res, result.status, result.body);
    try {
      result.after?.();
    } catch (error) {
      // The answer is already out; a failed fan-out must not touch the connection.
      logger.error(`after-response work for ${method} ${path} failed: ${error instanceof Error ? error.stack : String(error)}`);
    }
  }
}

async function drain(req: IncomingMessage): Promise<void> {
  try {
    for await (const _chunk of req) {
      // discard
    }
  } catch {
    // the client went away
  }
}
