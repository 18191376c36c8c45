// One gateway leader per cluster (ADR 130). PostgreSQL: real processes race for the advisory lock, exactly one
// leads, and a leader killed by SIGKILL is replaced within 5 s. SQLite: a second process on the same file is
// told that another one runs there; a lock left by a killed process is taken over.
import { rmSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { TEST_DATABASE_URL } from "../support/db";
import { acquireSqliteLock, lockFileFor, secondProcessMessage } from "~/cluster/sqlite-lock.server";
import { startChild, type Child } from "./child";

const onPostgres = /^postgres(ql)?:\/\//.test(TEST_DATABASE_URL);
const children: Child[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => child.kill("SIGKILL")));
});

describe.skipIf(!onPostgres)("gateway leader on PostgreSQL", () => {
  it("elects exactly one of three processes, and a new one within 5 s of a SIGKILL", async () => {
    for (let i = 0; i < 3; i++) children.push(startChild("fixtures/leader-child.ts", { DATABASE_URL: TEST_DATABASE_URL }));
    await Promise.all(children.map((child) => child.waitFor(/^ready /)));
    const leaders = children.filter((child) => child.lines.some((line) => line.startsWith("elected ")));
    expect(leaders).toHaveLength(1);

    const killedAt = Date.now();
    await leaders[0]!.kill("SIGKILL");
    const rest = children.filter((child) => child !== leaders[0]);
    const next = await Promise.race(rest.map((child) => child.waitFor(/^elected (\d+)/, 5_000).then(() => child)));
    expect(Date.now() - killedAt).toBeLessThan(5_000);
    // Still one leader: the other follower keeps waiting.
    const other = rest.find((child) => child !== next)!;
    expect(other.lines.some((line) => line.startsWith("elected "))).toBe(false);
  });
});

describe.skipIf(onPostgres)("one Console process on SQLite", () => {
  const url = `file:${TEST_DATABASE_URL.replace(/^file:/, "")}`;
  afterEach(() => rmSync(lockFileFor(url), { force: true }));

  it("refuses a second process on the same file with a message that names PostgreSQL, and takes over a dead holder's lock", async () => {
    const holder = startChild("fixtures/sqlite-lock-child.ts", { DATABASE_URL: url });
    children.push(holder);
    await holder.waitFor(/^locked /);

    const second = acquireSqliteLock(url);
    expect(second.ok).toBe(false);
    if (second.ok) return;
    expect(second.holder.pid).toBe(holder.pid);
    expect(second.file).toBe(path.resolve(`${url.slice("file:".length)}.console-lock`));
    expect(secondProcessMessage(url, second)).toMatch(/SQLite supports ONE Console process: this one will NOT start the gateway.*use PostgreSQL/);

    await holder.kill("SIGKILL");
    const after = acquireSqliteLock(url);
    expect(after.ok).toBe(true);
    if (after.ok) after.release();
  });
});
