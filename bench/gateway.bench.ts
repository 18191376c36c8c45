// The gateway at scale (issue 19 part 1): one Console process (the production build, gateway on its default
// timers) keeping an index of 10,000 FleetLM users' 100,000 sessions fresh, against a faithful FleetLM dev server
// in a child process (bench/gateway-fleetlm.ts). The index starts as a running Console knows it: every session,
// the 500 active users' sessions active a minute ago, the rest a day ago (ADR 089's classes). One /live subscriber
// (a signed-in operator) stands in for the browsers: a session's unread badge changes on its `session.changed`.
//   gateway_10k_cpu_percent      the Console process's CPU over the steady traffic (100 user messages a second
//                                over the 500 active users), 100 = one core
//   gateway_10k_rss_mb           its peak resident memory over the run
//   gateway_10k_fleetlm_rps      requests the Console sent FleetLM per second over the traffic: HTTP requests plus
//                                WebSocket frames (joins, leaves, heartbeats), counted by the dev server, minus the
//                                traffic generator's own POSTs
//   freshness_10k_p95_ms         user message POSTed → its session's `session.changed` with head ≥ its seq at the
//                                subscriber, p95 over every message (null when fewer than 95% were seen)
//   gateway_boot_reconcile_s     Console start → its boot reconciliation has read every indexed session once
//                                (ADR 064: a join's snapshot cannot be trusted about the time before it); the
//                                steady phase starts after it, so the figures above are the steady cost, not the boot's
//   gateway_10k_lost             messages FleetLM holds that the index has not reached a minute after the traffic
//   freshness_10k_gated_p95_ms   the same p95 for the sessions of a gated agent (routed through the Console's gate,
//                                ADR 066, to a fake agent in this process that answers every message): 20 user
//                                messages a second for 20 s over 50 quiet users of `gw-gated`, after the steady phase
//   gateway_800mps_freshness_p95_ms, gateway_800mps_lost   the same at 800 messages a second (FleetLM's published
//                                single-node ceiling) over 2,000 users, for 20 s after the steady phase
//   gateway_frame_cpu_us_one_socket, gateway_frame_cpu_us_pooled   CPU µs phoenix's Socket spends on one incoming
//                                frame with every user's inbox on one socket vs. at most INBOXES_PER_SOCKET (200) on
//                                it (ADR 198); gateway_rejoin_cpu_us_*: the same for one inbox re-join (leave, join,
//                                both replies). A micro-benchmark over an in-memory transport (bench/support/phoenix-frames)
// The Console writes its hop trace (GATEWAY_TRACE_FILE, ADR 208); each phase's line on stderr says what first told
// the gateway of each message (push, inbox delta, re-join snapshot, other) and how long from the POST that took.
// --quick: 2,000 users × 10 sessions, 100 active users, 15 s of traffic at 100/s, 10 s at 10/s over 20 gated users,
// and 10 s at 800/s (same keys, smaller run). Needs build/ (npm run build); without it every figure is null and stderr says why.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";
import { percentile, round } from "./stats";
import { startConsole } from "./support/bench-console";
import { phoenixFrameCost } from "./support/phoenix-frames";
import { INBOXES_PER_SOCKET } from "../app/fleetlm-sync/inbox-sockets.server";
import { freePort } from "../tests/support/console-process";
import { openLive } from "../tests/cluster/sse-client";
import { echoReply, fakeAgent } from "../tests/takeover/http";
import { FleetLMRest } from "@fleetlm/client";

type Figures = Record<string, number | null>;
/** The dev server's `load()`: requests received so far, in all and by kind. */
type Load = { httpRequests: number; socketFrames: number; httpByRoute: Record<string, number>; framesByKind: Record<string, number> };

