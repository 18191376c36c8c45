// The documented snippet as a real Node script (no global WebSocket in Node 20, so the package must
// bring `ws` itself) against the built dist (built once per run by tests/setup/global-setup.ts) and a dev server
// on a free port: the script's connections to FleetLM's default localhost:4000 are redirected there by a preload.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { DEFAULT_BASE_URL, DEFAULT_SOCKET_URL, FleetLMRest } from "@fleetlm/client";
import { startDev } from "./support/dev.js";

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const script = fileURLToPath(new URL("./fixtures/documented-snippet.mjs", import.meta.url));
const redirect = fileURLToPath(new URL("./fixtures/default-port-redirect.mjs", import.meta.url));

describe("the documented snippet", () => {
  it("relies on FleetLM's default address, the one the redirect moves", () => {
    expect(DEFAULT_BASE_URL).toBe("http://localhost:4000");
    expect(DEFAULT_SOCKET_URL).toBe("ws://localhost:4000/socket");
  });

  it.each([true, false])("runs unmodified with `node` against FleetLM defaults (quirks %s)", async (quirks) => {
    const server = await startDev({ port: 0, quirks, demo: true });
    // The script imports "@fleetlm/client" like a user would, which resolves to dist/.
    const { stdout } = await run(process.execPath, ["--import", redirect, script], {
      cwd: packageDir,
      timeout: 30_000,
      env: { ...process.env, SNIPPET_FLEETLM_PORT: String(server.port) },
    });
    const lines = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
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
