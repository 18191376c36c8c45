// Inbox figures measured in this process (the runner gives each bench its own process):
//   inbox_loader_100k_p95_ms      the inbox route's loader (auth, parse, one query + count, labels, facets)
//                                 over 100,000 indexed sessions on SQLite (1,000,000: inbox-1m.bench.ts), sorted
//                                 and filtered (default sort plus a rotating set of filters); inbox_loader_baseline_p95_ms is a bare
//                                 SELECT COUNT(*) on the same file, the floor of any query there.
//   fanout_rss_mb / _cpu_percent  one Console-side process (gateway + live bus + 50 SSE subscribers) while a
//   fanout_events_lost            FleetLM dev server in a child process (10,000 sessions, 1,000 users) takes
//                                 100 user messages a second. Lost = SSE deliveries a subscriber missed +
//                                 messages the index did not reach after the traffic stopped.
//   inbox_js_gzip_kb              gzip size of the client JS the /inbox route loads (from build/client's
//                                 Vite manifest), null without a build.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { gzipSync } from "node:zlib";
import { percentile, round } from "./stats";
import { consoleNodeFlags } from "../scripts/console-node-flags.mjs";

type Figures = Record<string, number | null>;
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function migrate(databaseUrl: string) {
  execFileSync("npx", ["prisma", "migrate", "deploy"], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: "pipe" });
}

// ---- loader over 100k rows ------------------------------------------------------------------------------

/**
 * 100,000 indexed sessions in three INSERT … SELECT statements over a recursive counter (Prisma's createMany
 * takes about 45 s for them through the driver adapter). Dates are written as Prisma writes them on SQLite.
 * Session i: user i % 20,000, agent i % 7, archived when i % 20 == 0, 1 + i % 37 messages (every other one the
 * user's, from the first), last sender cycling user/AI/AI/operator,
 * activity scattered over the last 35 days, assigned to me when i % 13 == 0 (to the other operator at 1).
 * I have read 5,000 sessions (some to the end), and 2,000 carry one of three labels.
 */
export async function seedIndex(
  prisma: Awaited<ReturnType<typeof import("../app/db.server").db>>,
  { total, me, other }: { total: number; me: string; other: string },
) {
  const iso = (ms: string) => `strftime('%Y-%m-%dT%H:%M:%f', (${ms}) / 1000.0, 'unixepoch') || '+00:00'`;
  const now = Date.now();
  const id = (i: string) => `'bench-' || printf('%06d', ${i})`;
  await prisma.$executeRawUnsafe(
    `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ${total})
     INSERT INTO "SessionIndex" ("id", "userId", "agentId", "status", "createdAt", "headSeq", "userCount", "opCount", "lastActivityAt",
                                 "lastSenderId", "lastSenderRole", "lastPreview", "assigneeId", "indexedAt", "updatedAt")
     SELECT ${id("i")}, 'user-' || (i % 20000), 'agent-' || (i % 7), CASE WHEN i % 20 = 0 THEN 'archived' ELSE 'active' END,
            ${iso(`${now} - (${total} - i) * 60000`)}, 1 + i % 37, (2 + i % 37) / 2, CASE WHEN i % 11 = 0 THEN 1 ELSE 0 END,
            ${iso(`${now} - ((i * 7919) % ${total}) * 30000`)}, 'x',
            CASE i % 4 WHEN 0 THEN 'user' WHEN 3 THEN 'operator' ELSE 'agent' END,
            'Preview of the last message in session ' || i || ', about a refund or a password reset.',
            CASE i % 13 WHEN 0 THEN ? WHEN 1 THEN ? ELSE NULL END, ${iso(String(now))}, ${iso(String(now))}
     FROM n`,
    me,
    other,
  );
  await prisma.$executeRawUnsafe(
    `WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k + 1 < 5000)
     INSERT INTO "ReadCursor" ("operatorId", "sessionId", "lastSeq", "opCountAtCursor", "userCountAtCursor", "updatedAt")
     SELECT ?, ${id("k * 17")}, 1 + (k * 17) % 37 - k % 3, 0, (2 + (k * 17) % 37 - k % 3) / 2, ${iso(String(now))} FROM n`,
    me,
  );
  await prisma.$executeRawUnsafe(
    `WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k + 1 < 2000)
     INSERT INTO "SessionLabel" ("sessionId", "label") SELECT ${id("k * 41")}, CASE k % 3 WHEN 0 THEN 'billing' WHEN 1 THEN 'bug' ELSE 'vip' END FROM n`,
  );
}