/** The requests of a phase per second by kind, most first: "inbox:phx_join 210, GET /api/sessions/:id/messages 98, …". */
function byKind(before: Load, after: Load, wall: number): string {
  const rates: [string, number][] = [];
  for (const key of ["httpByRoute", "framesByKind"] as const) {
    for (const [kind, count] of Object.entries(after[key])) rates.push([kind, (count - (before[key][kind] ?? 0)) / wall]);
  }
  return rates
    .filter(([, rate]) => rate >= 0.5)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, rate]) => `${kind} ${rate.toFixed(0)}`)
    .join(", ");
}
type Sent = [sessionId: string, seq: number, postedAtMs: number];
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const KEYS = [
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
] as const;
const say = (line: string) => process.stderr.write(`gateway bench: ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function lines(stream: NodeJS.ReadableStream) {
  const seen: string[] = [];
  const waiters = new Set<() => void>();
  let buffer = "";
  stream.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    let cut: number;
    while ((cut = buffer.indexOf("\n")) >= 0) {
      seen.push(buffer.slice(0, cut));
      buffer = buffer.slice(cut + 1);
    }
    for (const wake of waiters) wake();
  });
  /** The rest of the next line starting with `prefix` (each line is taken once). */
  const next = (prefix: string, timeoutMs: number) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`no "${prefix}" line within ${timeoutMs} ms`)), timeoutMs);
      const done = (error: Error | null, value?: string) => {
        clearTimeout(timer);
        waiters.delete(check);
        if (error) reject(error);
        else resolve(value!);
      };
      const check = () => {
        const at = seen.findIndex((l) => l.startsWith(prefix));
        if (at >= 0) done(null, seen.splice(at, 1)[0]!.slice(prefix.length).trim());
      };
      waiters.add(check);
      check();
    });
  return { next };
}

/** The Console process's CPU time (user + system, seconds) and resident memory (bytes), from /proc. */
function usage(pid: number): { cpuSeconds: number; rss: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return { cpuSeconds: (Number(stat[11]) + Number(stat[12])) / 100, rss: rss ? Number(rss[1]) * 1024 : 0 };
}

/** Per sent message, ms from its POST to the first session.changed of its session with head ≥ its seq. */
function freshness(sent: Sent[], changes: { sessionId: string; head: number; at: number }[]): { p95: number | null; p50: number | null; seen: number } {
  const bySession = new Map<string, { head: number; at: number }[]>();
  for (const c of changes) {
    const seen = bySession.get(c.sessionId);
    if (seen) seen.push(c);
    else bySession.set(c.sessionId, [c]);
  }
  const delays: number[] = [];
  for (const [sessionId, seq, postedAt] of sent) {
    const hit = bySession.get(sessionId)?.find((c) => c.head >= seq && c.at >= postedAt - 5);
    if (hit) delays.push(Math.max(0, hit.at - postedAt));
  }
  return {
    p95: delays.length >= sent.length * 0.95 ? round(percentile(delays, 95)) : null,
    p50: delays.length > 0 ? round(percentile(delays, 50)) : null,
    seen: delays.length,
  };
}

/** Per sent message, the first trace hop `seen` of its session after its POST: by what, and how soon. */
function firstSeen(sent: Sent[], traceFile: string): string {
  if (!existsSync(traceFile)) return "no trace";
  const seen = new Map<string, { at: number; via: string }[]>();
  for (const line of readFileSync(traceFile, "utf8").split("\n")) {
    if (!line.includes('"hop":"seen"')) continue;
    const hop = JSON.parse(line) as { at: number; session: string; via: string };
    const list = seen.get(hop.session);
    if (list) list.push(hop);
    else seen.set(hop.session, [hop]);
  }
  const byVia = new Map<string, number>();
  const delays: number[] = [];
  for (const [sessionId, , postedAt] of sent) {
    const hit = seen.get(sessionId)?.find((hop) => hop.at >= postedAt);
    if (!hit) continue;
    byVia.set(hit.via, (byVia.get(hit.via) ?? 0) + 1);
    delays.push(hit.at - postedAt);
  }
  const shares = [...byVia].map(([via, n]) => `${via} ${((n / sent.length) * 100).toFixed(1)} %`).join(", ");
  return `first seen by ${shares || "nothing"}; POST → seen p50 ${round(percentile(delays, 50))} ms, p95 ${round(percentile(delays, 95))} ms`;
}

/** phoenix's CPU per frame and per re-join, all inboxes on one socket vs. the gateway's spread (ADR 198). */
async function frameCost(users: number): Promise<Figures> {
  await phoenixFrameCost(INBOXES_PER_SOCKET, 5_000, 500); // warm-up: the JIT, not the channel count, would be timed
  const one = await phoenixFrameCost(users);
  const pooled = await phoenixFrameCost(INBOXES_PER_SOCKET);
  say(
    `phoenix per frame: ${one.frameMicros.toFixed(1)} µs with ${users} channels on a socket, ${pooled.frameMicros.toFixed(1)} µs with ${INBOXES_PER_SOCKET}; ` +
      `per re-join ${one.rejoinMicros.toFixed(0)} vs ${pooled.rejoinMicros.toFixed(0)} µs`,
  );
  return {
    gateway_frame_cpu_us_one_socket: round(one.frameMicros, 1),
    gateway_frame_cpu_us_pooled: round(pooled.frameMicros, 1),
    gateway_rejoin_cpu_us_one_socket: round(one.rejoinMicros, 1),
    gateway_rejoin_cpu_us_pooled: round(pooled.rejoinMicros, 1),
  };
}

export async function run({ quick }: { quick: boolean }): Promise<Figures> {
  const figures: Figures = Object.fromEntries(KEYS.map((k) => [k, null]));
  Object.assign(figures, await frameCost(quick ? 2_000 : 10_000));
  if (!existsSync(path.join(ROOT, "build/server/index.js"))) {
    say("no build/ (npm run build first): figures are null");
    return figures;
  }
  const users = quick ? 2_000 : 10_000;
  const active = quick ? 100 : 500;
  const steadySeconds = quick ? 15 : 60;
  const peakSeconds = quick ? 10 : 20;
  // Quiet users after the active ones, whose sessions are the gated agent's.
  const gatedUsers = quick ? 20 : 50;
  const dir = mkdtempSync(path.join(tmpdir(), "gateway-bench-"));
  const databaseUrl = `file:${path.join(dir, "console.db")}`;
  execFileSync("npx", ["prisma", "migrate", "deploy"], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: "pipe" });
  Object.assign(process.env, { DATABASE_URL: databaseUrl, GATEWAY_DISABLED: "1" });

  const fleet = spawn(
    process.execPath,
    ["--import", "tsx", path.join(ROOT, "bench/gateway-fleetlm.ts"), path.join(dir, "sessions.json"), String(users), "10", String(active), String(gatedUsers)],
    {
      cwd: ROOT,
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const fleetLines = lines(fleet.stdout!);
  let consoleServer: ReturnType<typeof spawn> | null = null;
  // The runner stops a bench past its time with SIGTERM: the children go with it.
  const stopChildren = () => {
    consoleServer?.kill("SIGTERM");
    fleet.kill("SIGTERM");
  };
  process.once("exit", stopChildren);
  process.once("SIGTERM", () => process.exit(1));
  let live: Awaited<ReturnType<typeof openLive>> | null = null;
  let agent: Awaited<ReturnType<typeof fakeAgent>> | null = null;
  try {
    const fleetUrl = await fleetLines.next("ready ", 180_000);
    const sessions = JSON.parse(readFileSync(path.join(dir, "sessions.json"), "utf8")) as { id: string; userId: string; agentId: string; createdAt: string }[];
    const { db } = await import("../app/db.server");
    const { lucia } = await import("../app/auth/lucia.server");
    const { createOperator } = await import("../app/operators/operators.server");
    const prisma = await db();
    const activeUsers = new Set(Array.from({ length: active }, (_, i) => `gw-user-${i}`));
    const minuteAgo = new Date(Date.now() - 60_000);
    const dayAgo = new Date(Date.now() - 86_400_000);
    const seedStarted = performance.now();
    // Straight into the SQLite file in one transaction (Prisma's createMany takes minutes for 100,000 rows
    // through the driver adapter); dates as Prisma writes them there.
    const iso = (date: Date) => date.toISOString().replace("Z", "+00:00");
    const file = new Database(databaseUrl.slice("file:".length));
    const insert = file.prepare(
      `INSERT INTO "SessionIndex" ("id", "userId", "agentId", "status", "createdAt", "lastActivityAt", "indexedAt", "updatedAt") VALUES (?, ?, ?, 'active', ?, ?, ?, ?)`,
    );
    const indexedAt = iso(new Date());
    file.transaction(() => {
      for (const s of sessions)
        insert.run(s.id, s.userId, s.agentId, iso(new Date(s.createdAt)), iso(activeUsers.has(s.userId) ? minuteAgo : dayAgo), indexedAt, indexedAt);
    })();
    file.close();
    say(`indexed ${sessions.length} sessions of ${users} users in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);
    const operator = await createOperator({ email: "gateway@bench.test", name: "Gateway bench", role: "operator", password: "bench password 123" }, null);
    const authSession = await lucia().createSession(operator.id, { createdAt: new Date() });
    const cookie = `${lucia().sessionCookieName}=${authSession.id}`;

    const port = await freePort();
    // GATEWAY_TRACE_FILE set by the caller keeps the trace after the run (for the hop analysis).
    const traceFile = process.env.GATEWAY_TRACE_FILE ?? path.join(dir, "trace.jsonl");
    consoleServer = await startConsole({
      GATEWAY_TRACE_FILE: traceFile,
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      FLEETLM_URL: fleetUrl,
      GATEWAY_DISABLED: "0",
      SESSION_SECRET: "bench-secret-bench-secret-bench-secret-00",
    });
    const pid = consoleServer.pid!;
    // The gated agent: FleetLM calls the Console's gate for every user message of its sessions, and the gate relays
    // to this fake agent, whose answer FleetLM stores. Routed as an admin would, from this process (same database).
    agent = await fakeAgent(echoReply("gated ack"));
    await new FleetLMRest({ baseUrl: fleetUrl }).createAgent({
      id: "gw-gated",
      name: "gw-gated",
      origin_url: agent.url,
      webhook_path: "/hook",
      timeout_ms: 10_000,
    });
    Object.assign(process.env, { FLEETLM_URL: fleetUrl, CONSOLE_PUBLIC_URL: `http://127.0.0.1:${port}` });
    (await import("../app/env.server")).resetEnvCache();
    (await import("../app/fleetlm/fleetlm.server")).resetFleetlm();
    const admin = await createOperator({ email: "gate@bench.test", name: "Gate bench", role: "admin", password: "bench password 123" }, null);
    const routed = await (
      await import("../app/agent-gate/gated-agents.server")
    ).routeThroughConsole({ agentId: "gw-gated", actor: { ...admin, role: "admin" } });
    if (!routed.ok) throw new Error(`could not route gw-gated through the Console: ${routed.reason}`);
    let peakRss = 0;
    const rssTimer = setInterval(() => {
      try {
        peakRss = Math.max(peakRss, usage(pid).rss);
      } catch {
        // a missed sample is a gap in the figure, not a failure
      }
    }, 250);

    // Warm-up: the gateway has joined every user's inbox once when FleetLM has received a frame per user, plus one
    // per session of the active (hot) users, whose channels it joins too (ADR 208).
    const load = async () => {
      fleet.stdin!.write("load\n");
      return JSON.parse(await fleetLines.next("load ", 30_000)) as Load;
    };
    const warmStarted = performance.now();
    while ((await load()).socketFrames < users + active * 10) {
      if (performance.now() - warmStarted > 180_000) throw new Error("the gateway did not join every inbox within 3 minutes");
      await sleep(500);
    }
    say(`every inbox joined after ${((performance.now() - warmStarted) / 1000).toFixed(1)} s`);
    // The boot reconciliation reads each indexed session once (the only message reads before any traffic): a
    // one-off cost of every start, measured on its own, so the phases below measure the steady cost.
    const messageReads = (l: Load) => l.httpByRoute["GET /api/sessions/:id/messages"] ?? 0;
    while (messageReads(await load()) < sessions.length) {
      if (performance.now() - warmStarted > 900_000) throw new Error("the boot reconciliation did not end within 15 minutes");
      await sleep(500);
    }
    figures.gateway_boot_reconcile_s = round((performance.now() - warmStarted) / 1000, 1);
    say(`boot reconciliation read every session after ${figures.gateway_boot_reconcile_s} s`);
    await sleep(5_000); // the first re-join round of the hot users passes

    live = await openLive(`http://127.0.0.1:${port}`, cookie);
    const changes = () =>
      live!.frames
        .filter((f) => f.data.type === "session.changed")
        .map((f) => ({ sessionId: String(f.data.sessionId), head: Number((f.data as { headSeq?: number }).headSeq ?? 0), at: f.at }));

    const phase = async (rate: number, seconds: number, over: number, from = 0) => {
      const before = await load();
      const cpuBefore = usage(pid).cpuSeconds;
      const fleetCpuBefore = usage(fleet.pid!).cpuSeconds;
      const started = performance.now();
      fleet.stdin!.write(`go ${rate} ${seconds} ${over} ${from}\n`);
      const sent = JSON.parse(await fleetLines.next("sent ", (seconds + 120) * 1_000)) as Sent[];
      const counts = JSON.parse(await fleetLines.next("counts ", 60_000)) as Record<string, number>;
      const wall = (performance.now() - started) / 1000;
      const cpu = usage(pid).cpuSeconds - cpuBefore;
      const fleetCpu = usage(fleet.pid!).cpuSeconds - fleetCpuBefore;
      const after = await load();
      const consoleRequests = after.httpRequests - before.httpRequests - sent.length + (after.socketFrames - before.socketFrames);
      // Caught up: every touched session's index head reaches what FleetLM stores, within a minute.
      let behind = Infinity;
      let stuck: string[] = [];
      const deadline = Date.now() + 60_000;
      while (behind > 0 && Date.now() < deadline) {
        const rows = await prisma.sessionIndex.findMany({ where: { id: { in: Object.keys(counts) } }, select: { id: true, headSeq: true } });
        behind = rows.reduce((sum, row) => sum + Math.max(0, (counts[row.id] ?? 0) - row.headSeq), 0);
        stuck = rows.filter((row) => (counts[row.id] ?? 0) > row.headSeq).map((row) => `${row.id} ${row.headSeq}/${counts[row.id]}`);
        if (behind > 0) await sleep(500);
      }
      if (stuck.length) say(`${stuck.length} sessions behind after a minute, e.g. ${stuck.slice(0, 5).join(", ")}`);
      say(`${rate}/s trace: ${firstSeen(sent, traceFile)}`);
      say(`${rate}/s FleetLM requests/s by kind (the generator's POSTs included): ${byKind(before, after, wall)}`);
      const fresh = freshness(sent, changes());
      say(
        `${rate}/s over ${over} users for ${seconds} s: sent ${sent.length}, Console CPU ${((cpu / wall) * 100).toFixed(1)} % (FleetLM ${((fleetCpu / wall) * 100).toFixed(1)} %), ` +
          `${(consoleRequests / wall).toFixed(0)} FleetLM requests/s, seen ${fresh.seen}/${sent.length}, p50 ${fresh.p50} ms (of those seen), p95 ${fresh.p95} ms, behind ${behind}`,
      );
      return { cpuPercent: round((cpu / wall) * 100, 1), rps: round(consoleRequests / wall, 1), p95: fresh.p95, lost: behind, sent: sent.length };
    };

    const steady = await phase(100, steadySeconds, active);
    Object.assign(figures, {
      gateway_10k_cpu_percent: steady.cpuPercent,
      gateway_10k_fleetlm_rps: steady.rps,
      freshness_10k_p95_ms: steady.p95,
      gateway_10k_lost: steady.lost,
    });
    const gated = await phase(quick ? 10 : 20, quick ? 10 : 20, gatedUsers, active);
    // Measured only if the gate was on the path: the fake agent answered (nearly) every message.
    const calls = agent.calls.length;
    say(`gated: the fake agent answered ${calls} webhook calls relayed by the gate for ${gated.sent} messages`);
    figures.freshness_10k_gated_p95_ms = calls >= gated.sent * 0.95 ? gated.p95 : null;
    const peak = await phase(800, peakSeconds, Math.min(users, 2_000));
    Object.assign(figures, { gateway_800mps_freshness_p95_ms: peak.p95, gateway_800mps_lost: peak.lost });
    clearInterval(rssTimer);
    figures.gateway_10k_rss_mb = round(peakRss / 1024 / 1024, 1);
    await prisma.$disconnect();
  } catch (error) {
    say(error instanceof Error ? (error.stack ?? error.message) : String(error));
  } finally {
    live?.close();
    await agent?.close();
    consoleServer?.kill("SIGTERM");
    fleet.stdin!.end();
    fleet.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
