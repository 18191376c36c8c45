// One hostile message must not cost everyone else: while Chromium opens (and re-opens, and "Show all"s) a
// session holding a 1 MB markup-dense markdown reply posted by its end user, /login on the same Console
// process answers. The production build (server.mjs) against the dev server; playwright-core drives Chromium.
//   hostile_message_login_p95_ms     p95 of 20 GET /login answered while the hostile session is being opened
//   hostile_message_login_p95_ratio  that p95 over the same probe's beside an ordinary session, in the same run:
//                                    on a shared machine the absolute figure carries the load, the ratio the message's cost
// Before the render budget (ADR 085) a 108 KB message held the event loop 4.3 s and 1 MB killed the process.
import { execFileSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { chromium, type Browser } from "playwright-core";
import { FleetLMRest } from "@fleetlm/client";
import { startFleetlmDev } from "../packages/fleetlm-dev/src/index.js";
import { percentile, round } from "./stats";
import { MEGABYTE_MARKDOWN } from "../tests/support/hostile-messages";
import { freePort } from "../tests/support/console-process";
import { startConsole } from "./support/bench-console";

type Figures = Record<string, number | null>;
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const LOGIN_REQUESTS = 20;

export async function run({ quick }: { quick: boolean }): Promise<Figures> {
  const figures: Figures = { hostile_message_login_p95_ms: null, hostile_message_login_p95_ratio: null };
  void quick; // 20 requests either way: the figure is defined over 20
  if (!existsSync(path.join(ROOT, "build/server/index.js"))) {
    process.stderr.write("hostile: no build/, running remix vite:build\n");
    execFileSync("npx", ["remix", "vite:build"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  }
  const dir = mkdtempSync(path.join(tmpdir(), "hostile-bench-"));
  const databaseUrl = `file:${path.join(dir, "console.db")}`;
  execFileSync("npx", ["prisma", "migrate", "deploy"], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: "pipe" });
  const server = await startFleetlmDev({ port: 0, host: "127.0.0.1" });
  Object.assign(process.env, { DATABASE_URL: databaseUrl, FLEETLM_URL: server.url });
  let consoleServer: ChildProcess | null = null;
  let browser: Browser | null = null;
  try {
    const { lucia } = await import("../app/auth/lucia.server");
    const { createOperator } = await import("../app/operators/operators.server");
    const op = await createOperator({ email: "reader@bench.test", name: "Reader", role: "operator", password: "bench password 123" }, null);
    const cookie = { name: lucia().sessionCookieName, value: (await lucia().createSession(op.id, { createdAt: new Date() })).id };

    const rest = new FleetLMRest({ baseUrl: server.url, timeoutMs: 30_000 });
    const session = await rest.createSession({ userId: "mallory", agentId: "bench-agent" });
    await rest.appendMessage(session.id, { userId: "mallory", content: { text: "hello" } });
    await rest.appendMessage(session.id, {
      userId: "mallory",
      kind: "assistant",
      content: { id: "forged", role: "assistant", parts: [{ type: "text", text: MEGABYTE_MARKDOWN }] },
      metadata: { termination: "finish" },
    });

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    consoleServer = await startConsole({
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: databaseUrl,
      FLEETLM_URL: server.url,
      SESSION_SECRET: randomBytes(32).toString("hex"),
      CONSOLE_PUBLIC_URL: base,
    });

    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
    });
    const context = await browser.newContext({ baseURL: base });
    await context.addCookies([{ ...cookie, url: base }]);
    const page = await context.newPage();
    await fetch(`${base}/login`).then((r) => r.text()); // warm: the first render of any route compiles its module

    const plain = await rest.createSession({ userId: "alice", agentId: "bench-agent" });
    await rest.appendMessage(plain.id, { userId: "alice", content: { text: "hello" } });
    await rest.appendMessage(plain.id, {
      userId: "alice",
      kind: "assistant",
      content: { id: "x", role: "assistant", parts: [{ type: "text", text: "A **normal** reply with a [link](https://example.com)." }] },
      metadata: { termination: "finish" },
    });

    /** /login latencies while the browser opens `sessionId` over and over (and asks for all of any cut text). */
    const probe = async (sessionId: string) => {
      let probing = true;
      let opens = 0;
      const reader = (async () => {
        while (probing) {
          opens++;
          await page.goto(`/sessions/${sessionId}`, { waitUntil: "load", timeout: 60_000 });
          const showAll = page.getByTestId("show-all").first();
          if (probing && (await showAll.count()) > 0) await showAll.click();
        }
      })();
      await page.waitForRequest((r) => r.url().includes(`/sessions/${sessionId}`), { timeout: 30_000 }).catch(() => {});
      const samples: number[] = [];
      for (let i = 0; i < LOGIN_REQUESTS; i++) {
        const started = performance.now();
        const res = await fetch(`${base}/login`);
        await res.text();
        if (res.status === 200) samples.push(performance.now() - started);
        await new Promise((r) => setTimeout(r, 50));
      }
      probing = false;
      await reader.catch((error: unknown) => process.stderr.write(`hostile: reader stopped: ${String(error)}\n`));
      return { samples, opens };
    };
    // The same probe beside an ordinary session first: on a shared machine, the difference is the message's cost.
    const baseline = await probe(plain.id);
    const hostile = await probe(session.id);
    for (const [label, r] of [
      ["ordinary", baseline],
      ["hostile", hostile],
    ] as const) {
      process.stderr.write(
        `hostile: ${label} session, ${r.opens} opens; /login p95 ${round(percentile(r.samples, 95), 1)} ms; samples ${r.samples.map((s) => s.toFixed(0)).join(" ")}\n`,
      );
    }
    if (hostile.samples.length === LOGIN_REQUESTS && hostile.opens > 0) {
      const [hostileP95, ordinaryP95] = [percentile(hostile.samples, 95), percentile(baseline.samples, 95)];
      figures.hostile_message_login_p95_ms = round(hostileP95, 1);
      if (hostileP95 !== null && ordinaryP95 && baseline.samples.length === LOGIN_REQUESTS)
        figures.hostile_message_login_p95_ratio = round(hostileP95 / ordinaryP95, 2);
    }
  } catch (error) {
    process.stderr.write(`hostile: ${error instanceof Error ? error.stack : String(error)}\n`);
  } finally {
    await browser?.close().catch(() => {});
    consoleServer?.kill("SIGTERM");
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run({ quick: process.argv.includes("--quick") })));
  process.exit(0);
}
