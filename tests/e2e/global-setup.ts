// Starts the world the browser tests run against, on random free ports of 127.0.0.1:
// a FleetLM dev server (demo agent + traffic) and the Console's production build on a fresh migrated SQLite file
// with one admin account. Returns the teardown that stops both.
//
// FLEETLM_DEV_STORAGE=real starts the dev server in FleetLM's real storage (tests/support/dev-storage.ts: holed
// pages, the newest 3 messages of each session unflushed); scripts/test.sh runs the session and inbox specs so.
//
// A small control server (E2E_CONTROL_URL) lets a test SIGKILL the dev server and start it again on the same
// port and --data dir: POST /fleetlm/kill, /fleetlm/start, /fleetlm/restart (tests/e2e/support.ts wraps them).
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import path from "node:path";
import { consoleNodeFlags } from "../../scripts/console-node-flags.mjs";
import { devStorageFlags } from "../support/dev-storage";
import { freePort } from "../support/console-process";

function waitForLine(child: ChildProcess, pattern: RegExp, name: string, timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = "";
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(() => finish(new Error(`${name} did not start in time:\n${output}`)), timeoutMs);
    // The pipes stay drained after the line (a full pipe would block the child); only the start-up is kept.
    child.stdout?.on("data", (data: Buffer) => {
      if (done) return;
      output += data.toString();
      if (pattern.test(output)) finish();
    });
    child.stderr?.on("data", (data: Buffer) => {
      if (!done) output += data.toString();
    });
    // "close", not "exit": by then everything it wrote (e.g. EADDRINUSE on stderr) has been read.
    child.once("close", (code, signal) => finish(new Error(`${name} exited with ${code ?? signal}:\n${output}`)));
  });
}

const isRunning = (child: ChildProcess | null): child is ChildProcess => !!child && child.exitCode === null && child.signalCode === null;

function exited(child: ChildProcess): Promise<void> {
  return isRunning(child) ? new Promise((resolve) => child.once("exit", () => resolve())) : Promise.resolve();
}

/** The FleetLM dev server as a child process that can be SIGKILLed and started again on the same port and data. */
class FleetlmDev {
  private child: ChildProcess | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly args: string[]) {}

  /** Spawns the server unless it runs; a port still held by the killed process is retried for a few seconds. */
  start(): Promise<void> {
    return this.serial(async () => {
      if (isRunning(this.child)) return;
      const deadline = Date.now() + 10_000;
      for (;;) {
        this.child = spawn(process.execPath, this.args, { stdio: ["ignore", "pipe", "pipe"] });
        try {
          return await waitForLine(this.child, /FleetLM dev server listening on/, "fleetlm-dev");
        } catch (error) {
          if (!/EADDRINUSE/.test(String(error)) || Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    });
  }

  /** SIGKILL, as a crash would: nothing is flushed or closed. Resolves once the process is gone. */
  kill(): Promise<void> {
    return this.serial(async () => {
      const child = this.child;
      if (!isRunning(child)) return;
      const gone = exited(child);
      child.kill("SIGKILL");
      await gone;
    });
  }

  /** For teardown: a clean stop of whatever child is current. */
  stop(): Promise<void> {
    return this.serial(async () => {
      const child = this.child;
      if (!isRunning(child)) return;
      const gone = exited(child);
      child.kill("SIGTERM");
      await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (isRunning(child)) child.kill("SIGKILL");
    });
  }

  /** One operation at a time: a start never races a kill. */
  private serial<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.queue.then(operation);
    this.queue = run.catch(() => {});
    return run;
  }
}

/** POST /fleetlm/kill | start | restart → 204 when done, 500 with the reason otherwise. */
function startControlServer(fleetlm: FleetlmDev): Promise<{ url: string; close: () => Promise<void> }> {
  const actions: Record<string, () => Promise<void>> = {
    "/fleetlm/kill": () => fleetlm.kill(),
    "/fleetlm/start": () => fleetlm.start(),
    "/fleetlm/restart": async () => {
      await fleetlm.kill();
      await fleetlm.start();
    },
  };
  const server: Server = createHttpServer((req, res) => {
    const action = req.method === "POST" ? actions[req.url ?? ""] : undefined;
    if (!action) {
      res.writeHead(404).end();
      return;
    }
    action().then(
      () => res.writeHead(204).end(),
      (error: unknown) => res.writeHead(500, { "content-type": "text/plain" }).end(String(error)),
    );
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

export default async function globalSetup() {
  const root = process.cwd();
  // One folder per run, so two runs side by side never share a database.
  const dir = path.join(root, `.tmp/e2e-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });

  const fleetPort = await freePort();
  const consolePort = await freePort();
  const fleetlmUrl = `http://127.0.0.1:${fleetPort}`;
  const databaseUrl = `file:${path.join(dir, "console.db")}`;

  const fleetlm = new FleetlmDev([
    path.join(root, "packages/fleetlm-dev/bin/fleetlm-dev.js"),
    ...["--port", String(fleetPort), "--host", "127.0.0.1", "--demo", "--traffic", "20", "--data", path.join(dir, "fleetlm")],
    ...devStorageFlags(),
  ]);
  const control = await startControlServer(fleetlm);
  let consoleServer: ChildProcess | null = null;
  const stopAll = async () => {
    consoleServer?.kill("SIGTERM");
    await fleetlm.stop();
    await control.close();
  };
  try {
    await fleetlm.start();
    consoleServer = await startConsole({ root, fleetlmUrl, consolePort, databaseUrl, onSpawn: (child) => (consoleServer = child) });
  } catch (error) {
    await stopAll();
    throw error;
  }
  process.env.E2E_CONTROL_URL = control.url;

  return async () => {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  };
}

type ConsoleStart = { root: string; fleetlmUrl: string; consolePort: number; databaseUrl: string; onSpawn: (child: ChildProcess) => void };

async function startConsole({ root, fleetlmUrl, consolePort, databaseUrl, onSpawn }: ConsoleStart): Promise<ChildProcess> {
  const consoleUrl = `http://localhost:${consolePort}`;

  const env = { ...process.env, DATABASE_URL: databaseUrl };
  execFileSync("npx", ["prisma", "migrate", "deploy"], { env, stdio: "pipe" });
  const adminPassword = randomBytes(12).toString("base64url");
  execFileSync("npx", ["tsx", "scripts/console.ts", "create-operator", "--email", "admin@e2e.test", "--name", "Ada Admin", "--role", "admin"], {
    env,
    input: adminPassword,
    stdio: ["pipe", "pipe", "pipe"],
  });

  const consoleServer = spawn(process.execPath, [...consoleNodeFlags(), path.join(root, "server.mjs")], {
    env: {
      ...env,
      NODE_ENV: "production",
      PORT: String(consolePort),
      HOST: "127.0.0.1",
      FLEETLM_URL: fleetlmUrl,
      SESSION_SECRET: randomBytes(32).toString("hex"),
      CONSOLE_PUBLIC_URL: `http://127.0.0.1:${consolePort}`,
      INBOX_REJOIN_MS: "500",
      GATEWAY_POLL_MS: "1000",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  onSpawn(consoleServer);
  await waitForLine(consoleServer, /FleetLM Console listening on/, "console");

  Object.assign(process.env, {
    E2E_BASE_URL: consoleUrl,
    E2E_FLEETLM_URL: fleetlmUrl,
    E2E_DATABASE_URL: databaseUrl,
    E2E_ADMIN_EMAIL: "admin@e2e.test",
    E2E_ADMIN_PASSWORD: adminPassword,
  });
  return consoleServer;
}
