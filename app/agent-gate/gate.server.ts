// The agent gate: FleetLM calls this instead of the real agent. While an operator holds the session, the gate
// answers at once with an empty successful stream (nothing stored, the AI stays silent; see ADR 040);
// otherwise it forwards the same body to the agent's real URL, computed only from the stored settings, and
// relays the NDJSON back as it arrives. Replies in flight are registered so an operator can stop them.
import { createHash, timingSafeEqual } from "node:crypto";
import { db } from "~/db.server";
import { nudgeSession } from "~/fleetlm-sync/sync-queue.server";
import { liveBus } from "~/live/bus.server";
import { activeTakeover } from "~/takeover/takeover.server";
import { relayNdjson } from "./relay.server";
import { trackStream } from "./streams.server";
import { readWebhookRequest } from "./webhook-request.server";
import { webhookUrl } from "./webhook-url";

export const GATE_HEADER = "x-console-gate";
/** How long after the relayed stream ends the gate reads the stored reply (the inbox signal is the fallback). */
const REPLY_STORED_AFTER_MS = 200;

const plain = (status: number, text: string) =>
  new Response(text, { status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });

function sameSecret(given: string, expected: string): boolean {
  // Hashing first gives equal lengths, so the comparison time says nothing about the token.
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The headers the gate sends the real agent (a null FleetLM stored is none). */
export function parseStoredHeaders(json: string): Record<string, string> {
  try {
    const value = JSON.parse(json) as unknown;
    if (!value || typeof value !== "object" || Array.isArray(value)) return {};
    const out: Record<string, string> = {};
    for (const [key, v] of Object.entries(value)) out[key] = typeof v === "string" ? v : JSON.stringify(v);
    return out;
  } catch {
    return {};
  }
}

/** The agent's own headers for undo: FleetLM keeps `null` as a value of its own (nullable column, §1.5), so it goes back as null. */
export function storedAgentHeaders(json: string): Record<string, string> | null {
  return json.trim() === "null" ? null : parseStoredHeaders(json);
}

export type GatedAgentRow = { agentId: string; originUrl: string; webhookPath: string; headers: string; gateToken: string };

/**
 * The gate route's guard (FleetLM has no operator session): the agent must be routed through the Console
 * and the call must carry its secret header. Throws 404/403 otherwise.
 */
export async function requireGate(request: Request, agentId: string): Promise<GatedAgentRow> {
  const prisma = await db();
  const gated = await prisma.gatedAgent.findUnique({ where: { agentId } });
  if (!gated) throw plain(404, "This agent is not routed through the Console.");
  const token = request.headers.get(GATE_HEADER);
  if (!token || !sameSecret(token, gated.gateToken)) throw plain(403, "Missing or wrong gate token.");
  return gated;
}

/** One webhook call that passed the gate check: pause, or forward and relay. */
export async function handleGateCall(request: Request, gated: GatedAgentRow): Promise<Response> {
  const agentId = gated.agentId;
  if (request.method !== "POST") return plain(405, "POST only.");

  const read = await readWebhookRequest(request, agentId);
  if (!read.ok) return plain(read.status, read.error);
  const sessionId = read.payload.session_id;
  // FleetLM calls the agent right after storing a user message: a push that costs the index no polling (ADR 066).
  // With that message's seq, so no read starts when the session's channel push synced it already (ADR 222).
  const asked = read.payload.messages.filter((m) => m.sender_id === read.payload.user_id).at(-1)?.seq;
  nudgeSession(sessionId, asked);

  if (await activeTakeover(sessionId)) {
    // 0 lines with a 2xx status is a successful call that stores nothing (§8.4/§8.5). The holder's panel is
    // told, so "the AI is paused" is something they see happen, not a promise.
    liveBus().publish({ type: "gate.paused", sessionId, seq: asked ?? 0 });
    return new Response(null, { status: 200, headers: { "content-type": "application/x-ndjson", "cache-control": "no-store", [GATE_HEADER]: "paused" } });
  }

  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(parseStoredHeaders(gated.headers))) headers[key.toLowerCase()] = value;
  headers["content-type"] = "application/json";
  headers["accept"] = "application/json";

  const upstreamAbort = new AbortController();
  const onHangUp = () => upstreamAbort.abort();
  request.signal?.addEventListener("abort", onHangUp, { once: true });

  let upstream: Response;
  try {
    upstream = await fetch(webhookUrl(gated.originUrl, gated.webhookPath), {
      method: "POST",
      headers,
      body: read.raw,
      redirect: "manual", // FleetLM follows no redirects either
      signal: upstreamAbort.signal,
    });
  } catch (error) {
    request.signal?.removeEventListener("abort", onHangUp);
    console.warn(`[gate] agent ${agentId} unreachable: ${error instanceof Error ? error.message : String(error)}`);
    return plain(502, "The agent could not be reached.");
  }
  if (!upstream.body) {
    request.signal?.removeEventListener("abort", onHangUp);
    return new Response(null, { status: upstream.status });
  }

  let untrack = () => {};
  const relay = relayNdjson(upstream.body, {
    onEnd: () => {
      untrack();
      request.signal?.removeEventListener("abort", onHangUp);
      // FleetLM stores the reply once it has read the stream's end, just after this: read it then, unless the
      // session's channel push indexed a message after the one asked about already (the reply, ADR 224).
      const reply = asked === undefined ? undefined : asked + 1;
      setTimeout(() => nudgeSession(sessionId, reply), REPLY_STORED_AFTER_MS).unref?.();
    },
    cancelUpstream: () => upstreamAbort.abort(),
  });
  untrack = trackStream(sessionId, { agentId, startedAt: Date.now(), stop: (by) => relay.stop({ stopped_by: by }) });

  return new Response(relay.stream, {
    status: upstream.status,
    headers: {
      "content-type": upstream.headers.get("content-type") ?? "application/x-ndjson",
      // no-transform keeps the compression middleware from buffering the stream.
      "cache-control": "no-store, no-transform",
      "x-accel-buffering": "no",
    },
  });
}