/** The inbox loader's p95 over `total` indexed sessions, and the bare COUNT(*) baseline on the same file. */
export async function loaderFigures(quick: boolean, total: number): Promise<{ p95: number | null; baseline: number | null }> {
  const { db } = await import("../app/db.server");
  const { lucia } = await import("../app/auth/lucia.server");
  const { createOperator } = await import("../app/operators/operators.server");
  const { loader } = await import("../app/routes/inbox");
  const prisma = await db();

  const me = await createOperator({ email: "bench-inbox@bench.test", name: "Bench", role: "operator", password: "bench password 123" }, null);
  const other = await createOperator({ email: "bench-other@bench.test", name: "Other", role: "operator", password: "bench password 123" }, null);
  const session = await lucia().createSession(me.id, { createdAt: new Date() });
  const cookie = `${lucia().sessionCookieName}=${session.id}`;

  const queries = [
    "",
    "?status=active",
    "?unread=1",
    "?agent=agent-3",
    "?assigned=me",
    "?needsHuman=1&status=active",
    "?label=vip",
    "?q=user-123",
    "?status=active&page=40",
    "?sort=status.desc&status=active",
    "?sort=user.asc",
    "?sort=agent.desc&needsHuman=1",
    "?assigned=none&status=active&pageSize=50",
  ];
  await seedIndex(prisma, { total, me: me.id, other: other.id });
  await prisma.$queryRawUnsafe("ANALYZE");
  const timeLoader = async (query: string) => {
    const request = new Request(`http://bench.test/inbox${query}`, { headers: { cookie, host: "bench.test" } });
    const t0 = performance.now();
    await loader({ request, params: {}, context: {} });
    return performance.now() - t0;
  };
  for (const query of queries) await timeLoader(query); // warm caches and prepared statements
  const rounds = quick ? 5 : 20;
  const samples: number[] = [];
  const perQuery: Record<string, number[]> = {};
  for (let r = 0; r < rounds; r++) {
    for (const query of queries) {
      const ms = await timeLoader(query);
      samples.push(ms);
      (perQuery[query || "(default)"] ??= []).push(ms);
    }
  }
  const slowest = Object.entries(perQuery)
    .map(([q, v]) => `${q}=${round(percentile(v, 95), 1)}`)
    .join(" ");
  process.stderr.write(`inbox loader over ${total.toLocaleString("en")} sessions, p95 per query (ms): ${slowest}\n`);

  const baseline: number[] = [];
  for (let r = 0; r < rounds * queries.length; r++) {
    const t0 = performance.now();
    await prisma.$queryRawUnsafe(`SELECT COUNT(*) AS n FROM "SessionIndex"`);
    baseline.push(performance.now() - t0);
  }
  return { p95: round(percentile(samples, 95), 1), baseline: round(percentile(baseline, 95), 2) };
}

// ---- fan-out --------------------------------------------------------------------------------------------

type Child = { url: string; sessions: { id: string; userId: string; agentId: string; createdAt: string }[] };

/**
 * The index as a Console that has been running already knows it (the gateway then follows 1,000 inboxes), and a
 * signed-in operator for the SSE subscribers: returns that operator's cookie.
 */
