import { call, makeOperator, ORIGIN, request } from "../support/auth";
import type { AppLoadContext } from "@remix-run/node";
import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { action as loginAction } from "~/routes/login";
import { db } from "~/db.server";
import { resetEnvCache } from "~/env.server";
import { hashToken } from "~/auth/token-hash.server";
import { GENERIC_LOGIN_ERROR } from "~/auth/sign-in.server";
import { createOperator } from "~/operators/operators.server";

// Every test signs in from its own address, so the per-IP throttle of one test never touches another.
const freshIp = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
const ctx = (clientIp: string) => ({ clientIp }) as AppLoadContext;

function login(form: Record<string, string>, options: { ip?: string; origin?: string | null; headers?: Record<string, string> } = {}) {
  return call(() =>
    loginAction({ request: request("/login", { form, origin: options.origin, headers: options.headers }), params: {}, context: ctx(options.ip ?? freshIp()) }),
  );
}

function tokenFrom(setCookie: string | null) {
  const match = /console_session=([^;]*)/.exec(setCookie ?? "");
  if (!match) throw new Error(`no session cookie in ${setCookie}`);
  return match[1];
}

describe("sign-in", () => {
  it("sets an HttpOnly SameSite=Lax cookie (not Secure outside production) and stores only the token's SHA-256", async () => {
    const op = await makeOperator("operator");
    const res = await login({ email: op.email, password: op.password });
    expect(res.status).toBe(302);
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/);
    const token = tokenFrom(cookie);
    const prisma = await db();
    expect(await prisma.authSession.findUnique({ where: { id: token } })).toBeNull();
    const row = await prisma.authSession.findUnique({ where: { id: hashToken(token) } });
    expect(row?.operatorId).toBe(op.id);
    expect(row?.id).toMatch(/^[0-9a-f]{64}$/);
  });

  it("marks the cookie Secure when NODE_ENV=production", async () => {
    const saved = { NODE_ENV: process.env.NODE_ENV, SESSION_SECRET: process.env.SESSION_SECRET };
    process.env.NODE_ENV = "production";
    process.env.SESSION_SECRET = "x".repeat(40);
    resetEnvCache();
    vi.resetModules(); // a fresh Lucia instance reads the production env
    try {
      const fresh = await import("~/routes/login");
      const op = await makeOperator("operator");
      const res = await call(() =>
        fresh.action({ request: request("/login", { form: { email: op.email, password: op.password } }), params: {}, context: ctx(freshIp()) }),
      );
      expect(res.status).toBe(302);
      const cookie = res.headers.get("set-cookie")!;
      expect(cookie).toMatch(/; Secure/);
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);
    } finally {
      process.env.NODE_ENV = saved.NODE_ENV;
      if (saved.SESSION_SECRET === undefined) delete process.env.SESSION_SECRET;
      else process.env.SESSION_SECRET = saved.SESSION_SECRET;
      resetEnvCache();
      vi.resetModules();
    }
  });

  it("hashes passwords with argon2id, m=19456 KiB, t=2, p=1", async () => {
    const op = await makeOperator("auditor");
    const row = await (await db()).operator.findUniqueOrThrow({ where: { id: op.id } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row.passwordHash).not.toContain(op.password);
  });

  it("ends a session token presented at sign-in (no session fixation) and issues a new one", async () => {
    const op = await makeOperator("operator");
    const planted = await makeOperator("operator"); // a token an attacker could have planted in the victim's browser
    const res = await login({ email: op.email, password: op.password }, { headers: { cookie: planted.cookie } });
    expect(res.status).toBe(302);
    const fresh = tokenFrom(res.headers.get("set-cookie"));
    expect(fresh).not.toBe(planted.token);
    const prisma = await db();
    expect(await prisma.authSession.findUnique({ where: { id: hashToken(planted.token) } })).toBeNull();
    expect((await prisma.authSession.findUnique({ where: { id: hashToken(fresh) } }))?.operatorId).toBe(op.id);
  });

  it("answers an unknown e-mail exactly like a wrong password, and a deactivated account the same way", async () => {
    const op = await makeOperator("operator");
    const wrong = await login({ email: op.email, password: "wrong password!" });
    const unknown = await login({ email: `nobody-${randomUUID()}@example.test`, password: "wrong password!" });
    await (await db()).operator.update({ where: { id: op.id }, data: { active: false } });
    const inactive = await login({ email: op.email, password: op.password });
    for (const res of [wrong, unknown, inactive]) {
      expect(res.status).toBe(400);
      expect(res.headers.get("set-cookie")).toBeNull();
    }
    expect(wrong.body).toMatchObject({ status: "error", error: { "": [GENERIC_LOGIN_ERROR] }, initialValue: { email: op.email } });
    expect((wrong.body as { initialValue: object }).initialValue).not.toHaveProperty("password");
    expect((unknown.body as { error: unknown }).error).toEqual({ "": [GENERIC_LOGIN_ERROR] });
    expect((inactive.body as { error: unknown }).error).toEqual({ "": [GENERIC_LOGIN_ERROR] });
  });

  it("accepts a 256-character password whole and never truncates it (its 255-character prefix fails)", async () => {
    const password = Array.from({ length: 256 }, (_, i) => "abcdefghij"[i % 10]).join("");
    const email = `long-${randomUUID().slice(0, 8)}@example.test`;
    await createOperator({ email, name: "Long", role: "operator", password }, null);
    const prefix = await login({ email, password: password.slice(0, 255) });
    expect(prefix.status).toBe(400);
    const whole = await login({ email, password });
    expect(whole.status).toBe(302);
    const tooLong = await login({ email, password: `${password}x` });
    expect(tooLong.status).toBe(400);
    expect((tooLong.body as { error: Record<string, string[]> }).error.password).toEqual(["At most 256 characters"]);
  });

  it("validates the form: 400 with field errors and no session written", async () => {
    const prisma = await db();
    const before = await prisma.authSession.count({ where: { operator: { email: "not-an-email" } } });
    const res = await login({ email: "not-an-email", password: "" });
    expect(res.status).toBe(400);
    const errors = (res.body as { error: Record<string, string[]> }).error;
    expect(errors.email).toEqual(["Enter a valid e-mail address"]);
    expect(errors.password).toEqual(["Enter your password"]);
    expect(await prisma.authSession.count({ where: { operator: { email: "not-an-email" } } })).toBe(before);
  });

  it("redirects only to local paths after sign-in", async () => {
    const op = await makeOperator("operator");
    const local = await login({ email: op.email, password: op.password, redirectTo: "/account" });
    expect(local.headers.get("location")).toBe("/account");
    const foreign = await login({ email: op.email, password: op.password, redirectTo: "//evil.example/" });
    expect(foreign.headers.get("location")).toBe("/inbox");
  });
});

