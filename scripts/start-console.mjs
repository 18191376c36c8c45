// `npm start`: server.mjs in production mode with the Console's Node flags (scripts/console-node-flags.mjs).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { consoleNodeFlags } from "./console-node-flags.mjs";

const server = fileURLToPath(new URL("../server.mjs", import.meta.url));
const child = spawn(process.execPath, [...consoleNodeFlags(), server], { stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