async function indexFanoutSessions(info: Child): Promise<string> {
  const { db } = await import("../app/db.server");
  const { lucia } = await import("../app/auth/lucia.server");
  const { createOperator } = await import("../app/operators/operators.server");
  const prisma = await db();
  for (let start = 0; start < info.sessions.length; start += 2_000) {
    await prisma.sessionIndex.createMany({
      data: info.sessions
        .slice(start, start + 2_000)
        .map((s) => ({ id: s.id, userId: s.userId, agentId: s.agentId, status: "active", createdAt: new Date(s.createdAt) })),
    });
  }
  const op = await createOperator({ email: "fanout@bench.test", name: "Fan", role: "operator", password: "bench password 123" }, null);
  const authSession = await lucia().createSession(op.id, { createdAt: new Date() });
  return `${lucia().sessionCookieName}=${authSession.id}`;
}

/** Messages FleetLM holds (per-session counts) that the index has not reached, after up to a minute of catching up. */
async function notIndexedAfterCatchUp(counts: Record<string, number>): Promise<number> {
  const prisma = await (await import("../app/db.server")).db();
  let behind = 0;
  await waitUntil(async () => {
    const rows = await prisma.sessionIndex.findMany({ where: { id: { in: Object.keys(counts) } }, select: { id: true, headSeq: true } });
    behind = rows.reduce((sum, row) => sum + Math.max(0, (counts[row.id] ?? 0) - row.headSeq), 0);
    return behind === 0;
  }, 60_000).catch(() => {});
  return behind;
}

async function fanoutFigures(quick: boolean, dir: string): Promise<Figures> {
  const seconds = quick ? 10 : 60;
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "bench/inbox-fanout-fleetlm.ts"), path.join(dir, "sessions.json")], {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines: string[] = [];
  let buffer = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    let cut: number;
    while ((cut = buffer.indexOf("\n")) >= 0) {
      lines.push(buffer.slice(0, cut));
      buffer = buffer.slice(cut + 1);
    }
  });
  const waitLine = async (prefix: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = lines.find((l) => l.startsWith(prefix));
      if (line) return line.slice(prefix.length).trim();
      if (Date.now() > deadline) throw new Error(`fan-out child: no "${prefix}" line`);
      await sleep(50);
    }
  };

  try {
    const url = await waitLine("ready ", 120_000);
    const info = JSON.parse(readFileSync(path.join(dir, "sessions.json"), "utf8")) as Child;
    const { startGateway, stopGateway, gatewayStatus } = await import("../app/fleetlm-sync/gateway.server");
    const { liveBus } = await import("../app/live/bus.server");
    const { loader: live } = await import("../app/routes/live");
    const prisma = await (await import("../app/db.server")).db();
    const cookie = await indexFanoutSessions(info);

    process.stderr.write(`fan-out: rss before the gateway starts ${round(process.memoryUsage().rss / 1024 / 1024, 1)} MB\n`);
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    let peakRss = process.memoryUsage().rss;
    const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);

    await startGateway({ fleetlmUrl: url, force: true });
    await waitUntil(() => gatewayStatus().connected && gatewayStatus().inboxesJoined >= 1_000, 60_000);

    // 50 SSE subscribers through the real route, each counting the session.changed events it is sent.
    const controllers: AbortController[] = [];
    const received: number[] = Array(50).fill(0);
    const readers: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) {
      const controller = new AbortController();
      controllers.push(controller);
      const request = new Request("http://bench.test/live", {
        headers: { cookie, host: "bench.test", accept: "text/event-stream" },
        signal: controller.signal,
      });
      const response = (await live({ request, params: {}, context: {} })) as Response;
      readers.push(countEvents(response.body!, (n) => (received[i] = n)));
    }
    let published = 0;
    const offBus = liveBus().subscribe(({ event }) => event.type === "session.changed" && published++);

    child.stdin!.write(`go ${seconds}\n`);
    const sent = Number(await waitLine("done ", (seconds + 120) * 1_000));
    // Let the gateway catch up (one more rejoin round and the REST reads), then compare with FleetLM.
    const counts = JSON.parse(await waitLine("counts ", 60_000)) as Record<string, number>;
    const indexedBehind = await notIndexedAfterCatchUp(counts);
    if (indexedBehind > 0) {
      // Diagnosis only (not counted): would a direct sync have found them, i.e. was a signal missed?
      const rows = await prisma.sessionIndex.findMany({ where: { id: { in: Object.keys(counts) } }, select: { id: true, headSeq: true } });
      const behind = rows.filter((row) => (counts[row.id] ?? 0) > row.headSeq);
      const { syncSessionNow } = await import("../app/fleetlm-sync/sync-queue.server");
      for (const row of behind) await syncSessionNow(row.id);
      const after = await prisma.sessionIndex.findMany({ where: { id: { in: behind.map((r) => r.id) } }, select: { id: true, headSeq: true } });
      const still = after.filter((row) => (counts[row.id] ?? 0) > row.headSeq).length;
      process.stderr.write(
        `fan-out: ${behind.length} sessions behind after the wait; ${still} still behind after a direct sync; status ${JSON.stringify(gatewayStatus())}\n`,
      );
    }
    await sleep(1_000);
    offBus();
    clearInterval(rssTimer);
    const cpu = process.cpuUsage(cpu0);
    const wall = performance.now() - wall0;
    const missedDeliveries = received.reduce((sum, n) => sum + Math.max(0, published - n), 0);
    const heap = process.memoryUsage();
    process.stderr.write(
      `fan-out: heap used ${round(heap.heapUsed / 1024 / 1024, 1)} MB of ${round(heap.heapTotal / 1024 / 1024, 1)} MB, external ${round(heap.external / 1024 / 1024, 1)} MB\n`,
    );
    process.stderr.write(
      `fan-out: sent ${sent}, session.changed published ${published}, deliveries missed ${missedDeliveries}, messages not indexed ${indexedBehind}\n`,
    );
    for (const controller of controllers) controller.abort();
    await Promise.allSettled(readers);
    await stopGateway();
    return {
      fanout_rss_mb: round(peakRss / 1024 / 1024, 1),
      fanout_cpu_percent: round(((cpu.user + cpu.system) / 1000 / wall) * 100, 1),
      fanout_events_lost: missedDeliveries + indexedBehind,
    };
  } finally {
    child.stdin!.end();
    child.kill("SIGTERM");
  }
}

