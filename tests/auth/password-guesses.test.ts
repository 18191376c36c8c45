// Guessing a password is throttled wherever the Console checks one: the sign-in form and the Account page's
// "current password" (a stolen session cookie must not become a password oracle). Both count against the
// same per-account limit, answer 429 with Retry-After, and keep the form's message on the page.
import { call, makeOperator, request, type TestOperator } from "../support/auth";
import type { AppLoadContext } from "@remix-run/node";
import { describe, expect, it } from "vitest";
import { verifyPassword } from "~/auth/password.server";
import { passRetryAfter } from "~/auth/throttle.server";
import { db } from "~/db.server";
import { action as accountAction, headers as accountHeaders } from "~/routes/account";
import { action as loginAction, headers as loginHeaders } from "~/routes/login";

const freshIp = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

const changePassword = (as: TestOperator, current: string, next = "a brand new password") =>
  call(() =>
    accountAction({
      request: request("/account", { as, form: { intent: "change-password", current, newPassword: next, newConfirm: next } }),
      params: {},
      context: { clientIp: freshIp() } as AppLoadContext,
    }),
  );
const signIn = (op: TestOperator, password: string, ip = freshIp()) =>
  call(() => loginAction({ request: request("/login", { form: { email: op.email, password } }), params: {}, context: { clientIp: ip } as AppLoadContext }));
const hashOf = async (op: TestOperator) => (await (await db()).operator.findUniqueOrThrow({ where: { id: op.id } })).passwordHash;

describe("the Account page's current password", () => {
  it("answers 429 with Retry-After after 5 wrong guesses, even for the right one, and changes nothing", async () => {
    const op = await makeOperator("operator");
    for (let i = 0; i < 5; i++) expect((await changePassword(op, `wrong ${i}`)).status).toBe(400);
    const refused = await changePassword(op, op.password);
    expect(refused.status).toBe(429);
    const seconds = Number(refused.headers.get("retry-after"));
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(15 * 60);
    expect((refused.body as { error: Record<string, string[]> }).error.current?.[0]).toMatch(/Too many wrong passwords\. Try again in \d+ s\./);
    expect(await verifyPassword(await hashOf(op), op.password)).toBe(true);
  });

  it("refuses a parallel burst beyond the limit (counted before the password is checked)", async () => {
    const op = await makeOperator("auditor");
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => changePassword(op, `burst ${i}`)));
    expect(results.filter((r) => r.status === 400)).toHaveLength(5);
    expect(results.filter((r) => r.status === 429)).toHaveLength(7);
  });

  it("shares the account's limit with sign-in: guesses on one page lock the other", async () => {
    const op = await makeOperator("operator");
    for (let i = 0; i < 5; i++) await changePassword(op, `wrong ${i}`);
    expect((await signIn(op, op.password)).status).toBe(429);

    const other = await makeOperator("operator");
    for (let i = 0; i < 5; i++) await signIn(other, `wrong ${i}`);
    expect((await changePassword(other, other.password)).status).toBe(429);
  });

  it("clears the count on a right guess", async () => {
    const op = await makeOperator("operator");
    for (let i = 0; i < 4; i++) await changePassword(op, `wrong ${i}`);
    const next = "the second password";
    const ok = await changePassword(op, op.password, next);
    expect(ok.status).toBe(302);
    for (let i = 0; i < 4; i++) expect((await changePassword(op, `again ${i}`)).status).toBe(400);
    expect((await changePassword(op, next, "a third password here")).status).toBe(302);
  });
});

describe("429 from the sign-in page", () => {
  it("is answered on the form, with Retry-After", async () => {
    const op = await makeOperator("operator");
    for (let i = 0; i < 5; i++) await signIn(op, `wrong ${i}`);
    const refused = await signIn(op, op.password);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((refused.body as { error: Record<string, string[]> }).error[""]?.[0]).toMatch(/Too many sign-in attempts/);
  });

  it("keeps Retry-After in the page's response headers (Remix keeps only Set-Cookie unless a route passes them on)", () => {
    const actionHeaders = new Headers({ "Retry-After": "42" });
    for (const headersFn of [loginHeaders, accountHeaders]) {
      const out = new Headers(
        typeof headersFn === "function"
          ? headersFn({ actionHeaders, loaderHeaders: new Headers(), parentHeaders: new Headers(), errorHeaders: undefined })
          : headersFn,
      );
      expect(out.get("retry-after")).toBe("42");
    }
    expect(new Headers(passRetryAfter({ actionHeaders: new Headers() })).get("retry-after")).toBeNull();
  });
});
