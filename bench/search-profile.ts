// Where a search's time goes (ADR 200): the search bench's data (100,000 sessions, 1,000,000 messages) seeded once
// into a kept file, then for each of the bench's queries the loader, and every SQL statement the inbox query runs
// with its time through Prisma, its time straight on better-sqlite3 and its EXPLAIN QUERY PLAN.
//   npx tsx bench/search-profile.ts [--quick] [--db /tmp/search-profile.db] [--plans] [q ...]
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { seedIndex } from "./inbox.bench";
import { SEARCHES, seedMessages } from "./search.bench";
import { percentile, round } from "./stats";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const showPlans = args.includes("--plans");
const dbAt = args.indexOf("--db");
const file = dbAt >= 0 ? args[dbAt + 1] : path.join("/tmp", `search-profile${quick ? "-quick" : ""}.db`);
const queries = args.filter((a, i) => !a.startsWith("--") && (dbAt < 0 || i !== dbAt + 1));
const fresh = !existsSync(file);
const databaseUrl = `file:${file}`;
if (fresh) execFileSync("npx", ["prisma", "migrate", "deploy"], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: "pipe" });
Object.assign(process.env, { DATABASE_URL: databaseUrl, GATEWAY_DISABLED: "1" });

const { db } = await import("../app/db.server");
const { lucia } = await import("../app/auth/lucia.server");
const { createOperator } = await import("../app/operators/operators.server");
const { loader } = await import("../app/routes/inbox");
const { Prisma } = await import("../app/generated/prisma/client");
const Database = (await import("better-sqlite3")).default;
const prisma = await db();
const email = "bench-search@bench.test";
const me =
  (await prisma.operator.findUnique({ where: { email } })) ??
  (await createOperator({ email, name: "Bench", role: "operator", password: "bench password 123" }, null));
if (fresh) {
  const other = await createOperator({ email: "bench-search2@bench.test", name: "Other", role: "operator", password: "bench password 123" }, null);
  const t0 = performance.now();
  await seedIndex(prisma, { total: 100_000, me: me.id, other: other.id });
  await seedMessages(prisma, quick ? 100_000 : 1_000_000);
  await prisma.$queryRawUnsafe("ANALYZE");
  process.stderr.write(`seeded in ${round((performance.now() - t0) / 1000, 1)} s\n`);
}
const cookie = `${lucia().sessionCookieName}=${(await lucia().createSession(me.id, { createdAt: new Date() })).id}`;
const raw = new Database(file, { readonly: true });

// Every raw statement Prisma runs, with its time, while `recording` is set.
type Ran = { sql: string; values: unknown[]; ms: number };
let recording: Ran[] | null = null;
const client = prisma as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
for (const method of ["$queryRaw", "$queryRawUnsafe"]) {
  const original = client[method].bind(prisma);
  client[method] = async (...a: unknown[]) => {
    const statement =
      method === "$queryRawUnsafe"
        ? { sql: a[0] as string, values: a.slice(1) }
        : a[0] instanceof Prisma.Sql
          ? a[0]
          : Prisma.sql(a[0] as TemplateStringsArray, ...(a.slice(1) as never[]));
    const started = performance.now();
    const result = await original(...a);
    recording?.push({ sql: statement.sql, values: statement.values, ms: performance.now() - started });
    return result;
  };
}
const bind = (values: unknown[]) => values.map((v) => (v instanceof Date ? v.toISOString() : typeof v === "boolean" ? Number(v) : v));

const timeLoader = async (query: string) => {
  const request = new Request(`http://bench.test/inbox${query}`, { headers: { cookie, host: "bench.test" } });
  const started = performance.now();
  await loader({ request, params: {}, context: {} });
  return performance.now() - started;
};
const list = queries.length > 0 ? queries : [...SEARCHES, ""];
for (const q of list) await timeLoader(q); // warm
for (const q of list) {
  const loaderMs: number[] = [];
  for (let i = 0; i < 7; i++) loaderMs.push(await timeLoader(q));
  recording = [];
  await timeLoader(q);
  const ran = recording;
  recording = null;
  console.log(`\n== ${q || "(no q)"}  loader p50 ${round(percentile(loaderMs, 50), 1)} ms, max ${round(Math.max(...loaderMs), 1)} ms`);
  for (const r of ran) {
    if (/^\s*(PRAGMA|BEGIN|COMMIT)/i.test(r.sql)) continue;
    let rawMs = NaN;
    let plan = "";
    try {
      const statement = raw.prepare(r.sql);
      const t = performance.now();
      statement.all(...bind(r.values));
      rawMs = performance.now() - t;
      if (showPlans)
        plan = (raw.prepare(`EXPLAIN QUERY PLAN ${r.sql}`).all(...bind(r.values)) as { detail: string }[]).map((p) => `      ${p.detail}`).join("\n");
    } catch (error) {
      plan = `      (${error instanceof Error ? error.message : String(error)})`;
    }
    console.log(`  ${round(r.ms, 2)} ms (raw ${round(rawMs, 2)}): ${r.sql.replace(/\s+/g, " ").slice(0, 160)}`);
    if (plan) console.log(plan);
  }
}
raw.close();
process.exit(0);
