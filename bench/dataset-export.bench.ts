// Dataset export memory: streams a 100,000-item dataset (every 10th item's reply adjudicated, so the final-value
// lookup runs on every batch) from a temp SQLite file through the real export route, as JSONL and as CSV, and
// samples the process's memory while it does. The figure is the peak RSS growth over the process before the
// export (as csv_export_100k_peak_mb); the live heap after forced collections says what stays.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
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
type Prisma = Awaited<ReturnType<typeof import("../app/db.server").db>>;
const MB = 1024 * 1024;
const ITEMS = 100_000;
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");

/** Item i: a three-message conversation (~450 bytes), the reply, a correction on every 4th, two scores. */
export async function seedItems(prisma: Prisma, datasetId: string, prefix: string, count: number, addedById: string) {
  const at = new Date().toISOString().replace("Z", "+00:00");
  await prisma.$executeRawUnsafe(
    `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
     INSERT INTO "DatasetItem" ("id", "datasetId", "sessionId", "seq", "messages", "reply", "corrected", "rating", "scores", "addedById", "addedAt")
     SELECT ? || '-' || printf('%06d', i), ?, ? || '-s' || (i / 50), i % 50 + 2,
            json_array(json_object('role', 'user', 'content', 'My order ' || i || ' has not arrived and the tracking page shows nothing since Monday.'),
                       json_object('role', 'assistant', 'content', 'Sorry about that! Could you tell me the e-mail address the order was placed with, so I can look it up?'),
                       json_object('role', 'user', 'content', 'It is customer' || i || '@example.com, and I paid with a card ending in 4242.')),
            'Thanks! Order ' || i || ' left our warehouse on Tuesday; the carrier lost the scan. A replacement ships today.',
            CASE WHEN i % 4 = 0 THEN 'Order ' || i || ' is delayed at the carrier; I have opened a claim and will e-mail you by Friday.' ELSE NULL END,
            CASE WHEN i % 3 = 0 THEN 'bad' ELSE 'good' END,
            json_object('reviewer', 'Bench', 'labels', json_array('tone'), 'values', json_object('helpful', json_object('value', CAST(1 + i % 5 AS TEXT), 'version', 1), 'tone', json_object('value', 'polite', 'version', 2))),
            ?, ?
     FROM n`,
    count,
    prefix,
    datasetId,
    prefix,
    addedById,
    at,
  );
  // Every 10th reply settled by an admin (rating and tone), so every export batch reads final values.
  await prisma.$executeRawUnsafe(
    `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 10 FROM n WHERE i + 10 < ?), k(key, value) AS (SELECT 'rating', 'bad' UNION ALL SELECT 'tone', 'curt')
     INSERT INTO "Adjudication" ("queueId", "sessionId", "seq", "key", "value", "adminId", "note", "at")
     SELECT 'bench-queue', ? || '-s' || (i / 50), i % 50 + 2, k.key, k.value, ?, '', ? FROM n, k`,
    count,
    prefix,
    addedById,
    at,
  );
}

// `quick` leaves out the CSV pass (its figures stay null): the key is named for 100,000 items either way.
export async function run({ quick }: { quick: boolean }): Promise<Figures> {
  const dir = mkdtempSync(path.join(tmpdir(), "dataset-export-bench-"));
  const databaseUrl = `file:${path.join(dir, "console.db")}`;
  execFileSync("npx", ["prisma", "migrate", "deploy"], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: "pipe" });
  Object.assign(process.env, { DATABASE_URL: databaseUrl, GATEWAY_DISABLED: "1" });
  const figures: Figures = { dataset_export_100k_peak_mb: null };
  try {
    // App modules read the environment on first use: import them only now.
    const { db } = await import("../app/db.server");
    const { loader } = await import("../app/routes/reviews.datasets_.$datasetId.export");
    const prisma = await db();
    const operator = await benchOperator("auditor");
    const big = await prisma.dataset.create({ data: { name: "bench", createdById: operator.id } });
    const warm = await prisma.dataset.create({ data: { name: "warm", createdById: operator.id } });
    await seedItems(prisma, big.id, "bench", ITEMS, operator.id);
    await seedItems(prisma, warm.id, "warm", 1_000, operator.id);
    const { cookie } = operator;
    const exportOnce = async (datasetId: string, format: string, onChunk: (bytes: number) => void) => {
      const request = new Request(`http://console.bench/reviews/datasets/${datasetId}/export?format=${format}`, { headers: { cookie, host: "console.bench" } });
      const response = (await loader({ request, params: { datasetId }, context: {} })) as Response;
      const reader = response.body!.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        onChunk(value.byteLength);
      }
    };

    const measure = async (format: "jsonl" | "csv") => {
      // Warm-up on 1,000 other items (module loading, Prisma's first queries), so the baseline is a running server.
      await exportOnce(warm.id, format, () => {});
      gc();
      await new Promise((r) => setTimeout(r, 200));
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      const sample = () => {
        peak = Math.max(peak, process.memoryUsage().rss);
      };
      const timer = setInterval(sample, 5);
      let bytes = 0;
      let chunks = 0;
      const started = performance.now();
      await exportOnce(big.id, format, (n) => {
        bytes += n;
        if (++chunks % 16 === 0) sample();
      });
      const seconds = (performance.now() - started) / 1000;
      clearInterval(timer);
      sample();
      // Live heap while streaming: again, collecting every ~2 MB of output.
      gc();
      const liveBaseline = process.memoryUsage().heapUsed;
      let livePeak = liveBaseline;
      let sinceGc = 0;
      await exportOnce(big.id, format, (n) => {
        sinceGc += n;
        if (sinceGc < 2 * MB) return;
        sinceGc = 0;
        gc();
        livePeak = Math.max(livePeak, process.memoryUsage().heapUsed);
      });
      return { peak: (peak - baseline) / MB, baseline: baseline / MB, live: (livePeak - liveBaseline) / MB, file: bytes / MB, seconds };
    };
    const r = (v: number) => Math.round(v * 10) / 10;
    const jsonl = await measure("jsonl");
    const csv = quick ? null : await measure("csv");
    Object.assign(figures, {
      dataset_export_100k_peak_mb: r(jsonl.peak),
      dataset_export_100k_live_heap_mb: r(jsonl.live),
      dataset_export_baseline_rss_mb: r(jsonl.baseline),
      dataset_export_100k_file_mb: r(jsonl.file),
      dataset_export_100k_s: r(jsonl.seconds),
      dataset_export_100k_csv_peak_mb: csv && r(csv.peak),
      dataset_export_100k_csv_live_heap_mb: csv && r(csv.live),
      dataset_export_100k_csv_file_mb: csv && r(csv.file),
      dataset_export_100k_csv_s: csv && r(csv.seconds),
    });
    await prisma.$disconnect();
  } catch (error) {
    process.stderr.write(`dataset-export: ${error instanceof Error ? error.stack : String(error)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
