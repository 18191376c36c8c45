// inbox_loader_1m_p95_ms: the inbox route's loader (auth, parse, one query + count, labels, facets) over
// 1,000,000 indexed sessions on SQLite, the same rotating sorts and filters as inbox_loader_100k_p95_ms
// (bench/inbox.bench.ts), with inbox_loader_1m_baseline_p95_ms, a bare SELECT COUNT(*) on the same file.
// Seeding a million index rows takes minutes on this machine, so the quick run reports null.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loaderFigures } from "./inbox.bench";

export async function run({ quick }: { quick: boolean }): Promise<Record<string, number | null>> {
  if (quick) return { inbox_loader_1m_p95_ms: null, inbox_loader_1m_baseline_p95_ms: null };
  const dir = mkdtempSync(path.join(tmpdir(), "inbox-1m-bench-"));
  try {
    const databaseUrl = `file:${path.join(dir, "console.db")}`;
    execFileSync("npx", ["prisma", "migrate", "deploy"], { env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: "pipe" });
    Object.assign(process.env, { DATABASE_URL: databaseUrl, GATEWAY_DISABLED: "1" });
    const { p95, baseline } = await loaderFigures(false, 1_000_000);
    return { inbox_loader_1m_p95_ms: p95, inbox_loader_1m_baseline_p95_ms: baseline };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
