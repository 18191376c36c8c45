// Several Console processes behind one URL (issue 19 part 2): 3 processes of the production build made for
// PostgreSQL, behind the round-robin proxy, on a throw-away PostgreSQL cluster started as scripts/test-pg.sh
// starts one, with a FleetLM dev server in this process. SSE subscribers connect through the proxy (so they
// spread over the processes) as one signed-in operator.
//   cluster_freshness_p95_ms  user message POSTed to FleetLM → that session's session.changed (head ≥ its seq)
//                             on each subscriber, p95 over every (message, subscriber) pair; steady traffic
//   cluster_failover_s        the leader SIGKILLed mid-traffic → another process says it leads
//   cluster_events_lost       (message, subscriber) pairs never delivered, over the steady and the failover
//                             traffic: a subscriber whose process died reconnects through the proxy with its
//                             Last-Event-ID, as EventSource does; a `reset` answer counts its gap as lost
// Full: 150 subscribers, 100 steady messages at 5/s, 40 during the failover. --quick: 30 subscribers, 30 and 20
// messages (same keys, smaller run). No PostgreSQL on the machine: every figure is null, and stderr says why.
import { execFileSync } from "node:child_process";
import { chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { FleetLMRest } from "@fleetlm/client";
import pg from "pg";
import { percentile, round } from "./stats";
import { buildForPostgres, freePort, LEADS, startCluster, type Cluster } from "../tests/cluster/processes";
import { openLive, type LiveClient } from "../tests/cluster/sse-client";

type Figures = Record<string, number | null>;
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const NULLS: Figures = { cluster_events_lost: null, cluster_failover_s: null, cluster_freshness_p95_ms: null };
const say = (line: string) => process.stderr.write(`cluster bench: ${line}\n`);
const sh = (command: string, env: Record<string, string> = {}) =>
  execFileSync("bash", ["-c", command], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] }).toString();

/** A throw-away PostgreSQL on a free port (as scripts/test-pg.sh), or null when none is installed. */
async function startPostgres(): Promise<{ url: string; stop: () => void } | null> {
  const bin = sh("ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true").trim();
  if (!bin) return null;
  const asRoot = process.getuid?.() === 0;
  const run = (command: string) =>
    asRoot ? execFileSync("su", ["postgres", "-c", command], { stdio: ["ignore", "pipe", "inherit"] }).toString() : sh(command);
  const dir = mkdtempSync("/tmp/console-bench-pg.");
  if (asRoot) chownSync(dir, Number(sh("id -u postgres").trim()), Number(sh("id -g postgres").trim()));
  const port = await freePort();
  run(`${bin}/initdb -D ${dir}/data -U postgres --auth=trust -E UTF8 >/dev/null`);
  run(
    `${bin}/pg_ctl -D ${dir}/data -o '-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200' -l ${dir}/log -w start >/dev/null`,
  );
  run(`${bin}/createdb -h 127.0.0.1 -p ${port} -U postgres console_bench`);
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/console_bench`,
    stop: () => {
      try {
        run(`${bin}/pg_ctl -D ${dir}/data -w -m immediate stop >/dev/null`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Signs the dev admin in on one process; the cookie is valid on all (sessions are rows). */
async function signIn(url: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${url}/login`, {
    method: "POST",
    headers: { origin: url, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password }).toString(),
    redirect: "manual",
  });
  const cookie = response.headers.getSetCookie().find((line) => line.startsWith("console_session="));
  if (!cookie) throw new Error(`sign-in answered ${response.status} without a session cookie`);
  return cookie.split(";")[0]!;
}

/**
 * Why messages went unseen: per session the index row, FleetLM's head and what the subscribers saw; the
 * subscribers' processes; BENCH_LOG_DIR=dir also writes every process's log there.
 */
async function diagnose(run: { databaseUrl: string; rest: FleetLMRest; cluster: Cluster; sessions: { id: string }[]; subs: Subscriber[] }) {
  const { databaseUrl, rest, cluster, sessions, subs } = run;
  const dir = process.env.BENCH_LOG_DIR;
  if (dir) {
    mkdirSync(dir, { recursive: true });
    for (const child of cluster.processes) writeFileSync(path.join(dir, `${child.name}.log`), child.lines.join("\n"));
  }
  const heads = new Map<string, number>();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const session of sessions) {
      const { rows } = await client.query<{ headSeq: number }>('SELECT "headSeq" FROM "SessionIndex" WHERE id = $1', [session.id]);
      const head = (await rest.findHeadSeq(session.id)).headSeq;
      heads.set(session.id, head);
      const seen = subs.map((sub) => Math.max(0, ...(sub.seen.get(session.id) ?? []).map((entry) => entry.headSeq)));
      say(
        `session …${session.id.slice(-6)}: index head ${rows[0]?.headSeq ?? "none"}, FleetLM head ${head}, subscribers saw ${Math.min(...seen)}..${Math.max(...seen)}`,
      );
    }
  } finally {
    await client.end();
  }
  const by = new Map<string, { subscribers: number; behind: number }>();
  for (const sub of subs) {
    const entry = by.get(sub.client?.servedBy ?? "none") ?? { subscribers: 0, behind: 0 };
    entry.subscribers += 1;
    if (sessions.some((session) => !(sub.seen.get(session.id) ?? []).some((seen) => seen.headSeq >= heads.get(session.id)!))) entry.behind += 1;
    by.set(sub.client?.servedBy ?? "none", entry);
  }
  say(`subscribers by the process serving them now: ${JSON.stringify(Object.fromEntries(by))}`);
}

