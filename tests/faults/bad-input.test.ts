// Bad input, as a generated table: every route module under app/routes/ (found on disk, so a route added
// tomorrow is covered without editing this file), every exported action and every loader, fed malformed,
// oversized and hostile input as each role and anonymously, always as a valid same-origin request.
// Passes when: no response is a 500 (or any 5xx but a 503 "FleetLM unavailable"), nothing throws a
// non-Response error, every 4xx carries a readable message and no stack, a rejected request leaves every
// table's row count unchanged, and Object.prototype is never polluted.
import { ORIGIN, makeOperator, type TestOperator } from "../support/auth";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFleetlmDev, type FleetlmDevServer } from "@fleetlm/dev";
import { FleetLMRest } from "@fleetlm/client";
import { lucia } from "~/auth/lucia.server";
import { resetEnvCache } from "~/env.server";
import { resetFleetlm } from "~/fleetlm/fleetlm.server";
import { discoverRoutes, type RouteModule } from "./support/route-table";
import { BAD_REFERERS, FIELD_VARIANTS, REDIRECT_TARGETS, WRONG_INTENTS, bodyShapes, paramValues, plausible, queryShapes, urlencoded } from "./support/hostile";
import { tableCounts, type Counts } from "./support/table-counts";
import { outcome as runOutcome, type Outcome } from "./support/outcome";
import { encode } from "turbo-stream";
import { postHostileMessages } from "../support/hostile-messages";

type Role = "admin" | "operator" | "auditor" | "anonymous";
const ROLES: Role[] = ["admin", "operator", "auditor", "anonymous"];

// Tables that may legitimately grow on a rejected request: the append-only audit log (failed sign-ins and
// refusals are recorded), and caches of FleetLM that any read refreshes (a rejected review still learned the
// reply exists). Everything else must be untouched.
const MAY_GROW_ON_REJECT = new Set(["AuditEvent", "SessionIndex", "ReplyIndex"]);

type Case = {
  label: string;
  kind: "action" | "loader";
  method: string;
  params: Record<string, string>;
  query?: string;
  body?: BodyInit | null;
  contentType?: string | null;
  headers?: Record<string, string>;
  extraCookie?: string;
};
type Finding = { route: string; role: Role; kind: string; case: string; status: number | "threw"; detail: string };

const routes = discoverRoutes();
const findings: Finding[] = [];
let server: FleetlmDevServer;
const real: { sessionId: string; seq: number; hostile?: { sessionId: string; seqs: number[] } } = { sessionId: "", seq: 1 };
const operators = new Map<Role, TestOperator | null>();

const FINDINGS = path.resolve(".tmp/bad-input-findings.json");

beforeAll(async () => {
  rmSync(FINDINGS, { force: true }); // a file from an earlier run must not be mistaken for this one's
  server = await startFleetlmDev({ port: 0, demo: true });
  process.env.FLEETLM_URL = server.url;
  process.env.FLEETLM_TIMEOUT_MS = "3000";
  resetEnvCache();
  resetFleetlm();
  // One real session with a user message and the demo agent's answer, so valid-looking input reaches deep paths.
  const rest = new FleetLMRest({ baseUrl: server.url });
  const session = await rest.createSession({ userId: "bad-input-user", agentId: "demo-agent" });
  await rest.appendMessage(session.id, { userId: "bad-input-user", content: { text: "hello" } });
  await server.webhooksIdle();
  const messages = await rest.listMessages(session.id);
  real.sessionId = session.id;
  real.seq = messages.find((m) => m.sender_id !== "bad-input-user")?.seq ?? 1;
  // A session whose end user posted hostile content: huge and deep, forged kinds and metadata (ADR 085, 087).
  const hostile = await rest.createSession({ userId: "bad-input-mallory", agentId: "demo-agent" });
  const seqs = await postHostileMessages(rest, hostile.id, "bad-input-mallory");
  await server.webhooksIdle();
  real.hostile = { sessionId: hostile.id, seqs: Object.values(seqs) };
  for (const role of ROLES) operators.set(role, role === "anonymous" ? null : await makeOperator(role));
  // Warm-up: every loader once as the admin, so lazily seeded tables (default review labels, …) exist before
  // row counts are compared; a seed written on first read is not a half-written request.
  const admin = operators.get("admin")!;
  for (const route of routes) {
    const mod = await import(/* @vite-ignore */ path.resolve("app/routes", route.file)).catch(() => null);
    if (typeof mod?.loader !== "function") continue;
    const params = Object.fromEntries(route.params.map((name) => [name, paramValues(name, real)[0]]));
    const abort = new AbortController();
    await mod
      .loader({ request: buildRequest(route, { label: "warm-up", kind: "loader", method: "GET", params }, admin, abort.signal), params, context: {} })
      .then(
        (r: unknown) => (r instanceof Response ? r.body?.cancel().catch(() => {}) : undefined),
        () => {},
      );
    abort.abort();
  }
});

