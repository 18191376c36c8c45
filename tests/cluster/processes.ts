// Several real Console processes on one PostgreSQL database behind the round-robin proxy, as `npm run cluster`
// runs them: the production build made for PostgreSQL (server.mjs, its leader election and live bus), a FleetLM
// dev server, free ports. Used by the cluster tests (processes.test.ts) and the cluster benches.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { freePort } from "../support/console-process";

export { freePort };
import { FleetLMRest } from "@fleetlm/client";
import { startFleetlmDev, type FleetlmDevServer } from "@fleetlm/dev";
import { consoleNodeFlags } from "../../scripts/console-node-flags.mjs";
import { startRoundRobinProxy } from "../../scripts/round-robin-proxy.mjs";
import { startNode, type Child } from "./child";

const ROOT = path.resolve(import.meta.dirname, "../..");
export const CLUSTER_BUILD_DIR = ".tmp/cluster-test-build";
export const LEADS = /leads the cluster: it runs the gateway/;

/** The newest file under dir, leaving out app/generated (every test:pg run regenerates it, unchanged). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (full === path.join(ROOT, "app/generated")) continue;
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * The production build for PostgreSQL in `dir` (the build bundles the generated Prisma client, so the client
 * must be PostgreSQL's when this runs: scripts/test-pg.sh generates it). Rebuilt only when app/ changed since.
 */
export function buildForPostgres(databaseUrl: string, dir = CLUSTER_BUILD_DIR): void {
  const marker = path.join(ROOT, dir, "built-for");
  const built = path.join(ROOT, dir, "server/index.js");
  const fresh =
    existsSync(built) &&
    existsSync(marker) &&
    readFileSync(marker, "utf8") === "postgresql" &&
    statSync(built).mtimeMs >=
      Math.max(
        newestMtime(path.join(ROOT, "app")),
        newestMtime(path.join(ROOT, "packages/fleetlm-client/src")),
        statSync(path.join(ROOT, "prisma/postgres/schema.prisma")).mtimeMs,
        statSync(path.join(ROOT, "server.mjs")).mtimeMs,
      );
  if (fresh) return;
  execFileSync("npx", ["remix", "vite:build"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: "production", CONSOLE_BUILD_DIR: dir },
    stdio: ["ignore", "ignore", "inherit"],
  });
  writeFileSync(marker, "postgresql");
}

export type ConsoleProcess = Child & { name: string; url: string; port: number };

export type ConsoleOptions = {
  databaseUrl: string;
  fleetlmUrl: string;
  publicUrl: string;
  sessionSecret: string;
  buildDir?: string;
  env?: Record<string, string>;
};

/** One Console process (server.mjs of the build), resolved once it listens. */
export async function startConsoleProcess(name: string, options: ConsoleOptions): Promise<ConsoleProcess> {
  const port = await freePort();
  const child = startNode([...consoleNodeFlags(), "server.mjs"], {
    NODE_ENV: "production",
    DATABASE_URL: options.databaseUrl,
    CONSOLE_BUILD_DIR: options.buildDir ?? CLUSTER_BUILD_DIR,
    PORT: String(port),
    HOST: "127.0.0.1",
    FLEETLM_URL: options.fleetlmUrl,
    SESSION_SECRET: options.sessionSecret,
    CONSOLE_PUBLIC_URL: options.publicUrl,
    TRUST_PROXY: "1",
    // What a test worker sets for in-process tests must not reach a real Console process.
    GATEWAY_DISABLED: "0",
    LIVE_BUS: "auto",
    ...options.env,
  });
  await child.waitFor(/listening on/, 90_000);
  return Object.assign(child, { name, url: `http://127.0.0.1:${port}`, port });
}

export type Cluster = {
  processes: ConsoleProcess[];
  proxyUrl: string;
  fleetlm: FleetlmDevServer;
  rest: FleetLMRest;
  sessionSecret: string;
  /** The process whose leader line is its newest election news (the one leading now). */
  leader(): ConsoleProcess | undefined;
  stop(): Promise<void>;
};

export type ClusterOptions = {
  databaseUrl: string;
  processes?: number;
  buildDir?: string;
  fleetlm?: Partial<Parameters<typeof startFleetlmDev>[0]>;
  env?: Record<string, string>;
};

/** FleetLM dev server, N Console processes (console-a, -b, …) and the proxy; the first process leads. */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const fleetlm = await startFleetlmDev({ port: 0, host: "127.0.0.1", demo: true, ...options.fleetlm });
  const proxyPort = await freePort();
  const proxyUrl = `http://127.0.0.1:${proxyPort}`;
  const sessionSecret = randomBytes(32).toString("hex");
  const processes: ConsoleProcess[] = [];
  let proxy: { close: () => Promise<void> } | null = null;
  const stop = async () => {
    await proxy?.close();
    await Promise.all(processes.map((process) => process.kill("SIGKILL")));
    await fleetlm.close();
  };
  try {
    const common = {
      databaseUrl: options.databaseUrl,
      fleetlmUrl: fleetlm.url,
      publicUrl: proxyUrl,
      sessionSecret,
      buildDir: options.buildDir,
      env: options.env,
    };
    // One at a time, so the first is the leader (the tests know who to kill) and boots do not race the schema.
    for (let i = 0; i < (options.processes ?? 3); i++) processes.push(await startConsoleProcess(`console-${String.fromCharCode(97 + i)}`, common));
    proxy = (await startRoundRobinProxy({ targets: processes.map(({ name, url }) => ({ name, url })), port: proxyPort })) as { close: () => Promise<void> };
  } catch (error) {
    await stop();
    throw error;
  }
  const leader = () => {
    const alive = processes.filter((process) => process.process.exitCode === null && process.process.signalCode === null);
    return alive.find((process) => process.lines.some((line) => LEADS.test(line)));
  };
  return { processes, proxyUrl, fleetlm, rest: new FleetLMRest({ baseUrl: fleetlm.url, timeoutMs: 10_000 }), sessionSecret, leader, stop };
}
