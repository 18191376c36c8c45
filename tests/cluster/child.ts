// Child processes for the cluster tests: a TypeScript file run by Node with tsx's loader, or any Node script (the
// production server), one process each so a SIGKILL kills exactly it, with its output watched line by line.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

export type Child = {
  process: ChildProcess;
  pid: number;
  lines: string[];
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
  kill: (signal?: NodeJS.Signals) => Promise<void>;
};

export function startChild(file: string, env: Record<string, string>): Child {
  return startNode(["--import", "tsx", path.resolve(import.meta.dirname, file)], env);
}

/** Node with these arguments, in the repository's root. */
export function startNode(args: string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let rest = "";
  child.stdout!.on("data", (data: Buffer) => {
    const parts = (rest + data.toString()).split("\n");
    rest = parts.pop() ?? "";
    lines.push(...parts);
    for (const check of waiters) check();
  });
  child.stderr!.on("data", (data: Buffer) => {
    lines.push(
      ...data
        .toString()
        .trim()
        .split("\n")
        .map((line) => `stderr: ${line}`),
    );
    for (const check of waiters) check();
  });
  const waitFor = (pattern: RegExp, timeoutMs = 15_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`gave up waiting for ${pattern}; output:\n${lines.join("\n")}`));
      }, timeoutMs);
      const check = () => {
        for (const line of lines) {
          const match = line.match(pattern);
          if (!match) continue;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(match);
          return;
        }
      };
      waiters.add(check);
      check();
    });
  const kill = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill(signal);
    await exited;
  };
  return { process: child, pid: child.pid!, lines, waitFor, kill };
}