afterAll(async () => {
  await server?.close();
  if (findings.length) {
    mkdirSync(".tmp", { recursive: true });
    writeFileSync(FINDINGS, JSON.stringify(findings, null, 2));
  }
});

function urlFor(route: RouteModule, params: Record<string, string>, query = "") {
  let url = route.pattern;
  for (const [name, value] of Object.entries(params)) {
    url = name === "*" ? url.replace("*", value.split("/").map(encodeURIComponent).join("/")) : url.replace(`:${name}`, encodeURIComponent(value));
  }
  return url + (query ? `?${query}` : "");
}

function casesFor(route: RouteModule, mod: Record<string, unknown>): Case[] {
  const base: Record<string, string> = {};
  for (const name of route.params) base[name] = paramValues(name, real)[0];
  const cases: Case[] = [];
  const form = (label: string, entries: Array<[string, string]>) =>
    cases.push({ label, kind: "action", method: "POST", params: base, body: urlencoded(entries), contentType: "application/x-www-form-urlencoded" });

  if (typeof mod.action === "function") {
    const intents = route.intents.length ? route.intents : [undefined];
    for (const intent of intents) {
      const head: Array<[string, string]> = intent === undefined ? [] : [["intent", intent]];
      form(`intent=${intent ?? "(none)"}, plausible fields with hostile text`, [
        ...head,
        ...route.fields.map((f): [string, string] => [f, plausible(f, real)]),
      ]);
      form(`intent=${intent ?? "(none)"}, no fields`, head);
      for (const [variant, value] of Object.entries(FIELD_VARIANTS)) {
        const entries = route.fields.flatMap((f) => [value].flat().map((v): [string, string] => [f, v]));
        form(`intent=${intent ?? "(none)"}, every field ${variant}`, [...head, ...entries]);
      }
    }
    // Redirect targets as form fields (decoded, as a browser posts them), and hostile Referers on a valid form.
    for (const field of route.fields.filter((f) => /redirect/i.test(f))) {
      for (const target of REDIRECT_TARGETS) {
        const value = (() => {
          try {
            return decodeURIComponent(target);
          } catch {
            return target;
          }
        })();
        form(`${field}=${JSON.stringify(value)}`, [
          ...(route.intents[0] ? [["intent", route.intents[0]] as [string, string]] : []),
          ...route.fields.map((f): [string, string] => [f, f === field ? value : plausible(f, real)]),
        ]);
      }
    }
    form("plausible fields with a malformed cookie beside ours", [
      ...(route.intents[0] ? [["intent", route.intents[0]] as [string, string]] : []),
      ...route.fields.map((f): [string, string] => [f, plausible(f, real)]),
    ]);
    cases[cases.length - 1].extraCookie = "other=%E0%A4%A; %zz=1";
    for (const referer of BAD_REFERERS) {
      form(`Referer ${JSON.stringify(referer)}`, [
        ...(route.intents[0] ? [["intent", route.intents[0]] as [string, string]] : []),
        ...route.fields.map((f): [string, string] => [f, plausible(f, real)]),
      ]);
      cases[cases.length - 1].headers = { referer };
    }
    for (const wrong of WRONG_INTENTS)
      form(`wrong intent ${JSON.stringify(wrong.slice(0, 20))}`, [["intent", wrong], ...route.fields.map((f): [string, string] => [f, plausible(f, real)])]);
    for (const shape of bodyShapes(route.intents[0])) {
      cases.push({ label: shape.label, kind: "action", method: shape.method ?? "POST", params: base, body: shape.body, contentType: shape.contentType });
    }
    for (const name of route.params) {
      for (const value of paramValues(name, real).slice(1)) {
        form(`param ${name}=${JSON.stringify(value.slice(0, 20))}`, [
          ["intent", route.intents[0] ?? ""],
          ...route.fields.map((f): [string, string] => [f, plausible(f, real)]),
        ]);
        cases[cases.length - 1].params = { ...base, [name]: value };
      }
    }
  }
  if (typeof mod.loader === "function") {
    cases.push({ label: "plain GET", kind: "loader", method: "GET", params: base });
    // Another app's cookie on this host with malformed percent-encoding, beside ours (Lucia's parser threw on it).
    cases.push({ label: "plain GET with a malformed cookie beside ours", kind: "loader", method: "GET", params: base, extraCookie: "other=%E0%A4%A; %zz=1" });
    for (const shape of queryShapes(route.fields))
      cases.push({ label: `query: ${shape.label}`, kind: "loader", method: "GET", params: base, query: shape.query });
    for (const name of route.params) {
      for (const value of paramValues(name, real).slice(1))
        cases.push({ label: `param ${name}=${JSON.stringify(value.slice(0, 20))}`, kind: "loader", method: "GET", params: { ...base, [name]: value } });
    }
  }
  return cases;
}

