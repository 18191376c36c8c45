// The Console as operators run it: `npm start` (scripts/start-console.mjs: the production build under the
// supervisor) on a random port, for the fault suite and the bench. Builds first when there is no build yet.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

export function ensureBuild() {
  if (existsSync(path.join(ROOT, "build/server/index.js"))) return;
  execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "pipe", env: { ...process.env, NODE_ENV: "production" } });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export type ConsoleProcess = {
  url: string;
  /** The supervisor (scripts/start-console.mjs). */
  supervisor: ChildProcess;
  /** Everything both wrote, stdout and stderr. */
  output: () => string;
  /** Resolves when `pattern` has appeared in the output `count` times. */
  waitFor: (pattern: RegExp, count?: number, timeoutMs?: number) => Promise<void>;
  /** Pid of the server process the supervisor runs right now. */
  serverPid: () => number | null;
  stop: () => Promise<void>;
};

export async function startConsoleProcess(options: { fleetlmUrl: string; databaseUrl: string; env?: Record<string, string> }): Promise<ConsoleProcess> {
  ensureBuild();
  const port = await freePort();
  const supervisor = spawn(process.execPath, [path.join(ROOT, "scripts/start-console.mjs")], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      PORT: String(port),
      HOST: "127.0.0.1",
      FLEETLM_URL: options.fleetlmUrl,
      SESSION_SECRET: randomBytes(32).toString("hex"),
      CONSOLE_PUBLIC_URL: `http://127.0.0.1:${port}`,
      GATEWAY_DISABLED: "1",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const waiters = new Set<() => void>();
  const onData = (data: Buffer) => {
    output += data.toString();
    for (const check of waiters) check();
  };
  supervisor.stdout!.on("data", onData);
  supervisor.stderr!.on("data", onData);
  const waitFor = (pattern: RegExp, count = 1, timeoutMs = 60_000) =>
    new Promise<void>((resolve, reject) => {
      const global = new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : pattern.flags + "g");
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`gave up waiting for ${pattern} ×${count}; output:\n${output.slice(-2_000)}`));
      }, timeoutMs);
      const check = () => {
        if ((output.match(global)?.length ?? 0) < count) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
      check();
    });
  await waitFor(/FleetLM Console listening on/);
  const serverPid = () => {
    try {
      const out = execFileSync("ps", ["-o", "pid=", "--ppid", String(supervisor.pid)], { encoding: "utf8" }).trim();
      return out ? Number(out.split(/\s+/)[0]) : null;
    } catch {
      return null; // no child right now (between a crash and its restart)
    }
  };
  const stop = async () => {
    if (supervisor.exitCode !== null || supervisor.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => supervisor.once("exit", () => resolve()));
    supervisor.kill("SIGTERM");
    await exited;
  };
  return { url: `http://127.0.0.1:${port}`, supervisor, output: () => output, waitFor, serverPid, stop };
}
