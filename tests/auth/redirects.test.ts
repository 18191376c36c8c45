// Open redirects: `redirectTo` on /login and the Referer /theme sends the browser back to. A target is judged
// as a browser reads it (TAB/CR/LF stripped, "\" as "/"), and nothing a client sends can make it a 500.
import { call, makeOperator, ORIGIN, request } from "../support/auth";
import { describe, expect, it } from "vitest";
import { safeRedirect, sameSiteReferer } from "~/lib/safe-redirect.server";
import { action as loginAction, loader as loginLoader } from "~/routes/login";
import { action as themeAction } from "~/routes/theme";

// What a browser does with a Location header value, resolved against the page it is on.
const landsOn = (location: string) => new URL(location, ORIGIN);

const OFF_SITE = [
  "//evil.test",
  "/\t/evil.test",
  "/\n/evil.test",
  "/\r\n/evil.test",
  "/\\evil.test",
  "/\\/evil.test",
  "/.//evil.test",
  "/%2e//evil.test",
  "https://evil.test/",
  "http:evil.test",
  "javascript:alert(1)",
  "evil.test",
  " /\t/evil.test",
  "/\u0000/evil.test",
];

describe("safeRedirect", () => {
  it.each(OFF_SITE)("refuses %j", (target) => {
    expect(safeRedirect(target)).toBe("/inbox");
  });

  it.each([
    ["/sessions/abc?before=10#m-3", "/sessions/abc?before=10#m-3"],
    ["/reviews?from=2025-01-01", "/reviews?from=2025-01-01"],
    ["/inbox/é?q=ü", "/inbox/%C3%A9?q=%C3%BC"],
    ["/inbox?q=\uD800", "/inbox?q=%EF%BF%BD"],
    ["/a/../admin/audit", "/admin/audit"],
  ])("keeps the local path %j (as ASCII the Location header can carry)", (target, expected) => {
    expect(safeRedirect(target)).toBe(expected);
  });

  it("never throws on whatever it is given", () => {
    for (const value of [undefined, null, 42, {}, "", "/".repeat(5000), "/%", "/%E0%A4%A", "/\uDFFF"]) {
      expect(() => safeRedirect(value)).not.toThrow();
      expect(landsOn(safeRedirect(value)).origin).toBe(ORIGIN);
    }
  });
});

describe("/login?redirectTo for a signed-in operator", () => {
  const bounce = async (redirectTo: string) => {
    const op = await makeOperator("operator");
    const query = new URLSearchParams({ redirectTo }).toString();
    return call(() => loginLoader({ request: request(`/login?${query}`, { as: op }), params: {}, context: {} }));
  };

  it.each(["/\t/evil.test", "/\n/evil.test", "/\\evil.test", "//evil.test", "/.//evil.test"])("stays on the site for %j", async (target) => {
    const res = await bounce(target);
    expect(res.status).toBe(302);
    expect(landsOn(res.headers.get("location")!).origin).toBe(ORIGIN);
    expect(res.headers.get("location")).toBe("/inbox");
  });

  it("stays on the site for the issue's literal query redirectTo=%2F%09%2Fevil.test", async () => {
    const op = await makeOperator("operator");
    const res = await call(() => loginLoader({ request: request("/login?redirectTo=%2F%09%2Fevil.test", { as: op }), params: {}, context: {} }));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/inbox");
  });

  it.each(["/inbox/é", "/inbox?q=ü", "/inbox\r\nSet-Cookie: x=1", "/inbox\u2028"])("answers a redirect, not a 500, for %j", async (target) => {
    const res = await bounce(target);
    expect(res.status).toBe(302);
    const location = res.headers.get("location")!;
    expect(location).toMatch(/^\/[\x21-\x7e]*$/);
    expect(res.headers.get("set-cookie")).toBeNull();
  });
});

describe("/login POST redirectTo", () => {
  it("sends a fresh sign-in to the local path, never off-site", async () => {
    const op = await makeOperator("operator");
    const signIn = (redirectTo: string) =>
      call(() =>
        loginAction({
          request: request("/login", { form: { email: op.email, password: op.password, redirectTo } }),
          params: {},
          context: { clientIp: `10.9.${Math.floor(Math.random() * 250)}.1` },
        }),
      );
    expect((await signIn("/\t/evil.test")).headers.get("location")).toBe("/inbox");
    expect((await signIn("/inbox/é")).headers.get("location")).toBe("/inbox/%C3%A9");
    expect((await signIn("/sessions/x?before=4")).headers.get("location")).toBe("/sessions/x?before=4");
  });
});

describe("/theme's Referer", () => {
  const setTheme = async (referer: string | null) => {
    const op = await makeOperator("auditor");
    const headers: Record<string, string> = referer === null ? {} : { referer };
    return call(() => themeAction({ request: request("/theme", { form: { theme: "dark" }, as: op, headers }), params: {}, context: {} }));
  };

  it("goes back to the page of this site it came from", async () => {
    const res = await setTheme(`${ORIGIN}/sessions/s1?before=5`);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/sessions/s1?before=5");
    expect(res.headers.get("set-cookie")).toMatch(/console_theme=dark/);
  });

  it.each([
    "//evil.test/x",
    "https://evil.test/x",
    `${ORIGIN.replace("http:", "https:")}/inbox`,
    "http://console.test.evil.test/inbox",
    `${ORIGIN}//evil.test/x`,
    `${ORIGIN}/\t/evil.test`,
    "/\t/evil.test",
    "http://[",
    "not a url at all",
    "http://%zz/",
  ])("falls back to /inbox (never off-site, never a 500) for Referer %j", async (referer) => {
    const res = await setTheme(referer);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/inbox");
  });

  it("encodes a non-ASCII path of this site instead of failing on it", async () => {
    const res = await setTheme(`${ORIGIN}/inbox\u00e9?q=\u00fc`);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/inbox%C3%A9?q=%C3%BC");
  });

  it("falls back to /inbox without a Referer", async () => {
    expect((await setTheme(null)).headers.get("location")).toBe("/inbox");
  });

  it("goes back to the form's own redirectTo (path and query) before the Referer, and never off-site", async () => {
    const op = await makeOperator("operator");
    const post = (redirectTo: string, referer = `${ORIGIN}/reviews`) =>
      call(() => themeAction({ request: request("/theme", { form: { theme: "light", redirectTo }, as: op, headers: { referer } }), params: {}, context: {} }));
    const back = await post("/sessions/s1?seq=4&inbox=unread%3D1");
    expect(back.status).toBe(302);
    expect(back.headers.get("location")).toBe("/sessions/s1?seq=4&inbox=unread%3D1");
    // A fetcher's redirect must not push the page onto the history a second time.
    expect(back.headers.get("x-remix-replace")).toBe("true");
    for (const bad of ["//evil.test/x", "https://evil.test/", "/\t/evil.test", "/\\evil.test", ""]) {
      expect((await post(bad)).headers.get("location"), JSON.stringify(bad)).toBe("/reviews");
    }
    expect((await post("x".repeat(3000))).status).toBe(400);
  });

  it("judges the Referer against the request's own origin", () => {
    const req = new Request("http://other.test/theme", { method: "POST", headers: { referer: `${ORIGIN}/inbox` } });
    expect(sameSiteReferer(req)).toBe("/inbox");
    const own = new Request("http://other.test/theme", { method: "POST", headers: { referer: "http://other.test/reviews?x=1" } });
    expect(sameSiteReferer(own)).toBe("/reviews?x=1");
  });
});