function buildRequest(route: RouteModule, c: Case, as: TestOperator | null, signal: AbortSignal): Request {
  const headers = new Headers({ host: new URL(ORIGIN).host, ...c.headers });
  if (as || c.extraCookie) headers.set("cookie", [c.extraCookie, as?.cookie].filter(Boolean).join("; "));
  if (c.method !== "GET") headers.set("origin", ORIGIN);
  if (c.contentType) headers.set("content-type", c.contentType);
  const hasBody = c.method !== "GET" && c.body !== undefined && c.body !== null;
  return new Request(ORIGIN + urlFor(route, c.params, c.query), {
    method: c.method,
    headers,
    body: hasBody ? c.body : undefined,
    signal,
    ...(hasBody && c.body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
}

function strings(value: unknown, depth = 0): string[] {
  if (typeof value === "string") return [value];
  if (!value || typeof value !== "object" || depth > 5) return [];
  return Object.values(value as Record<string, unknown>).flatMap((v) => strings(v, depth + 1));
}

const STACK = /\n\s+at .+\(.*:\d+:\d+\)|\bat (async )?\w+ \(\/|PrismaClient\w*Error|SQLITE_|node_modules\//;

async function ensureSession(op: TestOperator) {
  const { session } = await lucia().validateSession(op.token);
  if (session) return;
  const fresh = await lucia().createSession(op.id, { createdAt: new Date() });
  op.token = fresh.id;
  op.cookie = `${lucia().sessionCookieName}=${fresh.id}`;
}

async function runCase(route: RouteModule, mod: Record<string, unknown>, role: Role, c: Case): Promise<Finding[]> {
  const op = operators.get(role) ?? null;
  if (op) await ensureSession(op);
  const before = await tableCounts();
  const protoKeys = Object.getOwnPropertyNames(Object.prototype).length;
  const logged: unknown[][] = [];
  const originalError = console.error;
  console.error = (...args: unknown[]) => void logged.push(args);
  const abort = new AbortController();
  let outcome: Outcome;
  try {
    const fn = mod[c.kind] as (args: unknown) => Promise<unknown>;
    outcome = await runOutcome(() => fn({ request: buildRequest(route, c, op, abort.signal), params: c.params, context: {} }));
  } finally {
    abort.abort();
    console.error = originalError;
  }
  const after = await tableCounts();
  const found: Finding[] = [];
  const add = (detail: string) =>
    found.push({ route: route.file, role, kind: c.kind, case: c.label, status: outcome.thrown ? "threw" : outcome.status, detail });

  if (outcome.thrown) {
    const e = outcome.thrown as Error;
    add(
      `threw ${e?.name ?? typeof e}: ${String(e?.message ?? e).slice(0, 300)}\n${String(e?.stack ?? "")
        .split("\n")
        .slice(1, 6)
        .join("\n")}`,
    );
  } else if (c.kind === "loader" && outcome.status < 300 && !outcome.response && (await encodeFails(outcome.body))) {
    // What Remix does with a loader's data on the way out (single fetch): an encoder failure is a 500 page.
    add(`turbo-stream cannot encode the loader's answer: ${await encodeFails(outcome.body)}`);
  } else if (outcome.status >= 500 && !(outcome.status === 503 && strings(outcome.body).some((s) => /\w{3}/.test(s)))) {
    add(`status ${outcome.status}: ${JSON.stringify(outcome.body).slice(0, 300)}`);
  }
  if (!outcome.thrown && outcome.status >= 400 && outcome.status < 500) {
    const texts = strings(outcome.body);
    if (!texts.some((s) => /[A-Za-z]{3}/.test(s))) add(`${outcome.status} without a readable message: ${JSON.stringify(outcome.body).slice(0, 200)}`);
  }
  // A resource route's answer is sent by Remix as it is only when it is a Response: `data(..., {status: 400})`
  // or `{ ok: false }` returned from one reaches the browser as a 200.
  if (
    !outcome.thrown &&
    route.resource &&
    outcome.shape !== "response" &&
    (outcome.shape === "data" || (outcome.body as { ok?: unknown } | null)?.ok === false)
  ) {
    add(
      `resource route answered a ${outcome.shape === "data" ? `data(…, ${outcome.status})` : "plain value"} that Remix sends as HTTP 200: ${JSON.stringify(outcome.body).slice(0, 200)}`,
    );
  }
  // Never a redirect off this site (a Location a browser resolves to another origin, or that is not ASCII).
  if (outcome.location !== undefined && outcome.location !== null && outcome.status >= 300 && outcome.status < 400) {
    const lands = new URL(outcome.location, ORIGIN);
    if (lands.origin !== ORIGIN || !/^[\x21-\x7e]+$/.test(outcome.location))
      add(`redirects off-site or to a non-ASCII Location: ${JSON.stringify(outcome.location).slice(0, 200)}`);
  }
  const leaked = strings(outcome.body).find((s) => STACK.test(s));
  if (leaked) add(`response leaks internals: ${leaked.slice(0, 300)}`);
  if (logged.length)
    add(
      `console.error: ${logged
        .map((args) => args.map(String).join(" "))
        .join(" | ")
        .slice(0, 400)}`,
    );
  const rejected = outcome.thrown !== undefined || outcome.status >= 400 || (role === "anonymous" && route.file !== "login.tsx" && outcome.status >= 300);
  if (rejected) {
    const changed = diff(before, after).filter((t) => !MAY_GROW_ON_REJECT.has(t));
    if (changed.length) add(`rejected (${outcome.status}) but wrote: ${changed.map((t) => `${t} ${before[t]}→${after[t]}`).join(", ")}`);
  }
  if (Object.getOwnPropertyNames(Object.prototype).length !== protoKeys || ({} as Record<string, unknown>).polluted !== undefined) {
    add("Object.prototype was polluted");
    delete (Object.prototype as Record<string, unknown>).polluted;
  }
  return found;
}

/** The encoder's error message when Remix's turbo-stream cannot encode `data`, else null. */
async function encodeFails(data: unknown): Promise<string | null> {
  try {
    const reader = encode(data).getReader();
    while (!(await reader.read()).done);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function diff(a: Counts, b: Counts): string[] {
  return Object.keys(a).filter((t) => a[t] !== b[t]);
}

it("finds the Console's route modules on disk", () => {
  expect(routes.length).toBeGreaterThan(3);
  expect(routes.map((r) => r.file)).toContain("login.tsx");
});

describe.each(routes.map((r) => [r.file, r] as const))("%s", (_file, route) => {
  it.each(ROLES)(
    "as %s: no 500, readable 4xx, nothing half-written",
    async (role) => {
      const mod = (await import(/* @vite-ignore */ path.resolve("app/routes", route.file))) as Record<string, unknown>;
      const cases = casesFor(route, mod);
      const found: Finding[] = [];
      for (const c of cases) found.push(...(await runCase(route, mod, role, c)));
      findings.push(...found);
      expect(found.map((f) => `${f.kind} ${f.case} → ${f.status}: ${f.detail}`)).toEqual([]);
    },
    180_000,
  );
});
