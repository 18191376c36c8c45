// `npm run quickstart`: everything on localhost for a new user — a FleetLM-compatible dev server with the demo agent
// and simulated traffic, and the Console's production build on a migrated SQLite file with a dev admin account.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { consoleNodeFlags } from "./console-node-flags.mjs";
import { supervise } from "./supervise.mjs";

const FLEETLM_PORT = process.env.FLEETLM_PORT ?? "4000";
const PORT = process.env.PORT ?? "3000";
const DATABASE_URL = "file:./.data/console.db";
const env = { ...process.env, DATABASE_URL };

mkdirSync(".data", { recursive: true });
const secretFile = ".data/session-secret";
if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(32).toString("hex"), { mode: 0o600 });
const SESSION_SECRET = readFileSync(secretFile, "utf8").trim();

const step = (label, command, args, options = {}) => {
  console.log(`• ${label}`);
  return execFileSync(command, args, { env, stdio: ["pipe", "pipe", "inherit"], ...options }).toString();
};

step("migrating the SQLite database (.data/console.db)", "npx", ["prisma", "migrate", "deploy"]);
const admin = JSON.parse(step("creating the dev admin account", "npx", ["tsx", "scripts/dev-admin.ts"]).trim().split("\n").pop());
step("building the Console (production build)", "npm", ["run", "build"]);

const children = [];
const start = (name, args, extraEnv, ready) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...env, ...extraEnv }, stdio: ["ignore", "pipe", "inherit"] });
    children.push(child);
    child.stdout.on("data", (data) => {
      process.stdout.write(`[${name}] ${data}`);
      if (ready.test(String(data))) resolve();
    });
    child.once("exit", (code) => reject(new Error(`${name} exited with code ${code}`)));
  });

let consoleSupervisor = null;
let stopping = false;
const stopAll = async () => {
  stopping = true;
  for (const child of children) child.kill("SIGTERM");
  await consoleSupervisor?.stop("SIGTERM");
  process.exit(0);
};
process.on("SIGINT", stopAll);
process.on("SIGTERM", stopAll);

await start(
  "fleetlm",
  [
    "packages/fleetlm-dev/bin/fleetlm-dev.js",
    "--port",
    FLEETLM_PORT,
    "--host",
    "127.0.0.1",
    "--data",
    ".data/fleetlm",
    "--demo",
    "--traffic",
    "30",
    "--seed-sessions",
    "200",
  ],
  {},
  /listening on/,
);
// The Console is supervised: if it dies (a crash, an out-of-memory kill), it is started again and says so.
await new Promise((resolve, reject) => {
  consoleSupervisor = supervise({
    name: "the Console",
    command: process.execPath,
    args: [...consoleNodeFlags(), "server.mjs"],
    spawnOptions: {
      env: {
        ...env,
        NODE_ENV: "production",
        PORT,
        HOST: "127.0.0.1",
        FLEETLM_URL: `http://127.0.0.1:${FLEETLM_PORT}`,
        SESSION_SECRET,
        CONSOLE_PUBLIC_URL: `http://127.0.0.1:${PORT}`,
      },
      stdio: ["ignore", "pipe", "inherit"],
    },
    onStart: (child) =>
      child.stdout.on("data", (data) => {
        process.stdout.write(`[console] ${data}`);
        if (/listening on/.test(String(data))) resolve();
      }),
  });
  consoleSupervisor.done.then((code) => {
    if (stopping) return;
    reject(new Error("the Console could not be kept running"));
    for (const child of children) child.kill("SIGTERM");
    process.exit(code || 1);
  });
});

console.log(`
FleetLM Console is running on http://localhost:${PORT}
  sign in as   ${admin.email}
  password     ${admin.password}
FleetLM dev server (demo agent + traffic): http://127.0.0.1:${FLEETLM_PORT}
Ctrl-C stops both.`);
