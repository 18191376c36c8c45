// The session index's write path as the live sync drives it (ADR 204, ADR 221), in this process, on a migrated
// temp SQLite file with indexed sessions (some with read cursors, one in sixteen resolved so a user message
// reopens it and writes an audit row): batches of 64 sessions with one or two new user messages each.
//   index_write_cpu_us_per_session           process CPU (user + system) per session written by `applyIndexWrites`
//                                            (SQLite: its prepared statements, one synchronous transaction)
//   index_write_baseline_cpu_us_per_session  the same batches through Prisma's client (`applyIndexWritesThroughPrisma`,
//                                            the path before ADR 221 and PostgreSQL's), on sessions of the same shape
//   index_write_cpu_ratio                    the first over the second: the share of the CPU the write still costs
// The two paths alternate batch by batch, so both see the same machine load.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { percentile, round } from "./stats";

type Figures = Record<string, number | null>;
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const BATCH = 64;

/**
 * `total` indexed sessions (`bench-000000` …) with heads of 1–37, one in sixteen resolved, and a read cursor at
 * (or just below) the head on every fourth, by one of `operators`: what the index looks like to the write path.
 */
async function seed(prisma: Awaited<ReturnType<typeof import("../app/db.server").db>>, total: number, operators: string[]) {
  const iso = `strftime('%Y-%m-%dT%H:%M:%f', 'now') || '+00:00'`;
  const id = (i: string) => `'bench-' || printf('%06d', ${i})`;
  await prisma.$executeRawUnsafe(
    `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ${total})
     INSERT INTO "SessionIndex" ("id", "userId", "agentId", "status", "createdAt", "headSeq", "userCount", "lastActivityAt",
                                 "lastSenderId", "lastSenderRole", "lastPreview", "state", "indexedAt", "updatedAt")
     SELECT ${id("i")}, 'user-' || (i % 5000), 'agent-' || (i % 7), 'active', ${iso}, 1 + i % 37, (2 + i % 37) / 2, ${iso},
            'user-' || (i % 5000), 'user', 'An earlier message of session ' || i, CASE WHEN i % 16 = 5 THEN 'resolved' ELSE 'pending' END,
            ${iso}, ${iso}
     FROM n`,
  );
  for (const [k, operatorId] of operators.entries()) {
    await prisma.$executeRawUnsafe(
      `WITH RECURSIVE n(i) AS (SELECT ${k} UNION ALL SELECT i + 4 FROM n WHERE i + 4 < ${total})
       INSERT INTO "ReadCursor" ("operatorId", "sessionId", "lastSeq", "opCountAtCursor", "userCountAtCursor", "updatedAt")
       SELECT ?, ${id("i")}, 1 + i % 37 - i % 2, 0, (2 + i % 37 - i % 2) / 2, ${iso} FROM n`,
      operatorId,
    );
  }
  await prisma.$queryRawUnsafe("ANALYZE");
}

export async function run({ quick }: { quick: boolean }): Promise<Figures> {
  const figures: Figures = { index_write_cpu_us_per_session: null, index_write_baseline_cpu_us_per_session: null, index_write_cpu_ratio: null };
  const dir = mkdtempSync(path.join(tmpdir(), "index-writes-bench-"));
  try {
    const databaseUrl = `file:${path.join(dir, "console.db")}`;
    execFileSync("npx", ["prisma", "migrate", "deploy"], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: "pipe" });
    Object.assign(process.env, { DATABASE_URL: databaseUrl, GATEWAY_DISABLED: "1" });
    const { db } = await import("../app/db.server");
    const { createOperator } = await import("../app/operators/operators.server");
    const { applyIndexWrites, applyIndexWritesThroughPrisma, findIndexed } = await import("../app/inbox/session-index.server");
    type Row = NonNullable<Awaited<ReturnType<typeof findIndexed>>>;
    type Apply = typeof applyIndexWrites;
    const prisma = await db();
    const me = await createOperator({ email: "bench-writes@bench.test", name: "Bench", role: "operator", password: "bench password 123" }, null);
    const other = await createOperator({ email: "bench-writes2@bench.test", name: "Other", role: "operator", password: "bench password 123" }, null);
    const total = quick ? 4_000 : 20_000;
    await seed(prisma, total, [me.id, other.id]);

    // Even sessions go through Prisma, odd ones through the driver: the same shapes on both sides.
    const ids = Array.from({ length: total }, (_, i) => `bench-${String(i).padStart(6, "0")}`);
    const rows = new Map<string, Row>();
    for (const id of ids) rows.set(id, (await findIndexed(id))!);
    const sides: { name: string; apply: Apply; ids: string[]; next: number; cpuUs: number; sessions: number; wallMs: number[] }[] = [
      { name: "prisma", apply: applyIndexWritesThroughPrisma, ids: ids.filter((_, i) => i % 2 === 0), next: 0, cpuUs: 0, sessions: 0, wallMs: [] },
      { name: "driver", apply: applyIndexWrites, ids: ids.filter((_, i) => i % 2 === 1), next: 0, cpuUs: 0, sessions: 0, wallMs: [] },
    ];
    let counter = 0;
    const batchOf = (side: (typeof sides)[number]) =>
      Array.from({ length: BATCH }, () => {
        const row = rows.get(side.ids[side.next++ % side.ids.length]!)!;
        const count = 1 + (counter++ % 2);
        const messages = Array.from({ length: count }, (_, k) => {
          const seq = row.headSeq + 1 + k;
          return {
            seq,
            sender_id: row.userId,
            kind: "text",
            content: { text: `Hello, a question about my order ${seq} and the invoice for it (${counter}).` },
            metadata: {},
            insertedAt: new Date(),
          };
        });
        return { row, messages };
      });
    const warm = 5;
    const measured = quick ? 60 : 300;
    for (let i = 0; i < warm + measured; i++) {
      for (const side of i % 2 ? sides : [...sides].reverse()) {
        const writes = batchOf(side);
        const started = performance.now();
        const cpu = process.cpuUsage();
        const written = await side.apply(writes);
        const used = process.cpuUsage(cpu);
        const wall = performance.now() - started;
        written.forEach((row, k) => {
          if (!row) throw new Error(`${side.name}: session ${writes[k]!.row.id} was not written`);
          rows.set(row.id, row);
        });
        if (i < warm) continue;
        side.cpuUs += used.user + used.system;
        side.sessions += writes.length;
        side.wallMs.push(wall);
      }
    }
    const [viaPrisma, viaDriver] = sides.map((side) => side.cpuUs / side.sessions) as [number, number];
    for (const side of sides) {
      process.stderr.write(
        `index writes (${side.name}): ${side.sessions} sessions in ${side.wallMs.length} batches of ${BATCH}, ` +
          `${round(side.cpuUs / side.sessions, 1)} µs CPU a session, batch wall p50/p95 ${round(percentile(side.wallMs, 50), 1)}/${round(percentile(side.wallMs, 95), 1)} ms\n`,
      );
    }
    figures.index_write_cpu_us_per_session = round(viaDriver, 1);
    figures.index_write_baseline_cpu_us_per_session = round(viaPrisma, 1);
    figures.index_write_cpu_ratio = round(viaDriver / viaPrisma, 3);
  } catch (error) {
    process.stderr.write(`index writes bench: ${error instanceof Error ? error.stack : String(error)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run({ quick: process.argv.includes("--quick") })));
  process.exit(0);
}
