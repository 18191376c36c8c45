// What only the production server (server.mjs in front of Remix) can show, over real HTTP, no browser needed:
// cross-site POSTs to document routes get our 403 before Remix's own Origin check answers a 500; a throttled
// sign-in carries Retry-After on the page and on its .data request; and TRUST_PROXY (a hop count or a list of
// proxies) decides the client IP the sign-in throttle and the audit log see.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { consoleNodeFlags } from "../../scripts/console-node-flags.mjs";
import { createAccount, expect, test } from "./support";
import { freePort } from "../support/console-process";

const form = (values: Record<string, string>) => new URLSearchParams(values).toString();
const FORM = { "content-type": "application/x-www-form-urlencoded" };

function cookieFrom(setCookie: string | undefined): string {
  const match = /console_session=[^;]+/.exec(setCookie ?? "");
  if (!match) throw new Error(`no session cookie in ${setCookie}`);
  return match[0];
}

test.describe("cross-site POSTs to document routes", () => {
  const evil = ["https://evil.test", "null", "not a url", "http://localhost:1"];

  for (const origin of evil) {
    test(`/login with Origin ${JSON.stringify(origin)} is our 403, not Remix's 500`, async ({ request, baseURL }) => {
      for (const target of ["/login", "/login.data", "/login?index"]) {
        const res = await request.post(`${baseURL}${target}`, {
          headers: { ...FORM, origin },
          data: form({ email: "a@b.test", password: "whatever1" }),
          maxRedirects: 0,
        });
        expect(res.status(), target).toBe(403);
        expect(await res.text()).toMatch(/Cross-site request refused/);
      }
    });
  }

  test("/admin/* with a foreign Origin is a 403 even for a signed-in admin, and changes nothing", async ({ request, baseURL, admin }) => {
    const signIn = await request.post(`${baseURL}/login`, {
      headers: { ...FORM, origin: baseURL! },
      data: form({ email: admin.email, password: admin.password }),
      maxRedirects: 0,
    });
    expect(signIn.status()).toBe(302);
    const cookie = cookieFrom(signIn.headers()["set-cookie"]);
    for (const target of ["/admin/operators", "/admin/operators.data", "/admin/canned-replies", "/admin/review-labels", "/admin/agents"]) {
      const res = await request.post(`${baseURL}${target}`, {
        headers: { ...FORM, origin: "https://evil.test", cookie },
        data: form({ intent: "create", email: "planted@evil.test", name: "Planted", role: "admin", password: "planted password" }),
        maxRedirects: 0,
      });
      expect(res.status(), target).toBe(403);
    }
    const page = await request.get(`${baseURL}/admin/operators?q=planted`, { headers: { cookie } });
    expect(page.status()).toBe(200);
    expect(await page.text()).not.toContain("planted@evil.test");
  });

  test("a POST without an Origin still reaches the route (the guard's 403; the agent gate's webhook is not refused early)", async ({ request, baseURL }) => {
    const login = await request.post(`${baseURL}/login`, { headers: FORM, data: form({ email: "a@b.test", password: "whatever1" }), maxRedirects: 0 });
    expect(login.status()).toBe(403);
    const gate = await request.post(`${baseURL}/gate/agents/no-such-agent`, { headers: { "content-type": "application/json" }, data: "{}" });
    expect(gate.status()).not.toBe(403);
    expect(gate.status()).toBeLessThan(500);
  });
});

test("a throttled sign-in answers 429 with Retry-After, on the page and on its .data request", async ({ request, baseURL }) => {
  const account = createAccount("auditor");
  const attempt = (target: string, password: string) =>
    request.post(`${baseURL}${target}`, { headers: { ...FORM, origin: baseURL! }, data: form({ email: account.email, password }), maxRedirects: 0 });
  for (let i = 0; i < 5; i++) expect((await attempt("/login", `wrong ${i}`)).status()).toBe(400);
  for (const target of ["/login", "/login.data"]) {
    const refused = await attempt(target, account.password);
    expect(refused.status(), target).toBe(429);
    expect(Number(refused.headers()["retry-after"]), target).toBeGreaterThan(0);
  }
  const page = await attempt("/login", account.password);
  expect(await page.text()).toMatch(/Too many sign-in attempts\. Try again in \d+ s\./);
});

// ---- TRUST_PROXY on a server of its own ----------------------------------------------------------------------

/** server.mjs with TRUST_PROXY set, on the e2e database (gateway off: the main server runs it). */
async function startConsole(
  trustProxy: string,
  fleetlmUrl: string,
): Promise<{ url: string; child: ChildProcess; output: () => string; exited: Promise<number | null> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [...consoleNodeFlags(), path.resolve("server.mjs")], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: process.env.E2E_DATABASE_URL,
      PORT: String(port),
      HOST: "127.0.0.1",
      FLEETLM_URL: fleetlmUrl,
      SESSION_SECRET: randomBytes(32).toString("hex"),
      GATEWAY_DISABLED: "1",
      TRUST_PROXY: trustProxy,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { url: `http://127.0.0.1:${port}`, child, output: () => output, exited };
}

async function whenListening(server: Awaited<ReturnType<typeof startConsole>>) {
  await expect.poll(() => server.output(), { timeout: 30_000 }).toMatch(/listening on|Invalid environment/);
  expect(server.output()).toMatch(/listening on/);
}

