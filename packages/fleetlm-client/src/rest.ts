// FleetLM's REST API (§3): one method per endpoint, zod-parsed results, timeouts, and bounded
// jittered retries for GETs only (a retried POST could append a message twice).
import type { z } from "zod";
import {
  FleetLMBadResponseError,
  FleetLMError,
  FleetLMHttpError,
  FleetLMNetworkError,
  FleetLMRateLimitError,
  FleetLMTimeoutError,
  type FleetLMErrorBody,
} from "./errors.js";
import { z as zod } from "zod";
import {
  AgentDisableResponseSchema,
  AgentResponseSchema,
  AgentSchema,
  MessageFieldsSchema,
  MessageResponseSchema,
  MessageSchema,
  SessionResponseSchema,
  SessionSchema,
  type Agent,
  type AgentStatus,
  type HistoryMode,
  type Message,
  type MessageMaker,
  type Session,
} from "./schemas.js";
import { readRange, type FetchAfter, type RangeRead, type ReadRangeOptions, type SeqRange } from "./range.js";
import { backoffDelay } from "./backoff.js";

export const DEFAULT_BASE_URL = "http://localhost:4000";
/** Sessions whose unflushed-tail hint one client keeps before it starts over. */
const UNFLUSHED_HINT_LIMIT = 10_000;

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface RestRequestInfo {
  method: string;
  url: string;
  /** 0 for the first try, 1.. for retries. */
  attempt: number;
}

export interface FleetLMRestOptions {
  /** Default `http://localhost:4000`. */
  baseUrl?: string;
  /** Per HTTP attempt, including reading the body. Default 10 000 ms. */
  timeoutMs?: number;
  /** Extra attempts for GETs after a network error, timeout, 408, 429 or 5xx. Default 2. POSTs are never retried. */
  retries?: number;
  /** Backoff base for retries without `Retry-After` (full jitter, doubling). Default 250 ms. */
  retryBaseMs?: number;
  /** Backoff ceiling. Default 4 000 ms. */
  retryMaxMs?: number;
  /** A `Retry-After` longer than this is not waited for: the error is thrown at once. Default 30 000 ms. */
  maxRetryAfterMs?: number;
  /** Injected fetch (default `globalThis.fetch`). */
  fetch?: FetchLike;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** Called before every HTTP round trip (retries included), e.g. to count them. */
  onRequest?: (info: RestRequestInfo) => void;
  /**
   * A record in a list answer that does not match its schema. It is left out of the result and reported
   * here; the rest of the list is still returned (one bad agent never hides the others).
   */
  onMalformed?: (info: MalformedRecord) => void;
}

export interface MalformedRecord {
  what: "session" | "message" | "agent";
  url: string;
  index: number;
  /** The record's `id` when it had a string one. */
  id: string | null;
  issues: unknown[];
}

export interface ListReport<T> {
  items: T[];
  /** Records left out because they did not match the schema. */
  malformed: MalformedRecord[];
}

export interface CreateSessionInput {
  userId: string;
  agentId: string;
  metadata?: Record<string, unknown>;
}

export type SenderIdentity = { userId: string; agentId?: undefined } | { agentId: string; userId?: undefined };

export type AppendMessageInput = SenderIdentity & {
  /** Default `"text"` on the server. */
  kind?: string;
  content: Record<string, unknown>;
  metadata?: Record<string, unknown>;
};

export interface ListMessagesOptions {
  /** Exclusive cursor: messages with `seq > afterSeq`. Default 0. */
  afterSeq?: number;
  /** Default 50 on the server; there is no maximum. */
  limit?: number;
}

export interface AgentInput {
  id: string;
  name: string;
  origin_url: string;
  webhook_path?: string;
  message_history_mode?: HistoryMode;
  /** null is stored and returned by FleetLM (a nullable column). */
  message_history_limit?: number | null;
  timeout_ms?: number;
  /** null is stored and returned by FleetLM (a nullable column). */
  headers?: Record<string, string> | null;
  status?: AgentStatus;
  /** Stored but ignored by FleetLM (quirk 9) and never returned. */
  debounce_window_ms?: number;
  compaction_enabled?: boolean;
  compaction_token_budget?: number;
  compaction_trigger_ratio?: number;
  compaction_webhook_url?: string | null;
}

export interface HeadSeqResult {
  /** Highest stored seq, 0 for an empty session. */
  headSeq: number;
  /** HTTP round trips the probe took (retries included). */
  roundTrips: number;
}

interface RequestOptions<S extends z.ZodType | undefined> {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  schema: S;
}

