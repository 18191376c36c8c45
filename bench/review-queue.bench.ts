// Review queue figures over 1,000,000 indexed replies in a temp SQLite file:
//   review_queue_next_p95_ms        nextItem() — my held item, else the next free one claimed — for a team of four
//                                   reviewers taking turns on a queue built from those replies (100,000 items,
//                                   the most a queue holds), 40% complete, 20% reviewed once, reservations held,
//                                   a few flagged items on top; after each call the item is counted as reviewed
//                                   (as a save would), so every call claims a new one.
//   review_queue_next_cpu_p95_ms    the process's CPU time for such a call (what the machine's load does not inflate).
//   review_queue_next_baseline_p95_ms one QueueItem read by primary key just before each call: the floor of any query
//                                   at that moment, to read the figure against on a busy machine.
//   review_queue_next_route_p95_ms  the same through the queue's work route (auth, nextItem, the progress counts
//                                   the reviewer's header shows), which is what the browser waits for.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { percentile, round } from "./stats";

type Figures = Record<string, number | null>;
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const REPLIES = 1_000_000;
const ITEMS = 100_000; // MAX_QUEUE_ITEMS
const REVIEWERS = 4;

// Prisma's text form of a DateTime on SQLite, from milliseconds since the epoch (an SQL expression).
const iso = (ms: string) => `strftime('%Y-%m-%dT%H:%M:%f', (${ms}) / 1000.0, 'unixepoch') || '+00:00'`;

type Prisma = Awaited<ReturnType<typeof import("../app/db.server").db>>;

/**
 * Reply i: session `bs-<i / 20>`, seq i % 20 + 1, agent i / 20 % 10, one a second ending now; every 997th flagged.
 * Inserted in batches of 100,000 rows (one INSERT … SELECT each; Prisma's createMany would take minutes).
 */
export async function seedReplies(prisma: Prisma, now: number) {
  for (let start = 0; start < REPLIES; start += 100_000) {
    await prisma.$executeRawUnsafe(
      `WITH RECURSIVE n(i) AS (SELECT ${start} UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ${start + 100_000})
       INSERT INTO "ReplyIndex" ("sessionId", "seq", "agentId", "termination", "consoleLatencyMs", "length", "byOperator", "at", "flaggedAt")
       SELECT 'bs-' || printf('%05d', i / 20), i % 20 + 1, 'agent-' || (i / 20 % 10), CASE WHEN i % 50 = 0 THEN 'abort' ELSE 'finish' END,
              200 + i % 5000, 40 + i % 900, i % 31 = 0, ${iso(`${now} - (${REPLIES} - i) * 1000`)},
              CASE WHEN i % 997 = 0 THEN ${iso(`${now} - (i % 3600) * 1000`)} ELSE NULL END
       FROM n`,
    );
  }
}

/**
 * The queue as fillQueue builds it from "every reply": the first 100,000 by (sessionId, seq), ranked flagged first
 * then newest. By rank position p: p < 40% complete (two reviews), 40–60% reviewed once (reviewer p % 4), the rest
 * open; reviewer p % 4 and (p + 1) % 4 wrote the complete ones' reviews.
 */
