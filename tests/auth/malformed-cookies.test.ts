// The Cookie header carries every cookie of the host, not only ours: another app on the same domain (or a
// tampering client) may set one with malformed percent-encoding. Lucia's parser decodes every cookie and threw
// URIError on such a one, which made every page a 500 — ours must find its own cookie and ignore the rest.
import { call, makeOperator, request } from "../support/auth";
import type { AppLoadContext } from "@remix-run/node";
import { describe, expect, it } from "vitest";
import { getAuth } from "~/auth/guards.server";
import { readSessionToken } from "~/auth/lucia.server";
import { action as loginAction } from "~/routes/login";
import { loader as accountLoader } from "~/routes/account";

const BAD = ["other=%E0%A4%A", "%zz=1", "x=%", "weird=%C0%AF; also=%FF"];

describe("a malformed cookie beside ours", () => {
  it.each(BAD)("still signs the operator in with %j in the header", async (bad) => {
    const op = await makeOperator("operator");
    for (const cookie of [`${bad}; ${op.cookie}`, `${op.cookie}; ${bad}`]) {
      const res = await call(() => accountLoader({ request: request("/account", { headers: { cookie } }), params: {}, context: {} }));
      expect(res.status, cookie).toBe(200);
    }
  });

  it.each(BAD)("is no session (a redirect to sign in, not a 500) with only %j", async (bad) => {
    const res = await call(() => accountLoader({ request: request("/account", { headers: { cookie: bad } }), params: {}, context: {} }));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
  });

  it("lets a sign-in through (the previous token is read the same way)", async () => {
    const op = await makeOperator("operator");
    const res = await call(() =>
      loginAction({
        request: request("/login", { form: { email: op.email, password: op.password }, headers: { cookie: `other=%E0%A4%A; ${op.cookie}` } }),
        params: {},
        context: { clientIp: "10.66.0.1" } as AppLoadContext,
      }),
    );
    expect(res.status).toBe(302);
    // The token presented at sign-in was ended (no fixation), found despite the bad neighbour.
    expect(await getAuth(request("/account", { as: op }))).toBeNull();
  });
});

describe("readSessionToken", () => {
  it("reads only a well-formed console_session value", () => {
    expect(readSessionToken("a=1; console_session=abc234; b=%zz")).toBe("abc234");
    expect(readSessionToken("console_session=abc234")).toBe("abc234");
    expect(readSessionToken("xconsole_session=abc")).toBeNull();
    expect(readSessionToken("console_session=%00abc")).toBeNull();
    expect(readSessionToken("console_session=")).toBeNull();
    expect(readSessionToken(null)).toBeNull();
    expect(readSessionToken(`console_session=${"a".repeat(5000)}`)).toBeNull();
  });
});

describe("a NUL in the address", () => {
  it.each(["/account?x=%00", "/account?x=a%00b", "/account/%00", "/account?q=%2500%00"])("is a 400 before any work (%s)", async (path) => {
    const op = await makeOperator("operator");
    const res = await call(() => accountLoader({ request: request(path, { as: op }), params: {}, context: {} }));
    expect(res.status).toBe(400);
    expect(String(res.body)).toMatch(/must not contain NUL/);
  });

  it.each(["/account?x=%2500", "/account?x=%0", "/account?x=%E0%A4%A"])("is no reason to refuse a look-alike or bad encoding (%s)", async (path) => {
    const op = await makeOperator("operator");
    const res = await call(() => accountLoader({ request: request(path, { as: op }), params: {}, context: {} }));
    expect(res.status).toBe(200);
  });
});