export class FleetLMRest {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly retries: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly fetchImpl: FetchLike;
  private readonly headers: Record<string, string>;
  private readonly onRequest?: (info: RestRequestInfo) => void;
  private readonly onMalformed?: (info: MalformedRecord) => void;
  /** HTTP round trips made by this instance so far (retries included). */
  requestCount = 0;
  /** Per session, FleetLM's unflushed tail as the last readRange met it: the next one's headroom (bounded). */
  private readonly unflushedHint = new Map<string, number>();

  constructor(options: FleetLMRestOptions = {}) {
    this.baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retries = Math.max(0, options.retries ?? 2);
    this.retryBaseMs = options.retryBaseMs ?? 250;
    this.retryMaxMs = options.retryMaxMs ?? 4_000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
    const fetchImpl = options.fetch ?? (globalThis.fetch as FetchLike | undefined);
    if (!fetchImpl) throw new FleetLMError("no fetch available: pass the `fetch` option");
    this.fetchImpl = fetchImpl;
    this.headers = options.headers ?? {};
    this.onRequest = options.onRequest;
    this.onMalformed = options.onMalformed;
  }

  // ---- sessions -------------------------------------------------------------------------------

  /** At most 50 sessions, newest first, archived included (FleetLM has no pagination here). */
  async listSessions(options: { userId?: string } = {}): Promise<Session[]> {
    return (await this.list("session", "/api/sessions", { user_id: options.userId }, "sessions", SessionSchema)).items;
  }

  async getSession(sessionId: string): Promise<Session> {
    const { session } = await this.request("GET", `/api/sessions/${enc(sessionId)}`, { schema: SessionResponseSchema });
    return session;
  }

  async createSession(input: CreateSessionInput): Promise<Session> {
    const { session } = await this.request("POST", "/api/sessions", {
      body: { user_id: input.userId, agent_id: input.agentId, metadata: input.metadata ?? {} },
      schema: SessionResponseSchema,
    });
    return session;
  }

  /** Sets status `archived`. Cosmetic in FleetLM: appends, joins and reads still work (quirk 18). */
  async archiveSession(sessionId: string): Promise<void> {
    await this.request("DELETE", `/api/sessions/${enc(sessionId)}`, { schema: undefined });
  }

  // ---- messages -------------------------------------------------------------------------------

  /**
   * The oldest `limit` messages with `seq > afterSeq`, ascending (FleetLM only pages forward); with `as`, each one
   * as that function makes it from its checked fields (`MessageMaker`) instead of the SDK's `Message`.
   */
  listMessages(sessionId: string, options?: ListMessagesOptions): Promise<Message[]>;
  listMessages<M extends { seq: number }>(sessionId: string, options: ListMessagesOptions & { as: MessageMaker<M> }): Promise<M[]>;
  async listMessages<M extends { seq: number }>(sessionId: string, options: ListMessagesOptions & { as?: MessageMaker<M> } = {}): Promise<(Message | M)[]> {
    const path = `/api/sessions/${enc(sessionId)}/messages`;
    const query = { after_seq: options.afterSeq, limit: options.limit };
    if (options.as) return (await this.list("message", path, query, "messages", MessageFieldsSchema, options.as)).items;
    return (await this.list("message", path, query, "messages", MessageSchema)).items;
  }

  /**
   * Exactly the seqs `from..to`, however FleetLM holes its pages (§13.1): checks contiguity, re-reads the
   * missing seqs, and after a bounded wait reports the ones FleetLM does not have (`missing`, lost for good
   * on a real FleetLM, §13.2). Never take a page's last seq as "read through"; use this.
   */
  readRange(sessionId: string, range: SeqRange, options?: ReadRangeOptions): Promise<RangeRead>;
  readRange<M extends { seq: number }>(sessionId: string, range: SeqRange, options: ReadRangeOptions & { as: MessageMaker<M> }): Promise<RangeRead<M>>;
  async readRange<M extends { seq: number }>(
    sessionId: string,
    range: SeqRange,
    options: ReadRangeOptions & { as?: MessageMaker<M> } = {},
  ): Promise<RangeRead<Message | M>> {
    // Room for the unflushed messages the session's last read met (they sort in first), so a holed range costs
    // one read; they change every few seconds on FleetLM, so the hint is only a guess, refreshed by every read.
    const headroom = options.headroom ?? this.unflushedHint.get(sessionId) ?? 0;
    const as = options.as;
    const fetchAfter: FetchAfter<Message | M> = as
      ? (afterSeq, limit) => this.listMessages(sessionId, { afterSeq, limit, as })
      : (afterSeq, limit) => this.listMessages(sessionId, { afterSeq, limit });
    const read = await readRange(fetchAfter, range, { ...options, headroom });
    if (read.unflushed > 0) {
      if (this.unflushedHint.size >= UNFLUSHED_HINT_LIMIT && !this.unflushedHint.has(sessionId)) this.unflushedHint.clear();
      this.unflushedHint.set(sessionId, read.unflushed);
    } else if (read.highestSeen > range.to) {
      this.unflushedHint.delete(sessionId); // something above the range came back, and nothing unflushed
    }
    return read;
  }

