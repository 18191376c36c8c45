// Calls agent webhooks (§8): one serialized worker per session, one queued call per user message, no retries.
import { AssemblerError, MessageAssembler, MissingTypeError, type CompletedMessage } from "@fleetlm/client/assembler";
import type { Logger } from "../core/logger.js";
import { webhookMessageJson } from "../core/render.js";
import { DefaultReads, type MessageReads } from "../store/real-storage.js";
import type { AgentRow, MessageRow, SessionRow, Store } from "../store/types.js";
import { newSlug } from "../util/ids.js";
import { LineSplitter } from "./ndjson.js";
import { webhookUrl } from "./url.js";

export interface DispatcherHooks {
  /** Forwards one chunk as a `stream_chunk` to the session topic. */
  streamChunk(session: SessionRow, agentId: string, chunk: unknown): void;
  /** Stores the assembled assistant message through the normal append path. */
  storeAssistant(session: SessionRow, agentId: string, message: CompletedMessage): void;
}

export type CallOutcome =
  | { ok: true }
  | {
      ok: false;
      reason: "agent_unavailable" | "connect" | "timeout" | "http_error" | "bad_json" | "missing_type" | "assembler_error" | "crash";
      detail?: string;
    };

interface Worker {
  running: boolean;
  pending: number;
}

export class WebhookDispatcher {
  private workers = new Map<string, Worker>();
  private controllers = new Set<AbortController>();
  private closed = false;
  /** Every finished call, for tests and the README's "what happened" story. */
  readonly outcomes: Array<{ sessionId: string; outcome: CallOutcome }> = [];

  constructor(
    private store: Store,
    private hooks: DispatcherHooks,
    private logger: Logger,
    private quirks: boolean,
    private reads: MessageReads = new DefaultReads(store),
    private historyModes: "intended" | "real" = "intended",
  ) {}

  /** One user message = one call; calls for a session run one after another, never merged. */
  trigger(sessionId: string): void {
    if (this.closed) return;
    let worker = this.workers.get(sessionId);
    if (!worker) this.workers.set(sessionId, (worker = { running: false, pending: 0 }));
    worker.pending += 1;
    if (!worker.running) void this.drain(sessionId, worker);
  }

