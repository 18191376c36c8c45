import { call, makeOperator, request, type TestOperator } from "../support/auth";
import { describe, expect, it } from "vitest";
import { loader as accountLoader, action as accountAction } from "~/routes/account";
import { action as operatorsAction } from "~/routes/admin.operators";
import { action as logoutAction } from "~/routes/logout";
import { ABSOLUTE_SESSION_MS } from "~/auth/lucia.server";
import { hashToken } from "~/auth/token-hash.server";
import { db } from "~/db.server";

const HOUR = 60 * 60 * 1000;

const visitAccount = (op: TestOperator) => call(() => accountLoader({ request: request("/account", { as: op }), params: {}, context: {} }));
const row = async (op: TestOperator) => (await db()).authSession.findUnique({ where: { id: hashToken(op.token) } });
const setRow = async (op: TestOperator, data: { expiresAt?: Date; createdAt?: Date }) =>
  (await db()).authSession.update({ where: { id: hashToken(op.token) }, data });

function expectSentToLogin(res: { status: number; headers: Headers }) {
  expect(res.status).toBe(302);
  expect(res.headers.get("location")).toMatch(/^\/login\?redirectTo=%2Faccount/);
  expect(res.headers.get("set-cookie")).toMatch(/console_session=;.*Max-Age=0/i);
}

describe("session lifetime", () => {
  it("accepts a live session", async () => {
    const op = await makeOperator("operator");
    expect((await visitAccount(op)).status).toBe(200);
  });

  it("ends a session idle past its expiry (sliding window elapsed)", async () => {
    const op = await makeOperator("operator");
    await setRow(op, { expiresAt: new Date(Date.now() - 1000) });
    expectSentToLogin(await visitAccount(op));
    expect(await row(op)).toBeNull();
  });

  it("slides the expiry forward when an active session is in the second half of its window", async () => {
    const op = await makeOperator("operator");
    await setRow(op, { expiresAt: new Date(Date.now() + HOUR) });
    expect((await visitAccount(op)).status).toBe(200);
    const expiresAt = (await row(op))!.expiresAt.getTime();
    expect(expiresAt).toBeGreaterThan(Date.now() + 11 * HOUR);
  });

  it("ends a session older than the 7-day absolute cap even though it was used recently", async () => {
    const op = await makeOperator("operator");
    await setRow(op, { createdAt: new Date(Date.now() - ABSOLUTE_SESSION_MS - 1000), expiresAt: new Date(Date.now() + 11 * HOUR) });
    expectSentToLogin(await visitAccount(op));
    expect(await row(op)).toBeNull();
  });

  it("keeps a session just inside the absolute cap", async () => {
    const op = await makeOperator("operator");
    await setRow(op, { createdAt: new Date(Date.now() - ABSOLUTE_SESSION_MS + 60_000) });
    expect((await visitAccount(op)).status).toBe(200);
  });

  it("signing out deletes the session row and clears the cookie", async () => {
    const op = await makeOperator("operator");
    const res = await call(() => logoutAction({ request: request("/logout", { method: "POST", as: op }), params: {}, context: {} }));
    expect(res.status).toBe(302);
    expect(res.headers.get("set-cookie")).toMatch(/console_session=;/);
    expect(await row(op)).toBeNull();
    expectSentToLogin(await visitAccount(op));
  });

  it("an unknown or tampered token is not a session", async () => {
    const op = await makeOperator("operator");
    const forged = { ...op, cookie: `console_session=${hashToken(op.token)}` }; // the stored hash is not a usable token
    expectSentToLogin(await visitAccount(forged));
    expect(await row(op)).not.toBeNull();
  });
});

describe("revocation", () => {
  async function secondSession(op: TestOperator): Promise<TestOperator> {
    const { lucia } = await import("~/auth/lucia.server");
    const session = await lucia().createSession(op.id, { createdAt: new Date() });
    return { ...op, token: session.id, cookie: `console_session=${session.id}` };
  }

  it("deactivating an operator ends all of their sessions at once", async () => {
    const admin = await makeOperator("admin");
    const op = await makeOperator("operator");
    const other = await secondSession(op);
    const res = await call(() =>
      operatorsAction({ request: request("/admin/operators", { form: { intent: "deactivate", id: op.id }, as: admin }), params: {}, context: {} }),
    );
    expect(res.status).toBe(302);
    expect(await (await db()).authSession.count({ where: { operatorId: op.id } })).toBe(0);
    expectSentToLogin(await visitAccount(op));
    expectSentToLogin(await visitAccount(other));
  });

  it("a deactivated operator's surviving session row is refused and deleted", async () => {
    const op = await makeOperator("operator");
    await (await db()).operator.update({ where: { id: op.id }, data: { active: false } });
    expectSentToLogin(await visitAccount(op));
    expect(await row(op)).toBeNull();
  });

  it("changing my password ends my other sessions and keeps this one", async () => {
    const op = await makeOperator("operator");
    const other = await secondSession(op);
    const res = await call(() =>
      accountAction({
        request: request("/account", {
          form: { intent: "change-password", current: op.password, newPassword: "a brand new password", newConfirm: "a brand new password" },
          as: op,
        }),
        params: {},
        context: {},
      }),
    );
    expect(res.status).toBe(302);
    expect((await visitAccount(op)).status).toBe(200);
    expectSentToLogin(await visitAccount(other));
    expect(await (await db()).authSession.count({ where: { operatorId: op.id } })).toBe(1);
  });

  it("an admin's password reset ends every session of that operator", async () => {
    const admin = await makeOperator("admin");
    const op = await makeOperator("operator");
    const other = await secondSession(op);
    const res = await call(() =>
      operatorsAction({
        request: request("/admin/operators", { form: { intent: "reset-password", id: op.id, newPassword: "set by the admin" }, as: admin }),
        params: {},
        context: {},
      }),
    );
    expect(res.status).toBe(302);
    expectSentToLogin(await visitAccount(op));
    expectSentToLogin(await visitAccount(other));
    expect((await visitAccount(admin)).status).toBe(200);
  });
});