  /**
   * The newest `n` seqs (`head-n+1..head`) through readRange. `head` defaults to a probe; pass a head seen
   * live so a lost newest message is reported too.
   */
  async readTail(sessionId: string, n: number, options: ReadRangeOptions & { head?: number } = {}): Promise<RangeRead & { headSeq: number }> {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError("readTail(n) needs a positive integer n");
    const probed = options.head === undefined ? await this.headSeq(sessionId) : 0;
    const headSeq = Math.max(options.head ?? 0, probed);
    if (headSeq === 0) return { messages: [], missing: [], highestSeen: 0, reads: 0, unflushed: 0, headSeq };
    const read = await this.readRange(
      sessionId,
      { from: Math.max(1, headSeq - n + 1), to: headSeq },
      { ...options, existsUpTo: Math.max(options.existsUpTo ?? 0, options.head ?? 0) },
    );
    return { ...read, headSeq: Math.max(headSeq, read.highestSeen) };
  }

  /**
   * Pages forward from `afterSeq`, each page the exact range `afterSeq+1..afterSeq+pageSize` through
   * readRange (so holed pages never skip a seq); yields each non-empty page and goes on while FleetLM has a
   * seq at or past the range's end. Seqs FleetLM lacks go to `onMissing`.
   */
  async *pages(
    sessionId: string,
    options: { afterSeq?: number; pageSize?: number; onMissing?: (seqs: number[]) => void } & ReadRangeOptions = {},
  ): AsyncGenerator<Message[]> {
    const pageSize = options.pageSize ?? 100;
    for (let afterSeq = options.afterSeq ?? 0; ; afterSeq += pageSize) {
      const read = await this.readRange(sessionId, { from: afterSeq + 1, to: afterSeq + pageSize }, options);
      if (read.missing.length > 0) options.onMissing?.(read.missing);
      if (read.messages.length > 0) yield read.messages;
      if (read.highestSeen < afterSeq + pageSize) return;
    }
  }

  /**
   * Appends as `userId` or `agentId` (exactly one). Resolves with FleetLM's echo, whose `id` is NOT the
   * stored id and whose `inserted_at` has microseconds (quirk 2); re-read it if the id matters.
   * Never retried: a retry after a lost answer could append twice.
   */
  async appendMessage(sessionId: string, input: AppendMessageInput): Promise<Message> {
    const hasUser = input.userId !== undefined;
    const hasAgent = input.agentId !== undefined;
    if (hasUser === hasAgent) throw new TypeError("appendMessage needs exactly one of userId or agentId");
    const body: Record<string, unknown> = hasUser ? { user_id: input.userId } : { agent_id: input.agentId };
    if (input.kind !== undefined) body.kind = input.kind;
    body.content = input.content;
    if (input.metadata !== undefined) body.metadata = input.metadata;
    const { message } = await this.request("POST", `/api/sessions/${enc(sessionId)}/messages`, {
      body,
      schema: MessageResponseSchema,
    });
    return message;
  }

  /** Upserts the read cursor. FleetLM never reads it (quirk 7); returns the session. */
  async markRead(sessionId: string, input: { userId: string; lastSeq: number }): Promise<Session> {
    const { session } = await this.request("POST", `/api/sessions/${enc(sessionId)}/read`, {
      body: { user_id: input.userId, last_seq: input.lastSeq },
      schema: SessionResponseSchema,
    });
    return session;
  }

