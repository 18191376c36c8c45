// The session cookie lives as long as the session may — the absolute cap (7 days) — and no longer: Lucia's
// default for `expires: false` (400 days) left browsers holding a cookie the server would refuse.
import { call, makeOperator, request } from "../support/auth";
import type { AppLoadContext } from "@remix-run/node";
import { describe, expect, it } from "vitest";
import { ABSOLUTE_SESSION_MS } from "~/auth/lucia.server";
import { action as loginAction } from "~/routes/login";

describe("session cookie lifetime", () => {
  it("is the session's absolute cap: Max-Age 604800 s and no Expires of its own", async () => {
    const op = await makeOperator("operator");
    const res = await call(() =>
      loginAction({
        request: request("/login", { form: { email: op.email, password: op.password } }),
        params: {},
        context: { clientIp: "10.77.0.1" } as AppLoadContext,
      }),
    );
    expect(res.status).toBe(302);
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^console_session=/);
    expect(ABSOLUTE_SESSION_MS / 1000).toBe(604_800);
    expect(cookie).toMatch(/; Max-Age=604800(;|$)/);
    const expires = /; Expires=([^;]+)/.exec(cookie)?.[1];
    if (expires) expect(Math.abs(new Date(expires).getTime() - (Date.now() + ABSOLUTE_SESSION_MS))).toBeLessThan(60_000);
  });
});
