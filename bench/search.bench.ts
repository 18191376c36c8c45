// Full-text search at scale, in this process:
//   search_1m_p95_ms           the inbox route's loader with `q` (words from message bodies, through SQLite FTS5)
//                              over 100,000 indexed sessions and 1,000,000 indexed messages: rare and common words,
//                              two words, prefixes, a user-id substring; p95 over every query and round
//   search_1m_baseline_p95_ms  the same loader on the same file without `q` (the ratio is the search's cost)
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { seedIndex } from "./inbox.bench";
import { percentile, round } from "./stats";

type Figures = Record<string, number | null>;
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const SESSIONS = 100_000;
const MESSAGES = 1_000_000;
const WORDS = [
  "refund",
  "password",
  "invoice",
  "shipping",
  "delivery",
  "account",
  "billing",
  "cancel",
  "upgrade",
  "discount",
  "warranty",
  "broken",
  "login",
  "address",
  "payment",
  "subscription",
  "receipt",
  "tracking",
  "coupon",
  "email",
];

/** The searches timed: rare and wide words, two words, a prefix, a user id, a filter, nothing. */
export const SEARCHES = [
  "?q=zq12345",
  "?q=refund",
  "?q=warranty%20broken",
  "?q=subscr",
  "?q=order%20500009",
  "?q=user-1234",
  "?q=zq99&status=active",
  "?q=nothingmatchesthis",
];

/** Ten messages per session, as the index sync writes them (the FTS triggers index each body). */
export async function seedMessages(prisma: Awaited<ReturnType<typeof import("../app/db.server").db>>, total: number) {
  const word = (expr: string) => `CASE (${expr}) % ${WORDS.length} ${WORDS.map((w, i) => `WHEN ${i} THEN '${w}'`).join(" ")} END`;
  const iso = `strftime('%Y-%m-%dT%H:%M:%f', 'now') || '+00:00'`;
  const batch = 100_000; // one statement per slice keeps the FTS merge work and the journal bounded
  for (let start = 0; start < total; start += batch) {
    await prisma.$executeRawUnsafe(
      `WITH RECURSIVE n(i) AS (SELECT ${start} UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ${start + batch})
       INSERT INTO "IndexedMessage" ("sessionId", "seq", "role", "body", "at")
       SELECT 'bench-' || printf('%06d', i / 10), 1 + i % 10, CASE i % 2 WHEN 0 THEN 'user' ELSE 'agent' END,
              'Hello, I have a question about my ' || ${word("i * 7")} || ' and the ' || ${word("i * 13 + 3")} ||
              ' for order ' || (i * 7919 % 1000003) || '. Ticket zq' || (i % 250000) || ' please.', ${iso}
       FROM n`,
    );
  }
}

export async function run({ quick }: { quick: boolean }): Promise<Figures> {
  const figures: Figures = { search_1m_p95_ms: null, search_1m_baseline_p95_ms: null };
  const dir = mkdtempSync(path.join(tmpdir(), "search-bench-"));
  try {
    const databaseUrl = `file:${path.join(dir, "console.db")}`;
    execFileSync("npx", ["prisma", "migrate", "deploy"], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: "pipe" });
    Object.assign(process.env, { DATABASE_URL: databaseUrl, GATEWAY_DISABLED: "1" });
    const { db } = await import("../app/db.server");
    const { lucia } = await import("../app/auth/lucia.server");
    const { createOperator } = await import("../app/operators/operators.server");
    const { loader } = await import("../app/routes/inbox");
    const prisma = await db();
    const me = await createOperator({ email: "bench-search@bench.test", name: "Bench", role: "operator", password: "bench password 123" }, null);
    const other = await createOperator({ email: "bench-search2@bench.test", name: "Other", role: "operator", password: "bench password 123" }, null);
    const cookie = `${lucia().sessionCookieName}=${(await lucia().createSession(me.id, { createdAt: new Date() })).id}`;
    const t0 = performance.now();
    await seedIndex(prisma, { total: SESSIONS, me: me.id, other: other.id });
    await seedMessages(prisma, quick ? MESSAGES / 10 : MESSAGES);
    await prisma.$queryRawUnsafe("ANALYZE");
    process.stderr.write(
      `search bench: seeded ${SESSIONS} sessions, ${quick ? MESSAGES / 10 : MESSAGES} messages in ${round((performance.now() - t0) / 1000, 1)} s\n`,
    );

    const searches = SEARCHES;
    const plain = ["", "?status=active", "?sort=user.asc"];
    const time = async (query: string) => {
      const request = new Request(`http://bench.test/inbox${query}`, { headers: { cookie, host: "bench.test" } });
      const started = performance.now();
      await loader({ request, params: {}, context: {} });
      return performance.now() - started;
    };
    for (const q of [...searches, ...plain]) await time(q); // warm
    const rounds = quick ? 5 : 20;
    const samples: number[] = [];
    const baseline: number[] = [];
    const perQuery: Record<string, number[]> = {};
    for (let r = 0; r < rounds; r++) {
      for (const q of searches) {
        const ms = await time(q);
        samples.push(ms);
        (perQuery[q] ??= []).push(ms);
      }
      for (const q of plain) baseline.push(await time(q));
    }
    process.stderr.write(
      `search p95 per query (ms): ${Object.entries(perQuery)
        .map(([q, v]) => `${q}=${round(percentile(v, 95), 1)}`)
        .join(" ")}\n`,
    );
    figures.search_1m_p95_ms = round(percentile(samples, 95), 1);
    figures.search_1m_baseline_p95_ms = round(percentile(baseline, 95), 1);
  } catch (error) {
    process.stderr.write(`search bench: ${error instanceof Error ? error.stack : String(error)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run({ quick: process.argv.includes("--quick") })));
  process.exit(0);
}