describe("sign-in throttling", () => {
  it("throttles one account after 5 failures from any address: 429 with Retry-After, even for the right password", async () => {
    const op = await makeOperator("operator");
    for (let i = 0; i < 5; i++) expect((await login({ email: op.email, password: "wrong password!" })).status).toBe(400);
    const refused = await login({ email: op.email, password: op.password });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(refused.headers.get("set-cookie")).toBeNull();
    // Another account is not affected.
    const other = await makeOperator("operator");
    expect((await login({ email: other.email, password: other.password })).status).toBe(302);
  });

  it("throttles one client IP after 20 attempts across accounts: 429 with Retry-After", async () => {
    const ip = freshIp();
    for (let i = 0; i < 20; i++) {
      const res = await login({ email: `guess-${i}-${randomUUID().slice(0, 6)}@example.test`, password: "wrong password!" }, { ip });
      expect(res.status).toBe(400);
    }
    const op = await makeOperator("operator");
    const refused = await login({ email: op.email, password: op.password }, { ip });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // The same account from another address still signs in.
    expect((await login({ email: op.email, password: op.password })).status).toBe(302);
  });

  it("successful sign-ins do not count against the address (a team behind one NAT address)", async () => {
    const ip = freshIp();
    const team = await Promise.all(Array.from({ length: 22 }, () => makeOperator("operator")));
    for (const op of team) expect((await login({ email: op.email, password: op.password }, { ip })).status).toBe(302);
    expect((await login({ email: team[0].email, password: "wrong password!" }, { ip })).status).toBe(400);
  });

  it("a successful sign-in clears the account's failure count", async () => {
    const op = await makeOperator("operator");
    for (let i = 0; i < 4; i++) await login({ email: op.email, password: "wrong password!" });
    expect((await login({ email: op.email, password: op.password })).status).toBe(302);
    for (let i = 0; i < 4; i++) expect((await login({ email: op.email, password: "wrong password!" })).status).toBe(400);
    expect((await login({ email: op.email, password: op.password })).status).toBe(302);
  });
});

describe("CSRF on sign-in", () => {
  it("refuses a POST without an Origin header with 403", async () => {
    const op = await makeOperator("operator");
    const res = await login({ email: op.email, password: op.password }, { origin: null });
    expect(res.status).toBe(403);
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("refuses a foreign Origin with 403", async () => {
    const op = await makeOperator("operator");
    const res = await login({ email: op.email, password: op.password }, { origin: "https://evil.example" });
    expect(res.status).toBe(403);
  });

  it("refuses a look-alike Origin (same host on another port) with 403", async () => {
    const op = await makeOperator("operator");
    const res = await login({ email: op.email, password: op.password }, { origin: `${ORIGIN}:8443` });
    expect(res.status).toBe(403);
  });

  it("accepts Sec-Fetch-Site: same-origin without an Origin header", async () => {
    const op = await makeOperator("operator");
    const res = await login({ email: op.email, password: op.password }, { origin: null, headers: { "sec-fetch-site": "same-origin" } });
    expect(res.status).toBe(302);
  });

  it("does not count a refused cross-site POST as a sign-in attempt", async () => {
    const op = await makeOperator("operator");
    const ip = freshIp();
    for (let i = 0; i < 10; i++) expect((await login({ email: op.email, password: "wrong" }, { ip, origin: "https://evil.example" })).status).toBe(403);
    expect((await login({ email: op.email, password: op.password }, { ip })).status).toBe(302);
  });
});
