import { call, makeOperator, request } from "../support/auth";
import { describe, expect, it } from "vitest";
import { action as loginAction } from "~/routes/login";
import { db } from "~/db.server";
import { hashToken } from "~/auth/token-hash.server";

describe("sign-in", () => {
  it("sets an HttpOnly SameSite=Lax cookie and stores only the token's SHA-256", async () => {
    const op = await makeOperator("operator");
    const res = await call(() => loginAction({ request: request("/login", { form: { email: op.email, password: op.password } }), params: {}, context: {} }));
    expect(res.status).toBe(302);
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const token = /console_session=([^;]+)/.exec(cookie)![1];
    const prisma = await db();
    expect(await prisma.authSession.findUnique({ where: { id: token } })).toBeNull();
    expect(await prisma.authSession.findUnique({ where: { id: hashToken(token) } })).not.toBeNull();
  });

  it("refuses a POST without a same-origin Origin header with 403", async () => {
    const op = await makeOperator("operator");
    const res = await call(() => loginAction({ request: request("/login", { form: { email: op.email, password: op.password }, origin: null }), params: {}, context: {} }));
    expect(res.status).toBe(403);
  });
});
