// `npm start`: server.mjs in production mode with the Console's Node flags (scripts/console-node-flags.mjs),
// restarted when it dies, with a backoff and a crash-loop limit (scripts/supervise.mjs, docs/deployment.md).
import { fileURLToPath } from "node:url";
import { consoleNodeFlags } from "./console-node-flags.mjs";
import { supervise } from "./supervise.mjs";

const server = fileURLToPath(new URL("../server.mjs", import.meta.url));
const console_ = supervise({
  name: "the Console",
  command: process.execPath,
  args: [...consoleNodeFlags(), server],
  spawnOptions: { stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => void console_.stop(signal));
console_.done.then((code) => process.exit(code));
