// The reply backfill after a restart (ADR 225), in this process against a dev server seeded through its store:
// indexed sessions that each end in a user message after their last reply (what a support inbox mostly holds).
//   reply_backfill_first_pass_reads  FleetLM message reads of the first pass over the index (nothing checked yet):
//                                    the baseline, and what every restart read before ADR 225
//   reply_backfill_restart_reads     the same pass again after a restart (the progress in memory forgotten)
//   reply_backfill_first_pass_s, reply_backfill_restart_pass_s  their wall times
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { startFleetlmDev } from "../packages/fleetlm-dev/src/index.js";
import { seedMessages } from "./session-seed";
import { round } from "./stats";

type Figures = Record<string, number | null>;
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
// Odd: user, reply, user, reply, user. The head (5) is past the last reply (4).
const MESSAGES = 5;

export async function run({ quick }: { quick: boolean }): Promise<Figures> {
  const figures: Figures = {
    reply_backfill_first_pass_reads: null,
    reply_backfill_restart_reads: null,
    reply_backfill_first_pass_s: null,
    reply_backfill_restart_pass_s: null,
  };
  const dir = mkdtempSync(path.join(tmpdir(), "reply-backfill-bench-"));
  const server = await startFleetlmDev({ port: 0, host: "127.0.0.1" });
  try {
    const databaseUrl = `file:${path.join(dir, "console.db")}`;
    execFileSync("npx", ["prisma", "migrate", "deploy"], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: "pipe" });
    Object.assign(process.env, { DATABASE_URL: databaseUrl, FLEETLM_URL: server.url, GATEWAY_DISABLED: "1" });
    const { db } = await import("../app/db.server");
    const { backfillPending, resetBackfillState } = await import("../app/reviews/backfill.server");
    const prisma = await db();

    const total = quick ? 2_000 : 20_000;
    const ids = Array.from({ length: total }, (_, i) => `rb-${String(i).padStart(6, "0")}`);
    const now = Date.now() * 1000;
    server.store.seed(
      ids.map((id) => ({ id, user_id: "bench-user", agent_id: "bench-agent", status: "active", metadata: {}, inserted_at: now, updated_at: now })),
      ids.flatMap((id) => seedMessages(id, MESSAGES).map((m) => ({ ...m, id: `${id}-${m.seq}` }))),
    );
    for (let i = 0; i < total; i += 1_000) {
      await prisma.sessionIndex.createMany({
        data: ids
          .slice(i, i + 1_000)
          .map((id) => ({ id, userId: "bench-user", agentId: "bench-agent", status: "active", createdAt: new Date(), headSeq: MESSAGES })),
      });
    }

    const reads = () => server.load().httpByRoute["GET /api/sessions/:id/messages"] ?? 0;
    const pass = async () => {
      const before = reads();
      const started = performance.now();
      const result = await backfillPending();
      if (result.failed > 0) throw new Error(`a pass failed on ${result.failed} sessions`);
      return { reads: reads() - before, seconds: round((performance.now() - started) / 1000, 2), added: result.added };
    };
    resetBackfillState();
    const first = await pass();
    resetBackfillState(); // a restart: only what was written survives
    const again = await pass();
    process.stderr.write(
      `reply backfill over ${total} sessions: first pass ${first.reads} reads, ${first.added} replies, ${first.seconds} s; ` +
        `after a restart ${again.reads} reads, ${again.seconds} s\n`,
    );
    Object.assign(figures, {
      reply_backfill_first_pass_reads: first.reads,
      reply_backfill_restart_reads: again.reads,
      reply_backfill_first_pass_s: first.seconds,
      reply_backfill_restart_pass_s: again.seconds,
    });
    await prisma.$disconnect();
  } catch (error) {
    process.stderr.write(`reply backfill bench: ${error instanceof Error ? error.stack : String(error)}\n`);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
