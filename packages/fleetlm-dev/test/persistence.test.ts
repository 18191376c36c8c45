// --data DIR: the CLI is killed (SIGKILL) and restarted on the same directory without losing a message.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { apiFor, createAgent, createSession, onCleanup } from "./helpers.js";

const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));

async function startCli(args: string[]): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, "--port", "0", "--quiet", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  onCleanup(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  let out = "";
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`CLI did not start: ${out} ${err}`)), 20_000);
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /^FleetLM dev server listening on (http:\/\/\S+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once("exit", () => reject(new Error(`CLI exited: ${out} ${err}`)));
  });
  return { child, url, exited };
}

describe("persistence (--data DIR)", () => {
  it("survives kill -9: every acknowledged message, agent and cursor is back, seqs stay gapless", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fleetlm-dev-persist-"));
    const first = await startCli(["--data", dir]);
    const api = apiFor(first);
    await createAgent(first, { id: "bot", name: "Bot", origin_url: "http://127.0.0.1:1" });
    const a = await createSession(first, "alice", "bot", { tag: "a" });
    const b = await createSession(first, "bob", "other");
    const acks = await Promise.all(
      Array.from({ length: 40 }, (_, i) => api("POST", `/api/sessions/${i % 2 ? a.id : b.id}/messages`, { agent_id: "x", content: { i } })),
    );
    expect(acks.every((r) => r.status === 200)).toBe(true);
    await api("POST", `/api/sessions/${a.id}/read`, { user_id: "alice", last_seq: 5 });
    await api("DELETE", `/api/sessions/${b.id}`);
    first.child.kill("SIGKILL");
    await first.exited;

    const second = await startCli(["--data", dir]);
    const api2 = apiFor(second);
    const msgsA = (await api2("GET", `/api/sessions/${a.id}/messages?limit=100`)).body.messages;
    const msgsB = (await api2("GET", `/api/sessions/${b.id}/messages?limit=100`)).body.messages;
    expect(msgsA.map((m: any) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(msgsB.map((m: any) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const ackedA = acks
      .filter((_, i) => i % 2)
      .map((r) => r.body.message.content.i)
      .sort((x, y) => x - y);
    expect(msgsA.map((m: any) => m.content.i).sort((x: number, y: number) => x - y)).toEqual(ackedA);
    expect((await api2("GET", `/api/sessions/${a.id}`)).body.session).toEqual(a);
    expect((await api2("GET", `/api/sessions/${b.id}`)).body.session.status).toBe("archived");
    expect((await api2("GET", "/api/agents/bot")).body.agent).toMatchObject({ id: "bot", name: "Bot" });
    const next = await api2("POST", `/api/sessions/${a.id}/messages`, { agent_id: "x", content: { after: true } });
    expect(next.body.message.seq).toBe(21);
    // a clean stop on SIGTERM exits 0
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  });

  it("without --data the server runs in memory", async () => {
    const first = await startCli([]);
    const s = await createSession(first);
    first.child.kill("SIGINT");
    expect(await first.exited).toBe(0);
    const second = await startCli([]);
    expect((await apiFor(second)("GET", `/api/sessions/${s.id}`)).status).toBe(404);
  });

  it("rejects bad flags with exit code 2", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", CLI, "--port", "abc"], { stdio: "ignore" });
    const code = await new Promise((r) => child.once("exit", r));
    expect(code).toBe(2);
  });
});