/**
 * The same measurement against the production build: server.mjs in its own process (gateway on its default
 * timers), 50 SSE clients over HTTP from this process, resident memory and CPU read from /proc for that process
 * only. Used whenever build/ exists; the in-process variant above is the fallback.
 */
async function fanoutAgainstBuild(quick: boolean, dir: string): Promise<Figures> {
  const seconds = quick ? 10 : 60;
  const fleet = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "bench/inbox-fanout-fleetlm.ts"), path.join(dir, "sessions.json")], {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = lineReader(fleet.stdout!);
  let consoleServer: ReturnType<typeof spawn> | null = null;
  const controllers: AbortController[] = [];
  try {
    const url = await lines.wait("ready ", 120_000);
    const info = JSON.parse(readFileSync(path.join(dir, "sessions.json"), "utf8")) as Child;
    const cookie = await indexFanoutSessions(info);

    const port = 20_000 + Math.floor(Math.random() * 20_000);
    // INBOX_BENCH_SERVER: another server entry (e.g. one serving a scratch build); default the repo's server.mjs.
    consoleServer = spawn(process.execPath, [...consoleNodeFlags(), path.resolve(ROOT, process.env.INBOX_BENCH_SERVER ?? "server.mjs")], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: "production",
        PORT: String(port),
        HOST: "127.0.0.1",
        FLEETLM_URL: url,
        GATEWAY_DISABLED: "0",
        SESSION_SECRET: "bench-secret-bench-secret-bench-secret-00",
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const serverLines = lineReader(consoleServer.stdout!);
    await serverLines.wait("FleetLM Console listening", 60_000);
    const pid = consoleServer.pid!;
    let peakRss = 0;
    const sampleRss = () => {
      const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      if (kb) peakRss = Math.max(peakRss, Number(kb[1]) * 1024);
    };
    const cpuTicks = () => {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      return Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (100 per second)
    };
    const rssTimer = setInterval(() => {
      try {
        sampleRss();
      } catch {
        // a sample missed is a gap in the figure, not a failure
      }
    }, 250);
    // The first round of 1,000 inbox joins.
    await sleep(quick ? 8_000 : 15_000);

    const received: number[] = Array(50).fill(0);
    const readers: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) {
      const controller = new AbortController();
      controllers.push(controller);
      const response = await fetch(`http://127.0.0.1:${port}/live`, { headers: { cookie, accept: "text/event-stream" }, signal: controller.signal });
      if (!response.ok || !response.body) throw new Error(`/live answered ${response.status}`);
      readers.push(countEvents(response.body, (n) => (received[i] = n)));
    }
    const ticks0 = cpuTicks();
    const wall0 = performance.now();
    fleet.stdin!.write(`go ${seconds}\n`);
    const sent = Number(await lines.wait("done ", (seconds + 120) * 1_000));
    const counts = JSON.parse(await lines.wait("counts ", 60_000)) as Record<string, number>;
    const indexedBehind = await notIndexedAfterCatchUp(counts);
    await sleep(2_000);
    const cpuSeconds = (cpuTicks() - ticks0) / 100;
    const wallSeconds = (performance.now() - wall0) / 1000;
    clearInterval(rssTimer);
    sampleRss();
    const published = Math.max(...received);
    const missedDeliveries = received.reduce((sum, n) => sum + (published - n), 0);
    process.stderr.write(
      `fan-out (production build): sent ${sent}, session.changed per subscriber ${Math.min(...received)}..${published}, deliveries missed ${missedDeliveries}, messages not indexed ${indexedBehind}\n`,
    );
    return {
      fanout_rss_mb: round(peakRss / 1024 / 1024, 1),
      fanout_cpu_percent: round((cpuSeconds / wallSeconds) * 100, 1),
      fanout_events_lost: missedDeliveries + indexedBehind,
    };
  } finally {
    for (const controller of controllers) controller.abort();
    consoleServer?.kill("SIGTERM");
    fleet.stdin!.end();
    fleet.kill("SIGTERM");
  }
}

