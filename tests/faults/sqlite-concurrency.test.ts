// The Console's database under 20 concurrent writers, each its own process with its own Prisma client (as
// several Console processes, or a CLI beside a server, would be): audit events, notes (create, edit, delete),
// read cursors, takeover claim/release, reply flags, and an interactive transaction on one shared session row. No SQLITE_BUSY (or
// any other error), every row present, no lost increment. Provider-agnostic: it uses the worker's
// DATABASE_URL, so scripts/test-pg.sh runs the same test on PostgreSQL.
import { makeOperator } from "../support/auth";
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { createInterface } from "node:readline";
import { expect, it } from "vitest";
import { db } from "~/db.server";
import { unreadFor } from "~/inbox/read-cursor.server";

const WRITERS = 20;
const ITERATIONS = 8;

type Report = { writer: number; errors: string[]; notes: string[]; transactions: number; claims: number; releases: number };

function startWriter(args: object): { ready: Promise<void>; done: Promise<Report>; go: () => void; lastStep: () => string } {
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve("tests/faults/support/db-writer.ts"), JSON.stringify(args)], {
    env: { ...process.env, NODE_ENV: "test", GATEWAY_DISABLED: "1" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout });
  let report: Report | null = null;
  let step = "starting";
  const ready = new Promise<void>((resolve, reject) => {
    lines.on("line", (line) => {
      if (line.startsWith("step ")) step = line.slice(5);
      else if (line === "ready") {
        step = "ready";
        resolve();
      } else if (line.startsWith("{")) report = JSON.parse(line) as Report;
    });
    child.once("exit", () => reject(new Error(`writer exited before ready: ${stderr}`)));
  });
  const done = new Promise<Report>((resolve, reject) =>
    child.once("exit", (code) => (report ? resolve(report) : reject(new Error(`writer exited ${code} without a report: ${stderr.slice(-2000)}`)))),
  );
  ready.catch(() => {});
  done.then(
    () => (step = "done"),
    () => {},
  );
  return { ready, done, go: () => child.stdin.write("go\n"), lastStep: () => step };
}

it(`${WRITERS} concurrent writer processes: no SQLITE_BUSY, every row present, no lost update`, async () => {
  const prisma = await db();
  const sessionId = `concurrency-${randomUUID()}`;
  await prisma.sessionIndex.create({ data: { id: sessionId, userId: "u", agentId: "a", status: "active", createdAt: new Date(), headSeq: 0 } });
  // A known reply at seq 1, so flags need no FleetLM.
  await prisma.replyIndex.create({ data: { sessionId, seq: 1, agentId: "a", termination: "finish", length: 1, at: new Date() } });
  const operators = await Promise.all(Array.from({ length: 4 }, () => makeOperator("operator")));
  const auditBefore = await prisma.auditEvent.count({ where: { action: { startsWith: "fault.concurrency" } } });

  const writers = Array.from({ length: WRITERS }, (_, writer) => {
    const op = operators[writer % operators.length];
    return startWriter({ writer, iterations: ITERATIONS, sessionId, operator: { id: op.id, email: op.email, name: op.name, role: "operator" } });
  });
  // A writer that never finishes fails the test with the step it is stuck in (it once hung under load), well
  // before the test's own limit.
  let stuck: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<never>((_, reject) => {
    stuck = setTimeout(() => {
      const steps = writers.map((w, i) => `writer ${i}: ${w.lastStep()}`).filter((line) => !line.endsWith(": done"));
      reject(new Error(`writers still running after 180 s:\n${steps.join("\n")}`));
    }, 180_000);
  });
  await Promise.race([Promise.all(writers.map((w) => w.ready)), hung]);
  writers.forEach((w) => w.go());
  const reports = await Promise.race([Promise.all(writers.map((w) => w.done)), hung]).finally(() => clearTimeout(stuck));

  expect(reports.flatMap((r) => r.errors.map((e) => `writer ${r.writer}: ${e}`))).toEqual([]);
  // Every transaction committed exactly once: the shared counter saw every increment.
  const row = await prisma.sessionIndex.findUniqueOrThrow({ where: { id: sessionId } });
  expect(row.headSeq).toBe(WRITERS * ITERATIONS);
  expect(reports.reduce((n, r) => n + r.transactions, 0)).toBe(WRITERS * ITERATIONS);
  // Audit: one plain event per iteration + one per transaction, plus note create/update/delete events.
  expect(await prisma.auditEvent.count({ where: { action: { startsWith: "fault.concurrency" } } })).toBe(auditBefore + 2 * WRITERS * ITERATIONS);
  expect(await prisma.auditEvent.count({ where: { action: "note.create", details: { contains: sessionId } } })).toBe(WRITERS * ITERATIONS);
  expect(await prisma.auditEvent.count({ where: { action: "note.update", details: { contains: sessionId } } })).toBe(WRITERS * Math.floor(ITERATIONS / 3));
  expect(await prisma.auditEvent.count({ where: { action: "note.delete", details: { contains: sessionId } } })).toBe(WRITERS * Math.floor(ITERATIONS / 5));
  // Notes: exactly the surviving ones, each with its writer's last text.
  const notes = await prisma.note.findMany({ where: { sessionId }, select: { id: true } });
  expect(notes.map((n) => n.id).sort()).toEqual(reports.flatMap((r) => r.notes).sort());
  expect(notes).toHaveLength(WRITERS * (ITERATIONS - Math.floor(ITERATIONS / 5)));
  // Takeovers: every won claim was released, none is left active, each audited exactly once.
  const claims = reports.reduce((n, r) => n + r.claims, 0);
  expect(claims).toBeGreaterThan(0);
  expect(reports.reduce((n, r) => n + r.releases, 0)).toBe(claims);
  expect(await prisma.takeover.count({ where: { sessionId } })).toBe(claims);
  expect(await prisma.takeover.count({ where: { sessionId, activeSessionId: { not: null } } })).toBe(0);
  expect(await prisma.auditEvent.count({ where: { action: "takeover.claim", targetId: sessionId } })).toBe(claims);
  expect(await prisma.auditEvent.count({ where: { action: "takeover.release", targetId: sessionId } })).toBe(claims);
  // Flags: one audited write per call; the stored state is the one audited last.
  const flagEvents = await prisma.auditEvent.findMany({
    where: { targetId: `${sessionId}:1`, action: { in: ["reply.flag", "reply.unflag"] } },
    orderBy: { id: "asc" },
  });
  expect(flagEvents).toHaveLength(WRITERS * ITERATIONS);
  const reply = await prisma.replyIndex.findUniqueOrThrow({ where: { sessionId_seq: { sessionId, seq: 1 } } });
  expect(reply.flaggedAt !== null).toBe(flagEvents.at(-1)!.action === "reply.flag");
  // Read cursors: four operators, five writers each; each cursor holds the highest seq any of its writers set.
  for (const [index, op] of operators.entries()) {
    const highest = Math.max(...reports.filter((r) => r.writer % operators.length === index).map((r) => r.writer * 1000 + ITERATIONS));
    const cursor = await prisma.readCursor.findUniqueOrThrow({ where: { operatorId_sessionId: { operatorId: op.id, sessionId } } });
    expect(cursor.lastSeq).toBe(highest);
    expect(await unreadFor(op.id, sessionId)).toBe(0);
  }
}, 240_000);
