// The `demo-agent`: a webhook served by the dev server itself that streams realistic NDJSON replies.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../core/logger.js";
import type { Store } from "../store/types.js";
import { nowMicros } from "../util/time.js";
import { createRng, demoReplyText, type Rng } from "./random.js";

export const DEMO_AGENT_ID = "demo-agent";
export const DEMO_WEBHOOK_PATH = "/demo-agent/webhook";

/** Registers (or re-points, after a restart on another port) the demo agent at this server. */
export function registerDemoAgent(store: Store, originUrl: string, webhookPath: string): void {
  const now = nowMicros();
  const existing = store.getAgent(DEMO_AGENT_ID);
  const row = {
    id: DEMO_AGENT_ID,
    name: "Demo Agent",
    origin_url: originUrl,
    webhook_path: webhookPath,
    message_history_mode: "tail" as const,
    message_history_limit: 20,
    timeout_ms: 30000,
    headers: {},
    status: "enabled" as const,
    debounce_window_ms: 500,
    compaction_enabled: false,
    compaction_token_budget: 50000,
    compaction_trigger_ratio: 0.7,
    compaction_webhook_url: null,
    inserted_at: existing?.inserted_at ?? now,
    updated_at: now,
  };
  if (existing) store.replaceAgent(DEMO_AGENT_ID, row);
  else store.insertAgent(row);
}

type Chunk = Record<string, unknown>;
type Step = { chunk: Chunk; delayMs: number };

/** The whole reply as a timed script, decided up front from a seeded source. */
export function demoScript(rng: Rng, lastUserText: string): Step[] {
  const steps: Step[] = [];
  const messageId = `demo-${Math.floor(rng() * 2 ** 48).toString(36)}`;
  const slowStart = rng.chance(0.04);
  steps.push({ chunk: { type: "start", messageId, messageMetadata: { model: "demo-1" } }, delayMs: slowStart ? rng.int(3000, 6000) : rng.int(50, 250) });
  steps.push({ chunk: { type: "start-step" }, delayMs: 0 });

  if (rng.chance(0.25)) {
    steps.push({ chunk: { type: "reasoning-start", id: "r1" }, delayMs: 20 });
    for (const word of "Let me think about what the user needs here.".split(/(?<= )/)) {
      steps.push({ chunk: { type: "reasoning-delta", id: "r1", delta: word }, delayMs: rng.int(10, 40) });
    }
    steps.push({ chunk: { type: "reasoning-end", id: "r1" }, delayMs: 10 });
  }
  if (rng.chance(0.2) || /weather/i.test(lastUserText)) {
    const toolCallId = `call-${Math.floor(rng() * 1e9).toString(36)}`;
    const city = rng.pick(["Paris", "Berlin", "Tokyo", "Lima", "Oslo"]);
    steps.push({ chunk: { type: "tool-input-start", toolCallId, toolName: "weather" }, delayMs: 30 });
    steps.push({ chunk: { type: "tool-input-delta", toolCallId, inputTextDelta: '{"city":' }, delayMs: 20 });
    steps.push({ chunk: { type: "tool-input-delta", toolCallId, inputTextDelta: `"${city}"}` }, delayMs: 20 });
    steps.push({ chunk: { type: "tool-input-available", toolCallId, toolName: "weather", input: { city } }, delayMs: 10 });
    steps.push({ chunk: { type: "tool-output-available", toolCallId, output: { city, temperature: rng.int(-5, 32), unit: "C" } }, delayMs: rng.int(100, 400) });
  }
  if (rng.chance(0.1)) {
    steps.push({ chunk: { type: "data-stats", id: "stats", data: { tickets_open: rng.int(0, 9), satisfaction: rng.int(70, 99) } }, delayMs: 20 });
  }
  if (rng.chance(0.03)) steps.push({ chunk: { type: "error", errorText: "demo: upstream model hiccup" }, delayMs: 20 });

  const text = demoReplyText(rng);
  const tokens = text.split(/(?<= )/);
  const abortAt = rng.chance(0.03) ? rng.int(1, Math.max(1, tokens.length - 1)) : -1;
  steps.push({ chunk: { type: "text-start", id: "t1" }, delayMs: 10 });
  for (let i = 0; i < tokens.length; i++) {
    if (i === abortAt) {
      steps.push({ chunk: { type: "abort" }, delayMs: 10 });
      return steps;
    }
    steps.push({ chunk: { type: "text-delta", id: "t1", delta: tokens[i] }, delayMs: rng.int(15, 60) });
  }
  steps.push({ chunk: { type: "text-end", id: "t1" }, delayMs: 5 });
  steps.push({ chunk: { type: "finish-step" }, delayMs: 0 });
  // latency_ms is filled in when the finish chunk is written.
  steps.push({ chunk: { type: "finish", messageMetadata: { latency_ms: 0, source: "fleetlm-dev-demo" } }, delayMs: 5 });
  return steps;
}

export function createDemoAgentHandler(options: { seed: number; logger: Logger }) {
  let calls = 0;
  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> => {
    if (path !== DEMO_WEBHOOK_PATH || req.method !== "POST") return false;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let payload: { session_id?: unknown; messages?: Array<{ seq?: unknown; content?: { text?: unknown } }> };
    try {
      payload = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "invalid json" }));
      return true;
    }
    const last = payload.messages?.at(-1);
    const rng = createRng(`${options.seed}:${String(payload.session_id)}:${String(last?.seq)}:${calls++}`);
    const script = demoScript(rng, typeof last?.content?.text === "string" ? last.content.text : "");
    const started = Date.now();
    let gone = false;
    res.on("close", () => {
      gone = true;
    });
    res.writeHead(200, { "content-type": "application/x-ndjson" });
    for (const step of script) {
      if (step.delayMs > 0) await new Promise((r) => setTimeout(r, step.delayMs));
      if (gone) return true;
      if (step.chunk.type === "finish") {
        (step.chunk.messageMetadata as Record<string, unknown>).latency_ms = Date.now() - started;
      }
      res.write(JSON.stringify(step.chunk) + "\n");
    }
    res.end();
    options.logger.info(`demo-agent answered session ${String(payload.session_id)}`);
    return true;
  };
}
