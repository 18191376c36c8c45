// CSV export memory: streams 100,000 review rows from a temp SQLite database through the real export route
// and samples the process's memory while it does. The figure is the peak growth over the process before the
// export started (RSS), which is what "bounded memory" has to keep small; baseline and absolute peak go along.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { benchOperator } from "./support/bench-operator";

// A full GC on demand (run-one.ts starts node without --expose-gc): measures live memory, not garbage.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

type Figures = Record<string, number | null>;
const MB = 1024 * 1024;
const ROWS = 100_000;

// `quick` changes nothing: the figure is named for 100,000 rows, and seeding them takes about a second.
export async function run(_options: { quick: boolean }): Promise<Figures> {
  const dir = mkdtempSync(path.join(tmpdir(), "export-bench-"));
  const databaseUrl = `file:${path.join(dir, "console.db")}`;
  execFileSync("npx", ["prisma", "migrate", "deploy"], { env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: "pipe" });
  Object.assign(process.env, { DATABASE_URL: databaseUrl, GATEWAY_DISABLED: "1" });

  // App modules read the environment on first use: import them only now.
  const { db } = await import("../app/db.server");
  const { loader } = await import("../app/routes/reviews.export");
  const { seedReviewsBulk } = await import("../tests/reviews/seed-reviews");

  const prisma = await db();
  const { id: reviewerId, cookie } = await benchOperator("auditor");
  await seedReviewsBulk(prisma, { prefix: "bench", count: ROWS, sessionId: "bench-session", agentId: "bench-agent", reviewerId }, false);
  await seedReviewsBulk(prisma, { prefix: "warm", count: 1_000, sessionId: "warm-session", agentId: "warm-agent", reviewerId }, false);
  const exportOnce = async (onChunk: (bytes: number) => void, agent = "bench-agent") => {
    const request = new Request(`http://console.bench/reviews/export?agent=${agent}`, { headers: { cookie, host: "console.bench" } });
    const response = (await loader({ request, params: {}, context: {} })) as Response;
    const reader = response.body!.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      onChunk(value.byteLength);
    }
  };

  // Warm-up on 1,000 other rows (module loading, Prisma's first queries), so the baseline is a running server.
  await exportOnce(() => {}, "warm-agent");
  gc();
  await new Promise((r) => setTimeout(r, 200));
  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakHeap = baseline.heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const timer = setInterval(sample, 5);
  let bytes = 0;
  let chunks = 0;
  const started = performance.now();
  await exportOnce((n) => {
    bytes += n;
    if (++chunks % 16 === 0) sample();
  });
  const elapsed = performance.now() - started;

  // Live (post-GC) heap while streaming: a second export, collecting every ~2 MB of output. This is what grows
  // if rows were accumulated; the peak figures above also include garbage not yet collected.
  gc();
  const liveBaseline = process.memoryUsage().heapUsed;
  let livePeak = liveBaseline;
  let sinceGc = 0;
  await exportOnce((n) => {
    sinceGc += n;
    if (sinceGc < 2 * MB) return;
    sinceGc = 0;
    gc();
    livePeak = Math.max(livePeak, process.memoryUsage().heapUsed);
  });
  clearInterval(timer);
  sample();
  await prisma.$disconnect();

  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    csv_export_100k_peak_mb: round((peakRss - baseline.rss) / MB),
    csv_export_100k_peak_heap_mb: round((peakHeap - baseline.heapUsed) / MB),
    csv_export_100k_live_heap_mb: round((livePeak - liveBaseline) / MB),
    csv_export_baseline_rss_mb: round(baseline.rss / MB),
    csv_export_100k_peak_rss_mb: round(peakRss / MB),
    csv_export_100k_file_mb: round(bytes / MB),
    csv_export_100k_s: round(elapsed / 1000),
  };
}