  /**
   * Finds the highest stored seq with `limit=1` reads: `after_seq=k-1` answers "is there a seq >= k?".
   * Exponential probing finds an upper bound, then binary search closes in: about 2·log2(n) round trips.
   * `from` is a seq believed to exist (for example a client's `lastSeq`); it makes the common
   * "nothing or little new" case cost two reads.
   */
  async findHeadSeq(sessionId: string, options: { from?: number } = {}): Promise<HeadSeqResult> {
    let roundTrips = 0;
    // Smallest stored seq >= k, or null when there is none.
    const probe = async (k: number): Promise<number | null> => {
      const before = this.requestCount;
      try {
        const [first] = await this.listMessages(sessionId, { afterSeq: k - 1, limit: 1 });
        return first?.seq ?? null;
      } finally {
        roundTrips += this.requestCount - before;
      }
    };

    let lo = 0; // highest seq known to exist (0: none known)
    let hi: number | null = null; // lowest k known to have no seq >= k
    let k = 1;
    let step = 1;
    const from = Math.floor(options.from ?? 0);
    if (from > 1) {
      const found = await probe(from);
      if (found === null) hi = from;
      else {
        lo = found;
        k = found + 1;
      }
    }
    while (hi === null) {
      const found = await probe(k);
      if (found === null) hi = k;
      else {
        lo = found;
        k = found + step;
        step *= 2;
      }
    }
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      const found = await probe(mid);
      if (found === null) hi = mid;
      else {
        lo = found;
        // A concurrent append can make `found` reach past `hi`; the newer value wins.
        if (lo >= hi) hi = lo + 1;
      }
    }
    return { headSeq: lo, roundTrips };
  }

  /** The highest stored seq (0 for an empty session). See `findHeadSeq`. */
  async headSeq(sessionId: string, options: { from?: number } = {}): Promise<number> {
    return (await this.findHeadSeq(sessionId, options)).headSeq;
  }

  /** The newest `n` messages in ascending order: a head probe, then one forward read. */
  async latest(sessionId: string, n: number, options: { from?: number } = {}): Promise<Message[]> {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError("latest(n) needs a positive integer n");
    const head = await this.headSeq(sessionId, options);
    if (head === 0) return [];
    return (await this.readRange(sessionId, { from: Math.max(1, head - n + 1), to: head })).messages;
  }

  // ---- agents ---------------------------------------------------------------------------------

  /** Sorted by name. `status` filters; FleetLM has no pagination here. */
  async listAgents(options: { status?: AgentStatus } = {}): Promise<Agent[]> {
    return (await this.listAgentsReport(options)).items;
  }

  /** The agents that parse, and the records that did not (also passed to `onMalformed`). */
  listAgentsReport(options: { status?: AgentStatus } = {}): Promise<ListReport<Agent>> {
    return this.list("agent", "/api/agents", { status: options.status }, "agents", AgentSchema);
  }

  async getAgent(agentId: string): Promise<Agent> {
    const { agent } = await this.request("GET", `/api/agents/${enc(agentId)}`, { schema: AgentResponseSchema });
    return agent;
  }

  /** 422 `{errors: {field: [...]}}` on validation failure (see `FleetLMHttpError.errors`). */
  async createAgent(input: AgentInput): Promise<Agent> {
    const { agent } = await this.request("POST", "/api/agents", { body: { agent: input }, schema: AgentResponseSchema });
    return agent;
  }

  /** Partial update (PUT; FleetLM treats PATCH the same). Fields not sent stay unchanged. */
  async updateAgent(agentId: string, patch: Partial<AgentInput>): Promise<Agent> {
    const { agent } = await this.request("PUT", `/api/agents/${enc(agentId)}`, {
      body: { agent: patch },
      schema: AgentResponseSchema,
    });
    return agent;
  }

  /** Soft delete: FleetLM sets `status: "disabled"` and keeps the row. */
  async disableAgent(agentId: string): Promise<Agent> {
    const { agent } = await this.request("DELETE", `/api/agents/${enc(agentId)}`, {
      schema: AgentDisableResponseSchema,
    });
    return agent;
  }

  // ---- transport ------------------------------------------------------------------------------

  /**
   * A list answer `{key: [...]}` parsed record by record: bad records are reported, never fatal. Each good one is
   * `schema`'s output, or what `make` makes of it.
   */
  private async list<T extends z.ZodType, R = z.output<T>>(
    what: MalformedRecord["what"],
    path: string,
    query: Record<string, string | number | undefined>,
    key: string,
    schema: T,
    make?: (value: z.output<T>) => R,
  ): Promise<ListReport<R>> {
    const envelope = await this.request("GET", path, { query, schema: ListEnvelopeSchema(key) });
    const items: R[] = [];
    const malformed: MalformedRecord[] = [];
    const url = this.url(path, query);
    (envelope[key] as unknown[]).forEach((raw, index) => {
      const parsed = schema.safeParse(raw);
      if (parsed.success) items.push(make ? make(parsed.data) : (parsed.data as R));
      else {
        const id = raw && typeof raw === "object" && typeof (raw as { id?: unknown }).id === "string" ? (raw as { id: string }).id : null;
        const record: MalformedRecord = { what, url, index, id, issues: parsed.error.issues };
        malformed.push(record);
        this.onMalformed?.(record);
      }
    });
    return { items, malformed };
  }

  private async request<S extends z.ZodType | undefined>(
    method: string,
    path: string,
    options: RequestOptions<S>,
  ): Promise<S extends z.ZodType ? z.output<S> : void> {
    const url = this.url(path, options.query);
    const retries = method === "GET" ? this.retries : 0;
    for (let attempt = 0; ; attempt++) {
      try {
        return (await this.attempt(method, url, attempt, options.body, options.schema)) as never;
      } catch (error) {
        if (attempt >= retries || !isRetryable(error)) throw error;
        const delay = this.retryDelay(error, attempt);
        if (delay === null) throw error;
        await sleep(delay);
      }
    }
  }

  private async attempt(method: string, url: string, attempt: number, body: unknown, schema: z.ZodType | undefined): Promise<unknown> {
    const info = { method, url };
    this.requestCount += 1;
    this.onRequest?.({ method, url, attempt });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let status: number;
    let headers: Headers;
    let text: string;
    try {
      const response = await this.fetchImpl(url, {
        method,
        headers: {
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...this.headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
      });
      status = response.status;
      headers = response.headers;
      text = await response.text();
    } catch (error) {
      if (controller.signal.aborted) throw new FleetLMTimeoutError(info, this.timeoutMs);
      throw new FleetLMNetworkError(info, error);
    } finally {
      clearTimeout(timer);
    }

    if (status < 200 || status > 299) {
      const parsed = parseErrorBody(text);
      const retryAfterMs = parseRetryAfter(headers.get("retry-after"));
      if (status === 429) throw new FleetLMRateLimitError(info, parsed, text, retryAfterMs);
      throw new FleetLMHttpError(info, status, parsed, text, retryAfterMs);
    }
    if (!schema) return undefined;

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new FleetLMBadResponseError(`FleetLM ${method} ${url} answered ${status} with a body that is not JSON`, {
        status,
        text,
        cause: error,
      });
    }
    const result = schema.safeParse(json);
    if (!result.success) {
      throw new FleetLMBadResponseError(`FleetLM ${method} ${url} answered ${status} with an unexpected shape: ${result.error.message}`, {
        status,
        text,
        issues: result.error.issues,
      });
    }
    return result.data;
  }

  private url(path: string, query?: Record<string, string | number | undefined>): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) params.set(key, String(value));
    }
    const search = params.toString();
    return `${this.baseUrl}${path}${search ? `?${search}` : ""}`;
  }

  /** null means "do not retry": the server asked for a longer pause than we are willing to wait. */
  private retryDelay(error: unknown, attempt: number): number | null {
    if (error instanceof FleetLMHttpError && error.retryAfterMs !== null) {
      return error.retryAfterMs > this.maxRetryAfterMs ? null : error.retryAfterMs;
    }
    return backoffDelay(attempt + 1, { baseMs: this.retryBaseMs, maxMs: this.retryMaxMs, jitter: "full" });
  }
}

function isRetryable(error: unknown): boolean {
  if (error instanceof FleetLMNetworkError || error instanceof FleetLMTimeoutError) return true;
  if (error instanceof FleetLMHttpError) return error.status === 408 || error.status === 429 || error.status >= 500;
  return false;
}

function parseErrorBody(text: string): FleetLMErrorBody | null {
  try {
    const json: unknown = JSON.parse(text);
    return json && typeof json === "object" && !Array.isArray(json) ? (json as FleetLMErrorBody) : null;
  } catch {
    return null;
  }
}

/** `Retry-After` as delay-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === "") return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

const enc = encodeURIComponent;

/**
 * `{key: [anything]}`: the envelope is checked whole, its records one by one (see `list`). One schema per key, made
 * once: zod 4 compiles a schema on its first parse, and a schema made per call paid that on every read.
 */
const envelopes = new Map<string, z.ZodType<Record<string, unknown[]>>>();
function ListEnvelopeSchema(key: string): z.ZodType<Record<string, unknown[]>> {
  let schema = envelopes.get(key);
  if (!schema) envelopes.set(key, (schema = zod.object({ [key]: zod.array(zod.unknown()) })));
  return schema;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
