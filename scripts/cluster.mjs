// `npm run cluster -- --processes 3`: several Console processes behind one URL, on localhost, for trying and testing
// the cluster (ADR 130–132): a throw-away PostgreSQL (as scripts/test-pg.sh starts it), migrated, with a dev admin;
// the FleetLM dev server with the demo agent and traffic; N supervised Console processes (a production build made
// for PostgreSQL, in .tmp/cluster-build); and a round-robin proxy (http-proxy, SSE and WebSocket pass through).
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { parseArgs } from "node:util";
import { consoleNodeFlags } from "./console-node-flags.mjs";
import { startRoundRobinProxy } from "./round-robin-proxy.mjs";
import { supervise } from "./supervise.mjs";

const { values } = parseArgs({
  options: {
    processes: { type: "string", default: "3" },
    port: { type: "string", default: process.env.PORT ?? "3000" },
    "fleetlm-port": { type: "string", default: "0" },
    "skip-build": { type: "boolean", default: false },
  },
});
const PROCESSES = Number(values.processes);
if (!Number.isInteger(PROCESSES) || PROCESSES < 1 || PROCESSES > 16) throw new Error("--processes must be a whole number from 1 to 16");
const PROXY_PORT = Number(values.port);
const BUILD_DIR = ".tmp/cluster-build";
const SESSION_SECRET = randomBytes(32).toString("hex");

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
const say = (line) => console.log(`[cluster] ${line}`);
const run = (command, args, env = {}) => execFileSync(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] }).toString();

// ---- PostgreSQL: a throw-away cluster on a free port under a temp dir (as in scripts/test-pg.sh) ----------------
const pgBin = run("bash", ["-c", "ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1"]).trim();
if (!pgBin) throw new Error("PostgreSQL is not installed (Debian: apt-get install postgresql)");
const asRoot = process.getuid?.() === 0;
const pgRun = (command) => (asRoot ? run("su", ["postgres", "-c", command]) : run("bash", ["-c", command]));
const dataDir = mkdtempSync("/tmp/console-cluster-pg.");
if (asRoot) chownSync(dataDir, Number(run("id", ["-u", "postgres"]).trim()), Number(run("id", ["-g", "postgres"]).trim()));
const pgPort = await freePort();
pgRun(`${pgBin}/initdb -D ${dataDir}/data -U postgres --auth=trust -E UTF8 >/dev/null`);
pgRun(
  `${pgBin}/pg_ctl -D ${dataDir}/data -o '-p ${pgPort} -k ${dataDir} -c listen_addresses=127.0.0.1 -c max_connections=200' -l ${dataDir}/log -w start >/dev/null`,
);
const DATABASE_URL = `postgresql://postgres@127.0.0.1:${pgPort}/console`;
pgRun(`${pgBin}/createdb -h 127.0.0.1 -p ${pgPort} -U postgres console`);
say(`PostgreSQL on ${DATABASE_URL} (data in ${dataDir})`);

const children = [];
const supervisors = [];
let proxyServer = null;
let stopping = false;
const stopAll = async (code = 0) => {
  if (stopping) return;
  stopping = true;
  // The proxy's open connections (live feeds, keep-alive) would keep every Console's server.close() waiting.
  proxyServer?.closeAllConnections();
  proxyServer?.close();
  const hardStop = setTimeout(() => supervisors.forEach((sup) => sup.child?.kill("SIGKILL")), 5_000);
  await Promise.all(supervisors.map((sup) => sup.stop("SIGTERM")));
  clearTimeout(hardStop);
  for (const child of children) child.kill("SIGTERM");
  try {
    pgRun(`${pgBin}/pg_ctl -D ${dataDir}/data -w -m immediate stop >/dev/null`);
  } catch {
    // already down
  }
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(code);
};
process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));

// ---- migrate, dev admin, a production build for PostgreSQL (the build bundles the Prisma client) ---------------
const pgEnv = { DATABASE_URL };
try {
  say("generating the PostgreSQL Prisma client, migrating, creating the dev admin");
  run("npx", ["prisma", "generate"], pgEnv);
  run("npx", ["prisma", "migrate", "deploy"], pgEnv);
  const admin = JSON.parse(run("npx", ["tsx", "scripts/dev-admin.ts"], pgEnv).trim().split("\n").pop());
  if (!values["skip-build"]) {
    say(`building the Console for PostgreSQL into ${BUILD_DIR}`);
    run("npx", ["remix", "vite:build"], { ...pgEnv, NODE_ENV: "production", CONSOLE_BUILD_DIR: BUILD_DIR });
  }
  say(`dev admin: ${admin.email} / ${admin.password}`);
} catch (error) {
  console.error(`[cluster] setup failed: ${error.message}`);
  await stopAll(1);
} finally {
  // The working tree's own client stays SQLite's, as `npm ci` made it.
  run("npx", ["prisma", "generate"], { DATABASE_URL: "file:./prisma/dev.db" });
}

// ---- FleetLM dev server, N Console processes, the proxy -------------------------------------------------------
const fleetlmPort = Number(values["fleetlm-port"]) || (await freePort());
const FLEETLM_URL = `http://127.0.0.1:${fleetlmPort}`;
const PUBLIC_URL = `http://127.0.0.1:${PROXY_PORT}`;
await new Promise((resolve, reject) => {
  const child = spawn(
    process.execPath,
    ["packages/fleetlm-dev/bin/fleetlm-dev.js", "--port", String(fleetlmPort), "--host", "127.0.0.1", "--demo", "--traffic", "30", "--seed-sessions", "50"],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  children.push(child);
  child.stdout.on("data", (data) => {
    process.stdout.write(`[fleetlm] ${data}`);
    if (/listening on/.test(String(data))) resolve();
  });
  child.once("exit", (code) => reject(new Error(`the FleetLM dev server exited with code ${code}`)));
});

const targets = [];
for (let i = 0; i < PROCESSES; i++) {
  const port = await freePort();
  const name = `console-${String.fromCharCode(97 + i)}`;
  targets.push({ name, url: `http://127.0.0.1:${port}` });
  await new Promise((resolve) => {
    const sup = supervise({
      name,
      command: process.execPath,
      args: [...consoleNodeFlags(), "server.mjs"],
      spawnOptions: {
        env: {
          ...process.env,
          NODE_ENV: "production",
          DATABASE_URL,
          CONSOLE_BUILD_DIR: BUILD_DIR,
          PORT: String(port),
          HOST: "127.0.0.1",
          FLEETLM_URL,
          SESSION_SECRET,
          CONSOLE_PUBLIC_URL: PUBLIC_URL,
          TRUST_PROXY: "1",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
      onStart: (child) => {
        const relay = (data) => {
          process.stdout.write(String(data).replace(/^(?=.)/gm, `[${name} ${child.pid}] `));
          if (/listening on/.test(String(data))) resolve();
        };
        child.stdout.on("data", relay);
        child.stderr.on("data", relay);
      },
    });
    supervisors.push(sup);
    sup.done.then((code) => {
      if (!stopping) console.error(`[cluster] ${name} could not be kept running (exit ${code})`);
    });
  });
}

// Round robin per request; SSE streams through (no buffering) and WebSocket upgrades are proxied too.
const proxy = await startRoundRobinProxy({ targets, port: PROXY_PORT });
proxyServer = proxy.server;
say(`${PROCESSES} Console processes (${targets.map((t) => `${t.name} ${t.url}`).join(", ")}) behind ${PUBLIC_URL}`);
say(`FleetLM dev server on ${FLEETLM_URL}. Ctrl-C stops everything.`);
