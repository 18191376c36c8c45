// Login fixture: creates an operator and a session row, and builds requests that carry its cookie.
import "./db";
import { randomUUID } from "node:crypto";
import { lucia } from "~/auth/lucia.server";
import type { Role } from "~/auth/lucia.server";
import { createOperator } from "~/operators/operators.server";

export const ORIGIN = "http://console.test";

export type TestOperator = { id: string; email: string; name: string; role: Role; password: string; cookie: string; token: string };

export async function makeOperator(role: Role = "operator", overrides: { name?: string; password?: string } = {}): Promise<TestOperator> {
  const password = overrides.password ?? "correct horse battery";
  const email = `${role}-${randomUUID().slice(0, 8)}@example.test`;
  const name = overrides.name ?? `${role} ${email.slice(-18, -13)}`;
  const operator = await createOperator({ email, name, role, password }, null);
  const session = await lucia().createSession(operator.id, { createdAt: new Date() });
  const cookie = `${lucia().sessionCookieName}=${session.id}`;
  return { id: operator.id, email, name, role, password, cookie, token: session.id };
}

type RequestOptions = {
  method?: string;
  form?: Record<string, string | string[]>;
  json?: unknown;
  headers?: Record<string, string>;
  as?: TestOperator | null;
  origin?: string | null;
};

/** A Request as a same-origin browser would send it (Origin header, cookie), unless told otherwise. */
export function request(pathAndQuery: string, options: RequestOptions = {}): Request {
  const headers = new Headers(options.headers);
  if (options.as) headers.set("cookie", options.as.cookie);
  const method = options.method ?? (options.form || options.json !== undefined ? "POST" : "GET");
  if (method !== "GET" && options.origin !== null) headers.set("origin", options.origin ?? ORIGIN);
  headers.set("host", new URL(ORIGIN).host);
  let body: string | undefined;
  if (options.form) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(options.form)) for (const v of [value].flat()) params.append(key, v);
    body = params.toString();
    headers.set("content-type", "application/x-www-form-urlencoded");
  } else if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers.set("content-type", "application/json");
  }
  return new Request(ORIGIN + pathAndQuery, { method, headers, body });
}

/** Runs a loader/action and returns the thrown or returned Response-ish outcome in one shape. */
export async function call<T>(fn: () => Promise<T>): Promise<{ status: number; body: unknown; headers: Headers }> {
  try {
    const result: unknown = await fn();
    return normalise(result);
  } catch (thrown) {
    return normalise(thrown, true);
  }
}

async function normalise(value: unknown, thrown = false): Promise<{ status: number; body: unknown; headers: Headers }> {
  if (value instanceof Response) {
    const text = await value.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: the text is the body
    }
    return { status: value.status, body, headers: value.headers };
  }
  // Single fetch `data(...)` results
  if (value && typeof value === "object" && (value as { type?: string }).type === "DataWithResponseInit") {
    const { data, init } = value as { data: unknown; init?: ResponseInit | null };
    return { status: init?.status ?? 200, body: data, headers: new Headers(init?.headers) };
  }
  if (thrown) throw value;
  return { status: 200, body: value, headers: new Headers() };
}
