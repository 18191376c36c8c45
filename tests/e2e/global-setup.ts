// Starts the world the browser tests run against, on random free ports of 127.0.0.1:
// a FleetLM dev server (demo agent + traffic) and the Console's production build on a fresh migrated SQLite file
// with one admin account. Returns the teardown that stops both.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function waitForLine(child: ChildProcess, pattern: RegExp, name: string, timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`${name} did not start in time:\n${output}`)), timeoutMs);
    const onData = (data: Buffer) => {
      output += data.toString();
      if (pattern.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (data: Buffer) => (output += data.toString()));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${output}`));
    });
  });
}

export default async function globalSetup() {
  const root = process.cwd();
  // One folder per run, so two runs side by side never share a database.
  const dir = path.join(root, `.tmp/e2e-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const started: ChildProcess[] = [];
  const stopAll = () => {
    for (const child of started) child.kill("SIGTERM");
  };

  const fleetPort = await freePort();
  const consolePort = await freePort();
  const fleetlmUrl = `http://127.0.0.1:${fleetPort}`;
  const databaseUrl = `file:${path.join(dir, "console.db")}`;

  const fleetlm = spawn(
    process.execPath,
    [path.join(root, "packages/fleetlm-dev/bin/fleetlm-dev.js"), "--port", String(fleetPort), "--host", "127.0.0.1", "--demo", "--traffic", "20", "--data", path.join(dir, "fleetlm")],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  started.push(fleetlm);
  try {
    await waitForLine(fleetlm, /FleetLM dev server listening on/, "fleetlm-dev");
    return await startConsole({ root, dir, fleetlmUrl, consolePort, databaseUrl, started, stopAll });
  } catch (error) {
    stopAll();
    throw error;
  }
}

type ConsoleStart = { root: string; dir: string; fleetlmUrl: string; consolePort: number; databaseUrl: string; started: ChildProcess[]; stopAll: () => void };

async function startConsole({ root, dir, fleetlmUrl, consolePort, databaseUrl, started, stopAll }: ConsoleStart) {
  const consoleUrl = `http://localhost:${consolePort}`;

  const env = { ...process.env, DATABASE_URL: databaseUrl };
  execFileSync("npx", ["prisma", "migrate", "deploy"], { env, stdio: "pipe" });
  const adminPassword = randomBytes(12).toString("base64url");
  execFileSync("npx", ["tsx", "scripts/console.ts", "create-operator", "--email", "admin@e2e.test", "--name", "Ada Admin", "--role", "admin"], { env, input: adminPassword, stdio: ["pipe", "pipe", "pipe"] });

  const consoleServer = spawn(process.execPath, [path.join(root, "server.mjs")], {
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
  started.push(consoleServer);
  await waitForLine(consoleServer, /FleetLM Console listening on/, "console");

  Object.assign(process.env, {
    E2E_BASE_URL: consoleUrl,
    E2E_FLEETLM_URL: fleetlmUrl,
    E2E_DATABASE_URL: databaseUrl,
    E2E_ADMIN_EMAIL: "admin@e2e.test",
    E2E_ADMIN_PASSWORD: adminPassword,
  });

  return async () => {
    stopAll();
    rmSync(dir, { recursive: true, force: true });
  };
}