export async function seedQueue(prisma: Prisma, queueId: string, reviewers: string[], now: number) {
  await prisma.$executeRawUnsafe(
    `INSERT INTO "QueueItem" ("queueId", "sessionId", "seq", "rank", "reviewsDone")
     SELECT ?, "sessionId", "seq",
            CASE WHEN "flaggedAt" IS NOT NULL THEN '0' || printf('%013d', 9999999999999 - CAST((julianday("flaggedAt") - 2440587.5) * 86400000 AS INTEGER))
                 ELSE '1' || printf('%013d', 9999999999999 - CAST((julianday("at") - 2440587.5) * 86400000 AS INTEGER)) END, 0
     FROM "ReplyIndex" ORDER BY "sessionId", "seq" LIMIT ${ITEMS}`,
    queueId,
  );
  // Rank positions, then the reviews each position has.
  await prisma.$executeRawUnsafe(
    `CREATE TEMP TABLE pos AS SELECT "sessionId", "seq", ROW_NUMBER() OVER (ORDER BY "rank") - 1 AS p FROM "QueueItem" WHERE "queueId" = ?`,
    queueId,
  );
  const ids = reviewers.map((id, k) => `WHEN ${k} THEN '${id}'`).join(" ");
  const reviewer = (expr: string) => `CASE (${expr}) % ${REVIEWERS} ${ids} END`;
  for (const [which, where] of [
    [`p`, `p < ${ITEMS * 0.6}`],
    [`p + 1`, `p < ${ITEMS * 0.4}`],
  ] as const) {
    await prisma.$executeRawUnsafe(
      `INSERT INTO "QueueReview" ("queueId", "sessionId", "seq", "reviewerId", "reviewId", "at")
       SELECT ?, "sessionId", "seq", ${reviewer(which)}, 'bench-review-' || p || '-' || (${which}) % ${REVIEWERS}, ${iso(String(now))} FROM pos WHERE ${where}`,
      queueId,
    );
  }
  await prisma.$executeRawUnsafe(
    `UPDATE "QueueItem" SET "reviewsDone" = (SELECT COUNT(*) FROM "QueueReview" r WHERE r."queueId" = "QueueItem"."queueId" AND r."sessionId" = "QueueItem"."sessionId" AND r."seq" = "QueueItem"."seq") WHERE "queueId" = ?`,
    queueId,
  );
  await prisma.$executeRawUnsafe(`DROP TABLE pos`);
}