  /** Resolves when no call is running or queued (tests). */
  async idle(): Promise<void> {
    while ([...this.workers.values()].some((w) => w.running || w.pending > 0)) {
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): void {
    this.closed = true;
    for (const c of this.controllers) c.abort();
    this.workers.clear();
  }

  private async drain(sessionId: string, worker: Worker): Promise<void> {
    worker.running = true;
    try {
      while (worker.pending > 0 && !this.closed) {
        worker.pending -= 1;
        let outcome: CallOutcome;
        try {
          outcome = await this.call(sessionId);
        } catch (error) {
          outcome = { ok: false, reason: "crash", detail: String(error) };
        }
        this.outcomes.push({ sessionId, outcome });
        if (this.outcomes.length > 1000) this.outcomes.splice(0, this.outcomes.length - 1000);
        if (!outcome.ok) {
          this.logger.warn(`webhook for session ${sessionId} failed: ${outcome.reason}${outcome.detail ? ` (${outcome.detail})` : ""}`);
          // A crashed worker loses its queue; the next user message starts over (quirk 14).
          if (outcome.reason === "crash" && this.quirks) worker.pending = 0;
        }
      }
    } finally {
      worker.running = false;
      if (worker.pending === 0) this.workers.delete(sessionId);
    }
  }

  private history(agent: AgentRow, sessionId: string): MessageRow[] {
    const limit = agent.message_history_limit;
    if (this.historyModes === "real") {
      // executor.ex select_history at 78f77d1 (quirk 8): `tail` and `last` go through get_messages from seq 0,
      // so they get the unflushed messages plus the *oldest* flushed ones; `entire` reads Postgres only.
      switch (agent.message_history_mode) {
        case "entire":
          return this.reads.allStored(sessionId);
        case "last":
          return this.reads.getMessages(sessionId, 0, 1).slice(-1);
        default:
          if (limit === null) throw new Error("get_messages/3: message_history_limit is nil");
          return this.reads.getMessages(sessionId, 0, limit);
      }
    }
    // Intended history modes, not FleetLM's broken ones (quirk 8 is reproduced only with historyModes "real").
    switch (agent.message_history_mode) {
      case "last":
        return this.store.lastMessages(sessionId, 1);
      case "entire":
        return this.store.listMessages(sessionId, 0, Number.MAX_SAFE_INTEGER);
      default:
        // get_messages guards `is_integer(limit)`: a null limit crashes the call in FleetLM.
        if (limit === null) throw new Error("get_messages/3: message_history_limit is nil");
        return this.store.lastMessages(sessionId, limit);
    }
  }

  private async call(sessionId: string): Promise<CallOutcome> {
    const session = this.store.getSession(sessionId);
    if (!session) return { ok: false, reason: "agent_unavailable", detail: "session gone" };
    const agent = this.store.getAgent(session.agent_id);
    if (!agent || agent.status !== "enabled") return { ok: false, reason: "agent_unavailable" };

    let url: string;
    try {
      url = webhookUrl(agent.origin_url, agent.webhook_path);
    } catch (error) {
      return { ok: false, reason: "connect", detail: `bad url: ${String(error)}` };
    }
    const body = JSON.stringify({
      session_id: session.id,
      agent_id: agent.id,
      user_id: session.user_id,
      messages: this.history(agent, sessionId).map(webhookMessageJson),
    });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(agent.headers ?? {})) headers[k.toLowerCase()] = typeof v === "string" ? v : JSON.stringify(v);
    headers["content-type"] = "application/json";
    headers["accept"] = "application/json";

    const controller = new AbortController();
    this.controllers.add(controller);
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    // timeout_ms is an idle timeout between packets, not a total deadline (§8.3).
    const armTimer = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, agent.timeout_ms);
    };
    armTimer();
    const assembler = new MessageAssembler({ newId: () => newSlug() });
    try {
      let response: Response;
      try {
        response = await fetch(url, { method: "POST", headers, body, redirect: "manual", signal: controller.signal });
      } catch (error) {
        return timedOut ? { ok: false, reason: "timeout" } : { ok: false, reason: "connect", detail: errorText(error) };
      }
      const splitter = new LineSplitter();
      const handleLine = (line: string): CallOutcome | null => {
        let chunk: unknown;
        try {
          chunk = JSON.parse(line);
        } catch {
          return { ok: false, reason: "bad_json", detail: line.slice(0, 200) };
        }
        if (typeof chunk !== "object" || chunk === null || Array.isArray(chunk)) {
          return { ok: false, reason: "crash", detail: `non-object line ${line.slice(0, 100)}` };
        }
        this.hooks.streamChunk(session, agent.id, chunk);
        let completed: CompletedMessage | null;
        try {
          completed = assembler.apply(chunk as Record<string, unknown>);
        } catch (error) {
          if (error instanceof MissingTypeError) return { ok: false, reason: "missing_type" };
          // The chunk was already broadcast; the call fails and nothing is stored (assembler.ex rescue).
          if (error instanceof AssemblerError) return { ok: false, reason: "assembler_error", detail: error.message };
          throw error;
        }
        if (completed) {
          try {
            this.hooks.storeAssistant(session, agent.id, completed);
          } catch (error) {
            // FleetLM's worker crashes when the store fails; the conversation waits for the next user message.
            return { ok: false, reason: "crash", detail: errorText(error) };
          }
        }
        return null;
      };
      try {
        if (response.body) {
          const reader = response.body.getReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            armTimer();
            for (const line of splitter.push(value)) {
              const failed = handleLine(line);
              if (failed) {
                controller.abort();
                return failed;
              }
            }
          }
        }
        for (const line of splitter.end()) {
          const failed = handleLine(line);
          if (failed) return failed;
        }
      } catch (error) {
        if (timedOut) return { ok: false, reason: "timeout" };
        if (this.closed) return { ok: false, reason: "connect", detail: "server closing" };
        return { ok: false, reason: "connect", detail: errorText(error) };
      }
      if (response.status < 200 || response.status > 299) {
        return { ok: false, reason: "http_error", detail: String(response.status) };
      }
      return { ok: true };
    } finally {
      if (timer) clearTimeout(timer);
      this.controllers.delete(controller);
    }
  }
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
  }
  return String(error);
}
