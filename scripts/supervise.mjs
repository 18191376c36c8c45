// Keeps one child process running: when it dies (a crash, a V8 heap OOM, kill -9) it is started again after a
// backoff, and the restart is announced on stderr. Restarting stops after `maxRestarts` within `windowMs` (a
// crash loop: the cause will not go away by itself), and the supervisor exits non-zero so whatever runs *it*
// (systemd, docker, a shell) sees the failure. Used by `npm start` and `npm run quickstart` (ADR 086).
import { spawn } from "node:child_process";

/**
 * Restart policy from the environment (documented in docs/deployment.md).
 * @param {Record<string, string | undefined>} [env]
 */
export function restartPolicy(env = process.env) {
  const int = (name, fallback, min) => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be a whole number, ${min} or more (got ${raw})`);
    return n;
  };
  return {
    maxRestarts: int("CONSOLE_RESTART_MAX", 5, 0),
    windowMs: int("CONSOLE_RESTART_WINDOW_MS", 60_000, 1),
    backoffMs: int("CONSOLE_RESTART_BACKOFF_MS", 500, 0),
    maxBackoffMs: int("CONSOLE_RESTART_MAX_BACKOFF_MS", 15_000, 0),
  };
}

/**
 * @typedef {{ maxRestarts: number, windowMs: number, backoffMs: number, maxBackoffMs: number }} RestartPolicy
 * @typedef {{ name: string, command: string, args: string[], spawnOptions?: import("node:child_process").SpawnOptions,
 *   policy?: RestartPolicy, onStart?: (child: import("node:child_process").ChildProcess, n: number) => void,
 *   log?: (line: string) => void }} SuperviseOptions
 */

/**
 * Starts `command args` and restarts it whenever it exits on its own. `onStart(child, n)` runs for every start
 * (n = 0 first). Resolves `done` with the exit code the supervisor should end with: the child's own code after
 * `stop()`, 1 after a crash loop.
 * @param {SuperviseOptions} options
 */
export function supervise({ name, command, args, spawnOptions = {}, policy = restartPolicy(), onStart = () => {}, log = (line) => console.error(line) }) {
  let child = null;
  let stopping = false;
  let timer = null;
  const restarts = [];
  let consecutive = 0;
  let resolveDone;
  const done = new Promise((resolve) => (resolveDone = resolve));

  const start = (n) => {
    const startedAt = Date.now();
    child = spawn(command, args, spawnOptions);
    onStart(child, n);
    child.once("exit", (code, signal) => {
      child = null;
      if (stopping) return resolveDone(code ?? 0);
      const now = Date.now();
      // A run that lasted a whole window was healthy: its crash starts the backoff afresh.
      if (now - startedAt >= policy.windowMs) consecutive = 0;
      while (restarts.length && now - restarts[0] > policy.windowMs) restarts.shift();
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      if (restarts.length >= policy.maxRestarts) {
        log(`[supervisor] ${name} ${how}; it was restarted ${restarts.length} times in ${Math.round(policy.windowMs / 1000)} s — a crash loop, giving up.`);
        return resolveDone(1);
      }
      const delay = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** consecutive);
      consecutive += 1;
      restarts.push(now);
      log(
        `[supervisor] ${name} ${how}; restarting it in ${delay} ms (restart ${restarts.length} of at most ${policy.maxRestarts} in ${Math.round(policy.windowMs / 1000)} s).`,
      );
      timer = setTimeout(() => {
        timer = null;
        if (stopping) return resolveDone(0);
        log(`[supervisor] ${name} restarted.`);
        start(n + 1);
      }, delay);
    });
  };
  start(0);

  return {
    done,
    /** The running child (null between a crash and its restart). */
    get child() {
      return child;
    },
    /** Stops for good: forwards `signal` to the child, never restarts it again. */
    stop(signal = "SIGTERM") {
      stopping = true;
      if (timer) {
        clearTimeout(timer);
        timer = null;
        resolveDone(0);
      }
      if (child) child.kill(signal);
      else resolveDone(0);
      return done;
    },
  };
}