type Sent = { sessionId: string; seq: number; at: number; storedAt: number };

/**
 * Where the steady freshness goes, hop by hop, from the replay table's publish times (its `at`, the same clock):
 * POST to FleetLM → the leader published the session.changed (inbox signal + sync) → each subscriber's frame,
 * apart for subscribers on the publishing process and on the others (commit, NOTIFY, their read, SSE).
 */
async function hops(run: { databaseUrl: string; cluster: Cluster; sent: Sent[]; subs: Subscriber[] }) {
  const client = new pg.Client({ connectionString: run.databaseUrl });
  await client.connect();
  let rows: { at: Date; origin: string; event: string }[];
  try {
    ({ rows } = await client.query(`SELECT at, origin, event FROM console_cluster.live_event WHERE event LIKE '{"type":"session.changed"%' ORDER BY id`));
  } finally {
    await client.end();
  }
  const published = rows.map((row) => ({ at: row.at.getTime(), origin: row.origin, ...(JSON.parse(row.event) as { sessionId: string; headSeq: number }) }));
  const nameOf = new Map(run.cluster.processes.map((child) => [String(child.pid), child.name]));
  const post: number[] = [];
  const index: number[] = [];
  const local: number[] = [];
  const remote: number[] = [];
  for (const message of run.sent) {
    const event = published.find((row) => row.sessionId === message.sessionId && row.headSeq >= message.seq);
    post.push(message.storedAt - message.at);
    if (!event) continue;
    index.push(event.at - message.storedAt);
    const publisher = nameOf.get(event.origin.split("-")[0]!);
    for (const sub of run.subs) {
      const first = (sub.seen.get(message.sessionId) ?? []).find((entry) => entry.headSeq >= message.seq);
      if (first) (first.by === publisher ? local : remote).push(first.at - event.at);
    }
  }
  const line = (values: number[]) => `p50 ${percentile(values, 50)} / p95 ${percentile(values, 95)} ms (${values.length})`;
  say(`hops — POST to FleetLM ${line(post)}; answered → published (signal + sync) ${line(index)}`);
  say(`hops — published → frame, on the publishing process ${line(local)}, on another process ${line(remote)}`);
}

type Subscriber = { client: LiveClient | null; seen: Map<string, { headSeq: number; at: number; by: string | null }[]>; resets: number; closed: boolean };

