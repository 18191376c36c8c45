// One hostile message against the Console as operators run it (`npm start`: the production build under the
// supervisor, its own process): a megabyte of markdown posted by the end user as kind "assistant", content and
// metadata nested 2,000 levels deep, forged operator metadata. Opening the session must not stall or kill the
// process: afterwards it is the same process, still answering, and the page (HTML and its .data) opens.
// And when the process is killed anyway (kill -9, as the OOM killer would), the supervisor brings it back.
// No timing is asserted (that is the bench's hostile_message_login_p95_ms).
import { makeOperator, type TestOperator } from "../support/auth";
import { FleetLMRest } from "@fleetlm/client";
import { startFleetlmDev, type FleetlmDevServer } from "@fleetlm/dev";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConsoleProcess, type ConsoleProcess } from "../support/console-process";
import { postHostileMessages } from "../support/hostile-messages";

let fleet: FleetlmDevServer;
let consoleProcess: ConsoleProcess;
let operator: TestOperator;
let sessionId: string;

const get = (path: string) => fetch(consoleProcess.url + path, { headers: { cookie: operator.cookie }, redirect: "manual" });

beforeAll(async () => {
  fleet = await startFleetlmDev({ port: 0, host: "127.0.0.1" });
  const rest = new FleetLMRest({ baseUrl: fleet.url, timeoutMs: 10_000 });
  const session = await rest.createSession({ userId: "mallory", agentId: "agent-x" });
  sessionId = session.id;
  await rest.appendMessage(sessionId, { userId: "mallory", content: { text: "hello" } });
  await postHostileMessages(rest, sessionId, "mallory");
  operator = await makeOperator("operator");
  // The worker's own database file: the process sees the operator this test just made.
  consoleProcess = await startConsoleProcess({ fleetlmUrl: fleet.url, databaseUrl: process.env.DATABASE_URL!, env: { CONSOLE_RESTART_BACKOFF_MS: "50" } });
}, 300_000);

afterAll(async () => {
  await consoleProcess?.stop();
  await fleet?.close();
});

describe("a hostile message, opened in the real process", () => {
  it("opens the session page (HTML and its data), and the process is still the same one, still answering", async () => {
    const pid = consoleProcess.serverPid();
    expect(pid).not.toBeNull();
    const page = await get(`/sessions/${sessionId}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Show all");
    expect(html).toContain("suspicious");
    expect(html).not.toContain("<strong>bold</strong>");
    const data = await get(`/sessions/${sessionId}.data`);
    expect(data.status).toBe(200);
    expect((await data.text()).length).toBeGreaterThan(0);
    // The whole message is there on demand.
    const full = await get(`/sessions/${sessionId}/messages/2`);
    expect(full.status).toBe(200);
    expect((await full.text()).length).toBeGreaterThan(1_000_000);

    expect((await fetch(consoleProcess.url + "/login")).status).toBe(200);
    expect(consoleProcess.serverPid()).toBe(pid);
    expect(consoleProcess.output()).not.toMatch(/\[supervisor\]|heap out of memory|FATAL ERROR/);
  });

  it("comes back after kill -9, says so, and opens the session again", async () => {
    const pid = consoleProcess.serverPid()!;
    process.kill(pid, "SIGKILL");
    await consoleProcess.waitFor(/\[supervisor\] the Console was killed by SIGKILL; restarting it/);
    await consoleProcess.waitFor(/FleetLM Console listening on/, 2);
    expect(consoleProcess.serverPid()).not.toBe(pid);
    expect((await get(`/sessions/${sessionId}`)).status).toBe(200);
    expect(consoleProcess.supervisor.exitCode).toBeNull();
  });
});
