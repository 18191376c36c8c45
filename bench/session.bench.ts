// Session view figures: the Console loader's cost over the FleetLM read it wraps, and opening a
// 100,000-message session at the tail (server time and FleetLM round trips, head known from the index).
// The chunk relay figure (Chromium) comes from bench/inbox-freshness.bench.ts.
// The loader runs in-process against a dev server seeded through its store (the dev server's seeding path).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { FleetLMRest } from "@fleetlm/client";
import { startFleetlmDev } from "../packages/fleetlm-dev/src/index.js";
import { seedMessages } from "./session-seed";
import { benchOperator } from "./support/bench-operator";
import { median, round } from "./stats";

type Figures = Record<string, number | null>;
// Pages read before the measured ones, in each storage mode: enough for V8 to optimise the loader's own code (the
// REST read shares the SDK's with it), so the figure is a running server's and not a cold start's.
const WARM_UP = 50;

export async function run({ quick }: { quick: boolean }): Promise<Figures> {
  const dir = mkdtempSync(path.join(tmpdir(), "session-bench-"));
  const databaseUrl = `file:${path.join(dir, "console.db")}`;
  execFileSync("npx", ["prisma", "migrate", "deploy"], { env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: "pipe" });
  const server = await startFleetlmDev({ port: 0, host: "127.0.0.1" });
  // The same figures against FleetLM's real storage (protocol §13): the newest 3 messages of each session stay
  // unflushed, so every page that is not the tail is holed and the loader re-reads what the page skipped.
  const real = await startFleetlmDev({ port: 0, host: "127.0.0.1", storage: { mode: "real", unflushedNewest: 3, rings: 0 } });
  Object.assign(process.env, { DATABASE_URL: databaseUrl, FLEETLM_URL: server.url, GATEWAY_DISABLED: "1" });

  try {
    // App modules read the environment on first use: import them only now.
    const { db } = await import("../app/db.server");
    const { fleetlm, resetFleetlm } = await import("../app/fleetlm/fleetlm.server");
    const { resetEnvCache } = await import("../app/env.server");
    const { loader } = await import("../app/routes/sessions.$id");

    const { cookie } = await benchOperator();
    const open = async (sessionId: string, query = "") => {
      const request = new Request(`http://console.bench/sessions/${sessionId}${query}`, { headers: { cookie, host: "console.bench" } });
      const result = (await loader({ request, params: { id: sessionId }, context: {} })) as { history?: { messages: unknown[] } | null };
      if (!result.history || result.history.messages.length === 0) throw new Error(`loader returned no messages for ${query}`);
      return result;
    };

    const measure = async (target: typeof server, label: string) => {
      process.env.FLEETLM_URL = target.url;
      resetEnvCache();
      resetFleetlm();
      const rest = new FleetLMRest({ baseUrl: target.url, timeoutMs: 10_000 });
      const seeded = async (count: number) => {
        const session = await rest.createSession({ userId: "bench-user", agentId: "bench-agent" });
        target.store.seed([], seedMessages(session.id, count));
        // Through the append path, so real storage holds them unflushed (the default stores them at once).
        for (let i = 0; i < 3; i++) await rest.appendMessage(session.id, { userId: "bench-user", content: { text: `newest ${i}` } });
        return { id: session.id, head: count + 3 };
      };

      // history_page_ratio: a 100-message page through the loader vs the same FleetLM read, interleaved.
      const pageSession = await seeded(10_000);
      // Indexed, as every session the gateway has seen is: the loader knows the head, so it asks FleetLM for the
      // page and nothing beyond it (an unindexed session costs one seq more, to learn whether a newer page exists).
      await (
        await db()
      ).sessionIndex.create({
        data: { id: pageSession.id, userId: "bench-user", agentId: "bench-agent", status: "active", createdAt: new Date(), headSeq: pageSession.head },
      });
      const rounds = quick ? 100 : 300;
      // CPU time beside wall time: the dev server runs in this process, so a call's CPU time is all the work it
      // costs, and a busy machine (which stretches wall time) barely changes it.
      const loaderMs: number[] = [];
      const restMs: number[] = [];
      const loaderCpu: number[] = [];
      const restCpu: number[] = [];
      const cpuMs = (since: NodeJS.CpuUsage) => {
        const used = process.cpuUsage(since);
        return (used.user + used.system) / 1000;
      };
      for (let i = 0; i < rounds + WARM_UP; i++) {
        const afterSeq = Math.floor(Math.random() * 9_800);
        let cpu = process.cpuUsage();
        let t = performance.now();
        await rest.listMessages(pageSession.id, { afterSeq, limit: 100 });
        const restTime = performance.now() - t;
        const restUsed = cpuMs(cpu);
        cpu = process.cpuUsage();
        t = performance.now();
        await open(pageSession.id, `?after=${afterSeq}&part=messages`);
        const loaderTime = performance.now() - t;
        const loaderUsed = cpuMs(cpu);
        if (i >= WARM_UP) {
          restMs.push(restTime);
          loaderMs.push(loaderTime);
          restCpu.push(restUsed);
          loaderCpu.push(loaderUsed);
        }
      }
      const ratio = median(loaderMs)! / median(restMs)!;
      const cpuRatio = median(loaderCpu)! / median(restCpu)!;
      // Where the difference goes: the guard (session cookie → operator) alone.
      const { requireOperator } = await import("../app/auth/guards.server");
      const guardMs: number[] = [];
      for (let i = 0; i < 30; i++) {
        const t = performance.now();
        await requireOperator(new Request(`http://console.bench/sessions/x`, { headers: { cookie, host: "console.bench" } }));
        guardMs.push(performance.now() - t);
      }

      // tail_open_100k: head known from the index.
      const bigSession = await seeded(100_000);
      await (
        await db()
      ).sessionIndex.create({
        data: { id: bigSession.id, userId: "bench-user", agentId: "bench-agent", status: "active", createdAt: new Date(), headSeq: bigSession.head },
      });
      const tailMs: number[] = [];
      let roundTrips = 0;
      for (let i = 0; i < (quick ? 15 : 60) + 3; i++) {
        const before = fleetlm().requestCount;
        const t = performance.now();
        await open(bigSession.id);
        const elapsed = performance.now() - t;
        roundTrips = fleetlm().requestCount - before;
        if (i >= 3) tailMs.push(elapsed);
      }
      process.stderr.write(
        `session bench${label}: page loader median ${median(loaderMs)?.toFixed(2)} ms vs REST ${median(restMs)?.toFixed(2)} ms (CPU ${median(loaderCpu)?.toFixed(2)} vs ${median(restCpu)?.toFixed(2)} ms; guard alone ${median(guardMs)?.toFixed(2)} ms); tail 100k median ${median(tailMs)?.toFixed(2)} ms, ${roundTrips} round trips\n`,
      );
      return { ratio: round(ratio), cpuRatio: round(cpuRatio), tail: round(median(tailMs)), roundTrips };
    };

    const plain = await measure(server, "");
    const holed = await measure(real, " (real storage)");
    await (await db()).$disconnect();
    return {
      history_page_ratio: plain.ratio,
      history_page_cpu_ratio: plain.cpuRatio,
      tail_open_100k_ms: plain.tail,
      tail_open_100k_round_trips: plain.roundTrips,
      history_page_ratio_real: holed.ratio,
      history_page_cpu_ratio_real: holed.cpuRatio,
      tail_open_100k_ms_real: holed.tail,
      tail_open_100k_round_trips_real: holed.roundTrips,
      // chunk_relay_added_p95_ms is measured in Chromium by bench/inbox-freshness.bench.ts (left out here so it is not overwritten).
    };
  } finally {
    await server.close();
    await real.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
