// The Console as the Chromium benches measure it: a fresh migrated SQLite file, a faithful FleetLM dev server, the
// production build (build/, server.mjs, its gateway on the default timers), operators signed in by a session
// row, and the system Chromium with a page per operator. One setup for bench/inbox-freshness and bench/handoff.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { FleetLMRest } from "@fleetlm/client";
import { startFleetlmDev, type FleetlmDevServer } from "../../packages/fleetlm-dev/src/index.js";
import { consoleNodeFlags } from "../../scripts/console-node-flags.mjs";
import { freePort } from "../../tests/support/console-process";

export { freePort };

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");

/** The system Chromium, with nothing throttling a tab in the background (a throttled timer would be measured). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-renderer-backgrounding",
      "--disable-background-timer-throttling",
      "--disable-backgrounding-occluded-windows",
    ],
  });
}

/**
 * server.mjs with the given environment, resolved once it listens (its output is kept for the error; `BENCH_CONSOLE_LOG=1`
 * shows it). `BENCH_CPU_PROF=dir` writes the Console's V8 CPU profile there when it exits (NODE_OPTIONS refuses --cpu-prof).
 */
export function startConsole(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...consoleNodeFlags(), ...profile, path.join(ROOT, "server.mjs")], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`console did not start: ${out}`)), 60_000);
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (/listening on/.test(out)) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    if (process.env.BENCH_CONSOLE_LOG) for (const stream of [child.stdout!, child.stderr!]) stream.on("data", (d: Buffer) => process.stderr.write(d));
    child.once("exit", (code, signal) => reject(new Error(`console exited ${code ?? signal}: ${out.slice(-1_000)}`)));
  });
}

export type BenchConsole = {
  /** FleetLM's REST API, as an SDK user would post. */
  rest: FleetLMRest;
  fleetlm: FleetlmDevServer;
  /** A signed-in page for each operator named in `operators`, with `browserHelpers` run before the page's scripts. */
  pageAs(name: string): Promise<Page>;
  close(): Promise<void>;
};

/**
 * Builds once if build/ is missing, then starts everything. `demo` turns on the dev server's demo agent (streamed
 * replies); `browserHelpers` is source text (tsx would wrap a function passed to the page with a helper it lacks).
 */
export async function startBenchConsole(options: { name: string; operators: string[]; browserHelpers: string; demo?: boolean }): Promise<BenchConsole> {
  if (!existsSync(path.join(ROOT, "build/server/index.js"))) {
    process.stderr.write(`${options.name}: no build/, running remix vite:build\n`);
    execFileSync("npx", ["remix", "vite:build"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  }
  const dir = mkdtempSync(path.join(tmpdir(), `${options.name}-bench-`));
  const databaseUrl = `file:${path.join(dir, "console.db")}`;
  execFileSync("npx", ["prisma", "migrate", "deploy"], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: "pipe" });
  const fleetlm = await startFleetlmDev({ port: 0, host: "127.0.0.1", ...(options.demo ? { demo: true } : {}) });
  // This process writes the operators and their sign-ins into the same file the Console reads.
  Object.assign(process.env, { DATABASE_URL: databaseUrl, FLEETLM_URL: fleetlm.url });
  let consoleServer: ChildProcess | null = null;
  let browser: Browser | null = null;
  const close = async () => {
    await browser?.close().catch(() => {});
    consoleServer?.kill("SIGTERM");
    await fleetlm.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const { lucia } = await import("../../app/auth/lucia.server");
    const { createOperator } = await import("../../app/operators/operators.server");
    const cookies = new Map<string, { name: string; value: string }>();
    for (const name of options.operators) {
      const op = await createOperator({ email: `${name}@bench.test`, name, role: "operator", password: "bench password 123" }, null);
      cookies.set(name, { name: lucia().sessionCookieName, value: (await lucia().createSession(op.id, { createdAt: new Date() })).id });
    }
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    consoleServer = await startConsole({
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: databaseUrl,
      FLEETLM_URL: fleetlm.url,
      SESSION_SECRET: randomBytes(32).toString("hex"),
      CONSOLE_PUBLIC_URL: base,
      GATEWAY_DISABLED: "0", // the runner disables it for in-process benches; these measure it
    });
    browser = await launchChromium();
    const pageAs = async (name: string) => {
      const cookie = cookies.get(name);
      if (!cookie) throw new Error(`no operator ${name}`);
      const context = await browser!.newContext({ baseURL: base, viewport: { width: 1400, height: 900 } });
      await context.addCookies([{ ...cookie, url: base }]);
      await context.addInitScript({ content: options.browserHelpers });
      return context.newPage();
    };
    return { rest: new FleetLMRest({ baseUrl: fleetlm.url, timeoutMs: 10_000 }), fleetlm, pageAs, close };
  } catch (error) {
    await close();
    throw error;
  }
}
