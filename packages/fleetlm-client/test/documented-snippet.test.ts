// The documented snippet as a real Node script (no global WebSocket in Node 20, so the package must
// bring `ws` itself) against the built dist and a dev server on FleetLM's default port 4000.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { FleetLMRest } from "@fleetlm/client";
import { startDev } from "./support/dev.js";

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const script = fileURLToPath(new URL("./fixtures/documented-snippet.mjs", import.meta.url));

beforeAll(async () => {
  // The script imports "@fleetlm/client" like a user would, which resolves to dist/.
  await run(process.execPath, [fileURLToPath(new URL("../../../node_modules/typescript/bin/tsc", import.meta.url)), "-p", "tsconfig.build.json"], {
    cwd: packageDir,
  });
}, 120_000);

describe("the documented snippet", () => {
  it.each([true, false])("runs unmodified with `node` against FleetLM defaults (quirks %s)", async (quirks) => {
    const server = await startDev({ port: 4000, quirks, demo: true });
    const { stdout } = await run(process.execPath, [script], { cwd: packageDir, timeout: 30_000 });
    const lines = stdout.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    const done = lines.find((l) => l.event === "done")!;
    expect(lines.filter((l) => l.event === "error")).toEqual([]);
    expect(done).toBeDefined();
    expect(done.kinds).toEqual([
      [1, "text", "alice"],
      [2, "assistant", "demo-agent"],
    ]);
    expect(done.lastSeq).toBe(2);
    expect(done.hasGlobalWebSocket).toBe(Number(process.versions.node.split(".")[0]) >= 22);

    const session = await new FleetLMRest({ baseUrl: server.url }).getSession(String(done.sessionId));
    expect(session).toMatchObject({ user_id: "alice", agent_id: "demo-agent" });
  });
});
