// Typed errors for every way a FleetLM call can fail, so callers branch on `instanceof`, not on strings.

/** Base class of every error this package throws or emits. */
export class FleetLMError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * FleetLM's two error body conventions: hand-written `{"error": "..."}` and validation/framework
 * `{"errors": {"field": ["msg"]}}` / `{"errors": {"detail": "Not Found"}}`.
 */
export type FleetLMErrorBody = { error: string } | { errors: Record<string, string[] | string> } | Record<string, unknown>;

export interface RequestInfo {
  method: string;
  url: string;
}

/**
 * A non-2xx HTTP answer. `body` is the parsed JSON body when there is one, `text` the raw text, and
 * `retryAfterMs` the server's `Retry-After` (seconds or HTTP date) when it sent one.
 */
export class FleetLMHttpError extends FleetLMError {
  readonly status: number;
  readonly body: FleetLMErrorBody | null;
  readonly text: string;
  readonly method: string;
  readonly url: string;
  readonly retryAfterMs: number | null;

  constructor(request: RequestInfo, status: number, body: FleetLMErrorBody | null, text: string, retryAfterMs: number | null = null) {
    super(`FleetLM ${request.method} ${request.url} failed with ${status}: ${describeBody(body, text)}`);
    this.status = status;
    this.body = body;
    this.text = text;
    this.method = request.method;
    this.url = request.url;
    this.retryAfterMs = retryAfterMs;
  }

  /** The `error` string of a hand-written error body, if any. */
  get error(): string | undefined {
    return this.body && typeof (this.body as { error?: unknown }).error === "string" ? (this.body as { error: string }).error : undefined;
  }

  /** The `errors` map of a validation/framework error body, if any. */
  get errors(): Record<string, string[] | string> | undefined {
    const errors = this.body ? (this.body as { errors?: unknown }).errors : undefined;
    return errors && typeof errors === "object" ? (errors as Record<string, string[] | string>) : undefined;
  }
}

/** A 429 answer. `retryAfterMs` comes from `Retry-After` (seconds or HTTP date), null when absent. */
export class FleetLMRateLimitError extends FleetLMHttpError {
  constructor(request: RequestInfo, body: FleetLMErrorBody | null, text: string, retryAfterMs: number | null) {
    super(request, 429, body, text, retryAfterMs);
  }
}

/** The request never got an HTTP answer (connection refused, reset, DNS...). */
export class FleetLMNetworkError extends FleetLMError {
  readonly method: string;
  readonly url: string;

  constructor(request: RequestInfo, cause: unknown) {
    super(`FleetLM ${request.method} ${request.url} failed: ${errorText(cause)}`, { cause });
    this.method = request.method;
    this.url = request.url;
  }
}

/** No complete answer within `timeoutMs`. */
export class FleetLMTimeoutError extends FleetLMError {
  readonly method: string;
  readonly url: string;
  readonly timeoutMs: number;

  constructor(request: RequestInfo, timeoutMs: number) {
    super(`FleetLM ${request.method} ${request.url} timed out after ${timeoutMs} ms`);
    this.method = request.method;
    this.url = request.url;
    this.timeoutMs = timeoutMs;
  }
}

/** A 2xx answer (or a channel reply) that is not JSON or does not match the protocol's shape. */
export class FleetLMBadResponseError extends FleetLMError {
  readonly status: number | null;
  readonly text: string;
  readonly issues: unknown;

  constructor(message: string, details: { status?: number | null; text?: string; issues?: unknown; cause?: unknown }) {
    super(message, { cause: details.cause });
    this.status = details.status ?? null;
    this.text = details.text ?? "";
    this.issues = details.issues;
  }
}

/**
 * A channel join or push that FleetLM refused, or that got no reply in time.
 * `reason` is `response.reason` for joins (`"unauthorized"`, `"not found"`) or `response.error` for
 * pushes (`"invalid_message_format"`, `"timeout"`); `"timeout"` is also used for the client-side push timeout.
 */
export class FleetLMChannelError extends FleetLMError {
  readonly topic: string;
  readonly event: string;
  readonly reason: string;
  readonly response: Record<string, unknown>;

  constructor(topic: string, event: string, reason: string, response: Record<string, unknown> = {}) {
    super(`FleetLM ${event} on ${topic} failed: ${reason}`);
    this.topic = topic;
    this.event = event;
    this.reason = reason;
    this.response = response;
  }
}

function describeBody(body: FleetLMErrorBody | null, text: string): string {
  if (body && typeof (body as { error?: unknown }).error === "string") return (body as { error: string }).error;
  if (body && (body as { errors?: unknown }).errors !== undefined) return JSON.stringify((body as { errors: unknown }).errors);
  const trimmed = text.trim();
  return trimmed ? trimmed.slice(0, 200) : "(empty body)";
}

export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error && cause.message && cause.message !== error.message ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}