export async function run({ quick }: { quick: boolean }): Promise<Figures> {
  const subscribers = quick ? 30 : 150;
  const steadyMessages = quick ? 30 : 100;
  const failoverMessages = quick ? 20 : 40;
  const database = await startPostgres();
  if (!database) {
    say("PostgreSQL is not installed (Debian: apt-get install postgresql): the cluster figures are null");
    return NULLS;
  }
  let cluster: Cluster | null = null;
  const subs: Subscriber[] = [];
  try {
    say("generating the PostgreSQL client, migrating, building for PostgreSQL");
    const env = { DATABASE_URL: database.url };
    let admin: { email: string; password: string };
    try {
      sh("npx prisma generate >/dev/null", env);
      sh("npx prisma migrate deploy >/dev/null", env);
      admin = JSON.parse(sh("npx tsx scripts/dev-admin.ts", env).trim().split("\n").pop()!) as typeof admin;
      buildForPostgres(database.url); // shared with the cluster tests: rebuilt only when app/ changed
    } finally {
      sh("npx prisma generate >/dev/null", { DATABASE_URL: "file:./prisma/dev.db" }); // the tree's client stays SQLite's
    }
    cluster = await startCluster({ databaseUrl: database.url });
    const cookie = await signIn(cluster.processes[0]!.url, admin.email, admin.password);
    const rest = new FleetLMRest({ baseUrl: cluster.fleetlm.url, timeoutMs: 10_000 });

    // Subscribers through the proxy; one whose stream ends reconnects through it with its Last-Event-ID.
    const connect = async (sub: Subscriber, lastEventId?: number): Promise<void> => {
      for (let attempt = 0; !sub.closed; attempt++) {
        try {
          const client = await openLive(cluster!.proxyUrl, cookie, lastEventId === undefined ? {} : { lastEventId });
          sub.client = client;
          let read = 0;
          const pump = () => {
            for (; read < client.frames.length; read++) {
              const frame = client.frames[read]!;
              if (frame.data.type === "reset") sub.resets += 1;
              if (frame.data.type !== "session.changed") continue;
              const list = sub.seen.get(frame.data.sessionId!) ?? [];
              list.push({ headSeq: frame.data.headSeq as number, at: frame.at, by: client.servedBy });
              sub.seen.set(frame.data.sessionId!, list);
            }
          };
          void client
            .until(() => (pump(), false), "the end", 24 * 3600_000)
            .catch(() => {
              pump();
              if (!sub.closed) void connect(sub, client.lastEventId());
            });
          return;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 50 * 2 ** attempt))); // a dead target: the next try goes elsewhere
        }
      }
    };
    for (let i = 0; i < subscribers; i++) {
      const sub: Subscriber = { client: null, seen: new Map(), resets: 0, closed: false };
      subs.push(sub);
      await connect(sub);
    }

    // Sessions, each warmed up with one message every subscriber saw (new users are found by the discovery poll).
    const sessions = await Promise.all(Array.from({ length: 10 }, (_, i) => rest.createSession({ userId: `bench-user-${i}`, agentId: "demo-agent" })));
    const sent: { sessionId: string; seq: number; at: number; storedAt: number; phase: "steady" | "failover" }[] = [];
    const seenAll = (sessionId: string, seq: number) => subs.every((sub) => (sub.seen.get(sessionId) ?? []).some((entry) => entry.headSeq >= seq));
    const waitUntil = async (done: () => boolean, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      return done();
    };
    for (const session of sessions) {
      const message = await rest.appendMessage(session.id, { userId: session.user_id, content: { text: "warm-up" } });
      if (!(await waitUntil(() => seenAll(session.id, message.seq), 60_000))) throw new Error("the warm-up messages did not reach every subscriber");
    }

    const post = async (i: number, phase: "steady" | "failover") => {
      const session = sessions[i % sessions.length]!;
      const at = Date.now();
      const message = await rest.appendMessage(session.id, { userId: session.user_id, content: { text: `${phase} ${i}` } });
      sent.push({ sessionId: session.id, seq: message.seq, at, storedAt: Date.now(), phase });
    };
    say(`${subscribers} subscribers; ${steadyMessages} steady messages at 5/s`);
    for (let i = 0; i < steadyMessages; i++) {
      await post(i, "steady");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    say(`SIGKILL of the leader during ${failoverMessages} more messages`);
    const leader = cluster.leader()!;
    const others = cluster.processes.filter((process) => process !== leader);
    let failoverS: number | null = null;
    for (let i = 0; i < failoverMessages; i++) {
      if (i === 5) {
        const killedAt = Date.now();
        await leader.kill("SIGKILL");
        void Promise.race(others.map((process) => process.waitFor(LEADS, 30_000))).then(
          () => (failoverS = (Date.now() - killedAt) / 1000),
          () => {},
        );
      }
      await post(steadyMessages + i, "failover");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await waitUntil(() => sent.every((message) => seenAll(message.sessionId, message.seq)), 60_000);

    const latencies: number[] = [];
    let lost = 0;
    const lostBy = { steady: 0, failover: 0 };
    const unseen = new Set<string>();
    for (const message of sent) {
      for (const sub of subs) {
        const first = (sub.seen.get(message.sessionId) ?? []).find((entry) => entry.headSeq >= message.seq);
        if (!first) {
          lost += 1;
          lostBy[message.phase] += 1;
          unseen.add(`${message.phase}:${message.sessionId.slice(-6)}#${message.seq}`);
        } else if (message.phase === "steady") latencies.push(first.at - message.at);
      }
    }
    say(`lost by phase ${JSON.stringify(lostBy)}; messages some subscriber never saw: ${[...unseen].slice(0, 20).join(" ")}`);
    say(
      `steady latency p50 ${percentile(latencies, 50)} ms, p95 ${percentile(latencies, 95)} ms, max ${Math.max(...latencies)} ms over ${latencies.length} pairs`,
    );
    await hops({ databaseUrl: database.url, cluster, sent: sent.filter((message) => message.phase === "steady"), subs });
    if (lost > 0) await diagnose({ databaseUrl: database.url, rest, cluster, sessions, subs });
    const resets = subs.reduce((sum, sub) => sum + sub.resets, 0);
    say(`${sent.length} messages × ${subscribers} subscribers: ${lost} lost, ${resets} resets, failover ${failoverS ?? "not seen"} s`);
    return {
      cluster_events_lost: lost,
      cluster_failover_s: failoverS === null ? null : round(failoverS, 2),
      // Reported only when at least 95% of its pairs were observed, as the other freshness figures.
      cluster_freshness_p95_ms: latencies.length >= 0.95 * steadyMessages * subscribers ? round(percentile(latencies, 95), 0) : null,
    };
  } catch (error) {
    say(`failed: ${(error as Error).message}`);
    return NULLS;
  } finally {
    for (const sub of subs) {
      sub.closed = true;
      sub.client?.close();
    }
    await cluster?.stop();
    database.stop();
  }
}