for (const [label, setting] of [
  ["a hop count (1)", "1"],
  ["a list of proxies", "10.0.0.0/8, 127.0.0.1"],
] as const) {
  test(`TRUST_PROXY as ${label}: the client IP is what the trusted proxy saw, not what the client wrote`, async ({ request, fleetlmUrl }) => {
    const server = await startConsole(setting, fleetlmUrl);
    try {
      await whenListening(server);
      const account = createAccount("operator");
      // The client forged "6.6.6.6"; the proxy (this test, on 127.0.0.1) appended the address it saw.
      const signIn = await request.post(`${server.url}/login`, {
        headers: { ...FORM, origin: server.url, "x-forwarded-for": "6.6.6.6, 198.51.100.7" },
        data: form({ email: account.email, password: account.password }),
        maxRedirects: 0,
      });
      expect(signIn.status()).toBe(302);
      const page = await request.get(`${server.url}/account`, { headers: { cookie: cookieFrom(signIn.headers()["set-cookie"]) } });
      const html = await page.text();
      expect(html).toContain("198.51.100.7");
      expect(html).not.toContain("6.6.6.6");
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
    }
  });
}

test("TRUST_PROXY=true stops the server at boot with the reason", async ({ fleetlmUrl }) => {
  const server = await startConsole("true", fleetlmUrl);
  try {
    // A server that wrongly starts must not outlive the test (it would hold its port and the database).
    const code = await Promise.race([server.exited, new Promise<"running">((resolve) => setTimeout(() => resolve("running"), 30_000))]);
    expect(code).not.toBe("running");
    expect(code).not.toBe(0);
    expect(server.output()).toMatch(/TRUST_PROXY: "true" would trust every hop/);
  } finally {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill("SIGKILL");
  }
});

test("malformed input over real HTTP is never a 500, and no redirect leaves the site", async ({ request, baseURL, admin }) => {
  const signIn = await request.post(`${baseURL}/login`, {
    headers: { ...FORM, origin: baseURL! },
    data: form({ email: admin.email, password: admin.password }),
    maxRedirects: 0,
  });
  const cookie = cookieFrom(signIn.headers()["set-cookie"]);
  const gets = [
    "/login?redirectTo=%2F%09%2Fevil.test",
    "/login?redirectTo=/%0D%0A/evil.test",
    "/login?redirectTo=/%C3%A9t%C3%A9",
    "/login?redirectTo=/%E9",
    "/reviews?from=2025-13-01",
    "/reviews/export?from=2025-13-01",
    "/reviews/agents/demo-agent?from=2025-02-30",
    "/admin/audit?from=2025-13-01",
    "/sessions/%E0%A4%A",
    "/inbox?q=%E0%A4%A",
  ];
  for (const target of gets) {
    for (const cookies of [cookie, `other=%E0%A4%A; ${cookie}`]) {
      const res = await request.get(`${baseURL}${target}`, { headers: { cookie: cookies }, maxRedirects: 0 });
      expect(res.status(), `${target} (${cookies.slice(0, 12)})`).toBeLessThan(500);
      const location = res.headers()["location"];
      if (location) expect(new URL(location, baseURL).origin, `${target} → ${location}`).toBe(new URL(baseURL!).origin);
    }
  }
  const reviews = await request.get(`${baseURL}/reviews?from=2025-13-01`, { headers: { cookie } });
  expect(await reviews.text()).toContain("must be a real date");
  for (const referer of ["//evil.test/x", "http://[", `${baseURL}//evil.test/x`]) {
    const res = await request.post(`${baseURL}/theme`, {
      headers: { ...FORM, origin: baseURL!, cookie, referer },
      data: form({ theme: "dark" }),
      maxRedirects: 0,
    });
    expect(res.status(), referer).toBe(302);
    expect(res.headers()["location"], referer).toBe("/inbox");
  }
  const badTheme = await request.post(`${baseURL}/theme`, { headers: { ...FORM, origin: baseURL!, cookie }, data: form({ theme: "neon" }), maxRedirects: 0 });
  expect(badTheme.status()).toBe(400);
  const badNote = await request.post(`${baseURL}/sessions/AZnotesSession00000001/notes`, {
    headers: { ...FORM, origin: baseURL!, cookie },
    data: form({ intent: "create", body: "" }),
  });
  expect(badNote.status()).toBe(400);
});

// ---- the Vite dev server (npm run dev) ----------------------------------------------------------------------

test("the dev server (npm run dev) answers a cross-site POST with our 403 too, and lets same-site requests through", async ({ request, fleetlmUrl }) => {
  test.setTimeout(120_000);
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [path.resolve("node_modules/@remix-run/dev/dist/cli.js"), "vite:dev", "--port", String(port), "--host", "127.0.0.1", "--strictPort"],
    {
      env: {
        ...process.env,
        NODE_ENV: "development",
        DATABASE_URL: process.env.E2E_DATABASE_URL,
        FLEETLM_URL: fleetlmUrl,
        SESSION_SECRET: randomBytes(32).toString("hex"),
        GATEWAY_DISABLED: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const url = `http://127.0.0.1:${port}`;
  try {
    await expect.poll(() => output, { timeout: 60_000 }).toContain(`${port}`);
    for (const origin of ["https://evil.test", "null", "not a url"]) {
      const res = await request.post(`${url}/login`, {
        headers: { ...FORM, origin },
        data: form({ email: "a@b.test", password: "whatever1" }),
        maxRedirects: 0,
      });
      expect(res.status(), origin).toBe(403);
      expect(await res.text()).toMatch(/Cross-site request refused/);
    }
    // Same site: Remix answers (a wrong password is the login page again, never our 403 or a 500).
    const own = await request.post(`${url}/login`, {
      headers: { ...FORM, origin: url },
      data: form({ email: "nobody@b.test", password: "whatever1" }),
      maxRedirects: 0,
    });
    expect(own.status()).toBeGreaterThanOrEqual(400);
    expect(own.status()).toBeLessThan(500);
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
});
