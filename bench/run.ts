// `npm run bench [-- --quick]`: runs every bench/*.bench.ts in its own process (so one's memory and CPU figures do
// not leak into another's) and prints one JSON object of figures on its last line. A figure that could not be
// measured is null, never a guess.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";

export const KEYS = [
  "devserver_appends_per_s",
  "devserver_delivery_p95_ms",
  "history_page_ratio",
  "history_page_cpu_ratio",
  "tail_open_100k_ms",
  "tail_open_100k_round_trips",
  "history_page_ratio_real",
  "history_page_cpu_ratio_real",
  "tail_open_100k_ms_real",
  "tail_open_100k_round_trips_real",
  "inbox_freshness_p50_ms",
  "inbox_freshness_p95_ms",
  "inbox_freshness_watched_p95_ms",
  "chunk_relay_added_p95_ms",
  "chunk_relay_console_p95_ms",
  "inbox_loader_100k_p95_ms",
  "inbox_loader_1m_p95_ms",
  "inbox_loader_1m_baseline_p95_ms",
  "fanout_rss_mb",
  "fanout_cpu_percent",
  "fanout_events_lost",
  "inbox_js_gzip_kb",
  "csv_export_100k_peak_mb",
  "dataset_export_100k_peak_mb",
  "review_queue_next_p95_ms",
  "hostile_message_login_p95_ms",
  "hostile_message_login_p95_ratio",
  "search_1m_p95_ms",
  "search_1m_baseline_p95_ms",
  "cluster_events_lost",
  "cluster_failover_s",
  "cluster_freshness_p95_ms",
  "handoff_detect_p95_ms",
  "handoff_detect_baseline_p95_ms",
  "gateway_10k_cpu_percent",
  "gateway_10k_rss_mb",
  "gateway_10k_fleetlm_rps",
  "freshness_10k_p95_ms",
  "gateway_10k_lost",
  "freshness_10k_gated_p95_ms",
  "gateway_boot_reconcile_s",
  "gateway_800mps_freshness_p95_ms",
  "gateway_800mps_lost",
  "gateway_frame_cpu_us_one_socket",
  "gateway_frame_cpu_us_pooled",
  "gateway_rejoin_cpu_us_one_socket",
  "gateway_rejoin_cpu_us_pooled",
  "index_write_cpu_us_per_session",
  "index_write_baseline_cpu_us_per_session",
  "index_write_cpu_ratio",
  "reply_backfill_first_pass_reads",
  "reply_backfill_restart_reads",
  "reply_backfill_first_pass_s",
  "reply_backfill_restart_pass_s",
] as const;

const quick = process.argv.includes("--quick");
const only = process.argv.find((arg) => arg.startsWith("--only="))?.slice("--only=".length);
const dir = path.dirname(new URL(import.meta.url).pathname);
const files = readdirSync(dir)
  .filter((file) => file.endsWith(".bench.ts"))
  .filter((file) => !only || file.includes(only))
  .sort();

const figures: Record<string, number | null> = Object.fromEntries(KEYS.map((key) => [key, null]));
const failures: string[] = [];

for (const file of files) {
  const started = Date.now();
  process.stderr.write(`bench: ${file}${quick ? " (quick)" : ""}\n`);
  const child = spawnSync(process.execPath, ["--import", "tsx", path.join(dir, "run-one.ts"), path.join(dir, file), quick ? "quick" : "full"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    // Quick: the gateway bench takes about 2.5 minutes on this machine, with its gated phase.
    timeout: (quick ? 5 : 15) * 60_000,
    env: { ...process.env, GATEWAY_DISABLED: "1", NODE_ENV: "production", SESSION_SECRET: "bench-secret-bench-secret-bench-secret-00" },
  });
  const last = child.stdout?.trim().split("\n").pop() ?? "";
  try {
    const result = JSON.parse(last) as Record<string, number | null>;
    Object.assign(figures, result);
    process.stderr.write(`bench: ${file} done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${last}\n`);
  } catch {
    failures.push(file);
    process.stderr.write(`bench: ${file} failed (exit ${child.status ?? child.signal}); its figures stay null\n`);
  }
}

if (failures.length) figures.bench_failures = failures.length;
console.log(JSON.stringify(figures));