export async function run({ quick }: { quick: boolean }): Promise<Figures> {
  const dir = mkdtempSync(path.join(tmpdir(), "review-queue-bench-"));
  const databaseUrl = `file:${path.join(dir, "console.db")}`;
  execFileSync("npx", ["prisma", "migrate", "deploy"], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: "pipe" });
  Object.assign(process.env, { DATABASE_URL: databaseUrl, GATEWAY_DISABLED: "1" });
  const figures: Figures = {
    review_queue_next_p95_ms: null,
    review_queue_next_cpu_p95_ms: null,
    review_queue_next_baseline_p95_ms: null,
    review_queue_next_route_p95_ms: null,
  };
  try {
    // App modules read the environment on first use: import them only now.
    const { db } = await import("../app/db.server");
    const { lucia } = await import("../app/auth/lucia.server");
    const { createOperator } = await import("../app/operators/operators.server");
    const { getQueue, nextItem } = await import("../app/reviews/queues/queues.server");
    const { action } = await import("../app/routes/reviews.queues.$queueId_.work");
    const prisma = await db();
    const now = Date.now();

    const t0 = performance.now();
    await seedReplies(prisma, now);
    const team = [];
    for (let k = 0; k < REVIEWERS; k++)
      team.push(await createOperator({ email: `bench-r${k}@bench.test`, name: `Reviewer ${k}`, role: "auditor", password: "bench password 123" }, null));
    const holders = [];
    for (let k = 0; k < 10; k++)
      holders.push(await createOperator({ email: `bench-h${k}@bench.test`, name: `Holder ${k}`, role: "auditor", password: "bench password 123" }, null));
    const row = await prisma.reviewQueue.create({ data: { name: "bench queue", filters: "{}", reviewsNeeded: 2, reserveMinutes: 15 } });
    await seedQueue(
      prisma,
      row.id,
      team.map((t) => t.id),
      now,
    );
    // Ten other reviewers hold open items near the top; each of the team wrote a few replies and held a session.
    const open = await prisma.queueItem.findMany({
      where: { queueId: row.id, reviewsDone: 0 },
      orderBy: { rank: "asc" },
      take: 40,
      select: { sessionId: true, seq: true },
    });
    for (const [k, h] of holders.entries()) {
      const item = open[k * 3]!;
      await prisma.queueItem.update({
        where: { queueId_sessionId_seq: { queueId: row.id, ...item } },
        data: { reservedById: h.id, reservedUntil: new Date(now + 3_600_000) },
      });
    }
    for (const [k, member] of team.entries()) {
      const item = open[k * 3 + 1]!;
      const takeover = await prisma.takeover.create({
        data: { sessionId: open[k * 3 + 2]!.sessionId, operatorId: member.id, startedAt: new Date(now - 60_000), releasedAt: new Date(now - 30_000) },
      });
      await prisma.sentMessage.create({
        data: {
          clientMessageId: `bench-sent-${k}`,
          sessionId: item.sessionId,
          seq: item.seq,
          takeoverId: takeover.id,
          operatorId: member.id,
          body: "x",
          status: "sent",
        },
      });
    }
    // No ANALYZE: the Console never runs it, so production plans come from SQLite's defaults, as here.
    process.stderr.write(
      `review-queue: seeded ${REPLIES} replies, a queue of ${await prisma.queueItem.count({ where: { queueId: row.id } })} items and ${await prisma.queueReview.count()} counted reviews in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
    );

    const queue = (await getQueue(row.id))!;
    // What a save does to the counts (submitQueueReview without the review row and FleetLM): counted, released.
    const counted = async (reviewerId: string, { sessionId, seq }: { sessionId: string; seq: number }) => {
      await prisma.queueReview.create({ data: { queueId: queue.id, sessionId, seq, reviewerId, reviewId: `bench-${reviewerId}-${sessionId}-${seq}` } });
      await prisma.queueItem.update({
        where: { queueId_sessionId_seq: { queueId: queue.id, sessionId, seq } },
        data: { reviewsDone: { increment: 1 }, reservedById: null, reservedUntil: null },
      });
    };

    const rounds = quick ? 60 : 250;
    const direct: number[] = [];
    const cpu: number[] = [];
    const baseline: number[] = [];
    const anyItem = { queueId: queue.id, sessionId: open[0]!.sessionId, seq: open[0]!.seq };
    const WARM = 25; // Prisma's statements and V8's JIT settle over the first calls
    for (let r = 0; r < rounds + WARM; r++) {
      const me = team[r % REVIEWERS]!;
      // The floor of any query on this machine right now: one row by primary key, just before each call.
      let started = performance.now();
      await prisma.queueItem.findUnique({ where: { queueId_sessionId_seq: anyItem } });
      if (r >= WARM) baseline.push(performance.now() - started);
      const cpuBefore = process.cpuUsage();
      started = performance.now();
      const item = await nextItem(queue, me);
      const ms = performance.now() - started;
      const used = process.cpuUsage(cpuBefore);
      if (r >= WARM) {
        direct.push(ms);
        cpu.push((used.user + used.system) / 1000);
      }
      if (item) await counted(me.id, item);
    }

    const cookies = [];
    for (const member of team) cookies.push(`${lucia().sessionCookieName}=${(await lucia().createSession(member.id, { createdAt: new Date() })).id}`);
    const viaRoute: number[] = [];
    for (let r = 0; r < (quick ? 30 : rounds) + 8; r++) {
      const k = r % REVIEWERS;
      const request = new Request(`http://bench.test/reviews/queues/${queue.id}/work`, {
        method: "POST",
        headers: { cookie: cookies[k]!, host: "bench.test", origin: "http://bench.test", "content-type": "application/x-www-form-urlencoded" },
        body: "intent=next",
      });
      const started = performance.now();
      const response = (await action({ request, params: { queueId: queue.id }, context: {} })) as Response;
      const body = (await response.json()) as { item: { sessionId: string; seq: number } | null };
      const ms = performance.now() - started;
      if (r >= 8) viaRoute.push(ms);
      if (body.item) await counted(team[k]!.id, body.item);
    }
    process.stderr.write(
      `review-queue: nextItem p50 ${round(percentile(direct, 50), 1)} ms, p95 ${round(percentile(direct, 95), 1)} ms, max ${round(Math.max(...direct), 1)} ms over ${direct.length} (CPU p50 ${round(percentile(cpu, 50), 1)} ms); ` +
        `primary-key read p50 ${round(percentile(baseline, 50), 2)} ms, p95 ${round(percentile(baseline, 95), 2)} ms; route p50 ${round(percentile(viaRoute, 50), 1)} ms, p95 ${round(percentile(viaRoute, 95), 1)} ms\n`,
    );
    figures.review_queue_next_p95_ms = round(percentile(direct, 95), 1);
    figures.review_queue_next_cpu_p95_ms = round(percentile(cpu, 95), 1);
    figures.review_queue_next_baseline_p95_ms = round(percentile(baseline, 95), 2);
    figures.review_queue_next_route_p95_ms = round(percentile(viaRoute, 95), 1);
    await prisma.$disconnect();
  } catch (error) {
    process.stderr.write(`review-queue: ${error instanceof Error ? error.stack : String(error)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
