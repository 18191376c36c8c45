// SQLite serves one Console process. A lock file next to the database names the process that runs the gateway,
// so a second process on the same file says so instead of running a second gateway beside the first. ADR 130.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";

export type LockHolder = { pid: number; host: string; startedAt: string };
export type SqliteLock = { ok: true; file: string; release: () => void } | { ok: false; file: string; holder: LockHolder };

/** `file:./prisma/dev.db?x=y` → the path of the lock file beside it (relative to the cwd, as the adapter reads it). */
export function lockFileFor(databaseUrl: string): string {
  const file = databaseUrl.replace(/^file:/, "").replace(/\?.*$/, "");
  return path.resolve(`${file}.console-lock`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by someone else
  }
}

function readHolder(file: string): LockHolder | null {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<LockHolder>;
    return typeof parsed.pid === "number" && typeof parsed.host === "string"
      ? { pid: parsed.pid, host: parsed.host, startedAt: String(parsed.startedAt ?? "") }
      : null;
  } catch {
    return null; // gone, or half-written by a process that died while writing it
  }
}

/**
 * Takes the lock, or names the live process that holds it. A lock left by a dead process (SIGKILL, a crash) on
 * this machine is taken over; one written on another machine (a shared volume) is respected.
 */
export function acquireSqliteLock(databaseUrl: string): SqliteLock {
  const file = lockFileFor(databaseUrl);
  const me: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      const release = () => {
        if (readHolder(file)?.pid === me.pid) rmSync(file, { force: true });
      };
      process.once("exit", release);
      return { ok: true, file, release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = readHolder(file);
    if (holder && holder.pid !== process.pid && (holder.host !== me.host || alive(holder.pid))) return { ok: false, file, holder };
    rmSync(file, { force: true }); // stale: its process is gone
  }
  const holder = readHolder(file);
  return { ok: false, file, holder: holder ?? { pid: 0, host: "unknown", startedAt: "" } };
}

export function secondProcessMessage(databaseUrl: string, lock: Extract<SqliteLock, { ok: false }>): string {
  const { holder } = lock;
  return (
    `[cluster] Another Console process (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt || "unknown"}) already runs on the SQLite ` +
    `database ${databaseUrl} (lock file ${lock.file}). SQLite supports ONE Console process: this one will NOT start the gateway or the ` +
    `background work. To run several Console processes behind one URL, use PostgreSQL (docs/deployment.md, "Several processes").`
  );
}