function lineReader(stream: NodeJS.ReadableStream) {
  const lines: string[] = [];
  let buffer = "";
  stream.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    let cut: number;
    while ((cut = buffer.indexOf("\n")) >= 0) {
      lines.push(buffer.slice(0, cut));
      buffer = buffer.slice(cut + 1);
    }
  });
  return {
    async wait(prefix: string, timeoutMs: number) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const line = lines.find((l) => l.startsWith(prefix));
        if (line !== undefined) return line.slice(prefix.length).trim();
        if (Date.now() > deadline) throw new Error(`no "${prefix}" line`);
        await sleep(50);
      }
    },
  };
}

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await sleep(100);
  }
}

async function countEvents(body: ReadableStream<Uint8Array>, report: (n: number) => void) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let n = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      text += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = text.indexOf("\n\n")) >= 0) {
        if (text.slice(0, cut).includes('"type":"session.changed"')) report(++n);
        text = text.slice(cut + 2);
      }
    }
  } catch {
    // aborted at the end
  }
}

// ---- bundle size ----------------------------------------------------------------------------------------

function inboxJsGzipKb(): number | null {
  const client = path.join(ROOT, "build/client");
  const manifestFile = existsSync(path.join(client, ".vite/manifest.json")) ? path.join(client, ".vite/manifest.json") : null;
  const assets = path.join(client, "assets");
  if (!existsSync(assets)) return null;
  const files = new Set<string>();
  if (manifestFile) {
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as Record<string, { file: string; imports?: string[]; isEntry?: boolean }>;
    const visit = (key: string) => {
      const entry = manifest[key];
      if (!entry || files.has(entry.file)) return;
      files.add(entry.file);
      for (const dep of entry.imports ?? []) visit(dep);
    };
    for (const [key, entry] of Object.entries(manifest)) {
      if (key.endsWith("app/routes/inbox.tsx") || key.endsWith("app/root.tsx") || (entry.isEntry && /entry\.client/.test(key))) visit(key);
    }
  } else {
    // Remix's own manifest lists the route's module and its imports.
    const remixManifest = readdirSync(assets).find((f) => /^manifest-.*\.js$/.test(f));
    if (!remixManifest) return null;
    const text = readFileSync(path.join(assets, remixManifest), "utf8");
    const json = JSON.parse(text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1)) as {
      entry: { module: string; imports: string[] };
      routes: Record<string, { module: string; imports?: string[] }>;
    };
    for (const f of [json.entry.module, ...json.entry.imports]) files.add(f.replace(/^\//, ""));
    for (const id of ["root", "routes/inbox"]) {
      const route = json.routes[id];
      if (!route) return null;
      for (const f of [route.module, ...(route.imports ?? [])]) files.add(f.replace(/^\//, ""));
    }
  }
  if (files.size === 0) return null;
  let bytes = 0;
  for (const file of files) {
    const full = path.join(client, file);
    if (existsSync(full) && file.endsWith(".js")) bytes += gzipSync(readFileSync(full)).length;
  }
  return round(bytes / 1024, 1);
}

export async function run({ quick }: { quick: boolean }): Promise<Figures> {
  const figures: Figures = {
    inbox_loader_100k_p95_ms: null,
    inbox_loader_baseline_p95_ms: null,
    fanout_rss_mb: null,
    fanout_cpu_percent: null,
    fanout_events_lost: null,
    inbox_js_gzip_kb: null,
  };
  try {
    figures.inbox_js_gzip_kb = inboxJsGzipKb();
  } catch (error) {
    process.stderr.write(`inbox bench: bundle size: ${String(error)}\n`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), "inbox-bench-"));
  try {
    const databaseUrl = `file:${path.join(dir, "console.db")}`;
    migrate(databaseUrl);
    Object.assign(process.env, { DATABASE_URL: databaseUrl, GATEWAY_DISABLED: "1" });
    const loader = await loaderFigures(quick, 100_000);
    Object.assign(figures, { inbox_loader_100k_p95_ms: loader.p95, inbox_loader_baseline_p95_ms: loader.baseline });
  } catch (error) {
    process.stderr.write(`inbox bench: loader: ${error instanceof Error ? error.stack : String(error)}\n`);
  }
  try {
    // The fan-out gets a process of its own: its memory figure must not include the 100k-row loader run.
    const child = spawnSync(process.execPath, ["--import", "tsx", new URL(import.meta.url).pathname, "--fanout", dir, quick ? "quick" : "full"], {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      timeout: (quick ? 4 : 8) * 60_000,
    });
    Object.assign(figures, JSON.parse(child.stdout.trim().split("\n").pop() ?? "{}") as Figures);
  } catch (error) {
    process.stderr.write(`inbox bench: fan-out: ${error instanceof Error ? error.stack : String(error)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

async function fanoutProcess(dir: string, quick: boolean): Promise<Figures> {
  const databaseUrl = `file:${path.join(dir, "fanout.db")}`;
  migrate(databaseUrl);
  Object.assign(process.env, { DATABASE_URL: databaseUrl, GATEWAY_DISABLED: "1" });
  return existsSync(path.join(ROOT, "build/server/index.js")) ? fanoutAgainstBuild(quick, dir) : fanoutFigures(quick, dir);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const fanout = process.argv.indexOf("--fanout");
  const figures =
    fanout >= 0 ? await fanoutProcess(process.argv[fanout + 1]!, process.argv[fanout + 2] === "quick") : await run({ quick: process.argv.includes("--quick") });
  console.log(JSON.stringify(figures));
  process.exit(0);
}
