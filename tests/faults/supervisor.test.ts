// The supervisor behind `npm start` and `npm run quickstart` (scripts/supervise.mjs): a Console process that
// dies is started again with a backoff and the restart is announced; a crash loop ends with exit code 1 so the
// outer supervisor (systemd) sees it; a stop is never mistaken for a crash. Real child processes, killed for real.
import type { ChildProcess } from "node:child_process";
import { describe, expect, it, vi } from "vitest";
import { restartPolicy, supervise } from "../../scripts/supervise.mjs";

const STAY_UP = ["-e", "console.log('up'); setInterval(() => {}, 1000)"];
const policy = (over: Partial<ReturnType<typeof restartPolicy>> = {}) => ({ maxRestarts: 3, windowMs: 60_000, backoffMs: 20, maxBackoffMs: 1_000, ...over });

describe("supervise", () => {
  it("restarts a child killed by SIGKILL (as the OOM killer does), says so, and backs off", async () => {
    const logs: string[] = [];
    const starts: ChildProcess[] = [];
    const sup = supervise({
      name: "the Console",
      command: process.execPath,
      args: STAY_UP,
      spawnOptions: { stdio: "ignore" },
      policy: policy(),
      onStart: (child: ChildProcess) => starts.push(child),
      log: (line: string) => logs.push(line),
    });
    await vi.waitFor(() => expect(starts).toHaveLength(1));
    starts[0]!.kill("SIGKILL");
    await vi.waitFor(() => expect(starts).toHaveLength(2));
    starts[1]!.kill("SIGKILL");
    await vi.waitFor(() => expect(starts).toHaveLength(3));
    expect(logs).toEqual([
      "[supervisor] the Console was killed by SIGKILL; restarting it in 20 ms (restart 1 of at most 3 in 60 s).",
      "[supervisor] the Console restarted.",
      "[supervisor] the Console was killed by SIGKILL; restarting it in 40 ms (restart 2 of at most 3 in 60 s).",
      "[supervisor] the Console restarted.",
    ]);
    expect(sup.child).toBe(starts[2]);
    expect(await sup.stop()).toBe(0);
    expect(starts[2]!.signalCode).toBe("SIGTERM");
  });

  it("gives up on a crash loop and ends with exit code 1", async () => {
    const logs: string[] = [];
    let starts = 0;
    const sup = supervise({
      name: "the Console",
      command: process.execPath,
      args: ["-e", "process.exit(3)"],
      spawnOptions: { stdio: "ignore" },
      policy: policy({ maxRestarts: 2, backoffMs: 5 }),
      onStart: () => starts++,
      log: (line: string) => logs.push(line),
    });
    expect(await sup.done).toBe(1);
    expect(starts).toBe(3); // the first start and two restarts
    expect(logs.at(-1)).toBe("[supervisor] the Console exited with code 3; it was restarted 2 times in 60 s — a crash loop, giving up.");
  });

  it("never restarts what it was told to stop, even between a crash and its restart", async () => {
    const logs: string[] = [];
    const starts: ChildProcess[] = [];
    const sup = supervise({
      name: "c",
      command: process.execPath,
      args: STAY_UP,
      spawnOptions: { stdio: "ignore" },
      policy: policy({ backoffMs: 60_000, maxBackoffMs: 60_000 }),
      onStart: (child: ChildProcess) => starts.push(child),
      log: (line: string) => logs.push(line),
    });
    await vi.waitFor(() => expect(starts).toHaveLength(1));
    starts[0]!.kill("SIGKILL");
    await vi.waitFor(() => expect(logs).toHaveLength(1)); // the restart is scheduled a minute away
    expect(await sup.stop()).toBe(0);
    expect(starts).toHaveLength(1);
  });

  it("reads its policy from the environment, and refuses nonsense", () => {
    expect(restartPolicy({})).toEqual({ maxRestarts: 5, windowMs: 60_000, backoffMs: 500, maxBackoffMs: 15_000 });
    expect(restartPolicy({ CONSOLE_RESTART_MAX: "0", CONSOLE_RESTART_BACKOFF_MS: "10" })).toMatchObject({ maxRestarts: 0, backoffMs: 10 });
    expect(() => restartPolicy({ CONSOLE_RESTART_MAX: "-1" })).toThrow(/CONSOLE_RESTART_MAX must be a whole number/);
    expect(() => restartPolicy({ CONSOLE_RESTART_WINDOW_MS: "soon" })).toThrow(/CONSOLE_RESTART_WINDOW_MS/);
  });
});
