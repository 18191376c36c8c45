// Where the paging loader's time goes over the REST read it wraps (history_page_ratio's two sides), layer by
// layer in CPU time: `npx tsx bench/session-profile.ts [pages] [--real]`. The same setup as bench/session.bench.ts
// (dev server in this process, a 10,003-message indexed session, random 100-message `after` pages), each layer
// called on the same page in turn, so a busy machine stretches every layer alike. Prints medians and the ratios.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { FleetLMRest } from "@fleetlm/client";
import { startFleetlmDev } from "../packages/fleetlm-dev/src/index.js";
import { seedMessages } from "./session-seed";
import { benchOperator } from "./support/bench-operator";
import { median } from "./stats";

const args = process.argv.slice(2);
const pages = Number(args.find((a) => /^\d+$/.test(a)) ?? 1500);
const realStorage = args.includes("--real");
/** `--only=A,B`: run only the layers whose name contains A or B (e.g. for `node --cpu-prof`). */
const only = args
  .find((a) => a.startsWith("--only="))
  ?.slice("--only=".length)
  .split(",");

const dir = mkdtempSync(path.join(tmpdir(), "session-profile-"));
const databaseUrl = `file:${path.join(dir, "console.db")}`;
execFileSync("npx", ["prisma", "migrate", "deploy"], { env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: "pipe" });
const server = await startFleetlmDev(
  realStorage ? { port: 0, host: "127.0.0.1", storage: { mode: "real", unflushedNewest: 3, rings: 0 } } : { port: 0, host: "127.0.0.1" },
);
Object.assign(process.env, { DATABASE_URL: databaseUrl, FLEETLM_URL: server.url, GATEWAY_DISABLED: "1" });
try {
  const { db } = await import("../app/db.server");
  const { fleetlm } = await import("../app/fleetlm/fleetlm.server");
  const { loader } = await import("../app/routes/sessions.$id");
  const { readExact } = await import("../app/fleetlm/losses.server");
  const { readHistoryPage } = await import("../app/sessions/history.server");
  const { loadMessagesPage } = await import("../app/sessions/session-view.server");
  const { requireOperator } = await import("../app/auth/guards.server");

  const { cookie } = await benchOperator();
  const rest = new FleetLMRest({ baseUrl: server.url, timeoutMs: 10_000 });
  const session = await rest.createSession({ userId: "bench-user", agentId: "bench-agent" });
  server.store.seed([], seedMessages(session.id, 10_000));
  for (let i = 0; i < 3; i++) await rest.appendMessage(session.id, { userId: "bench-user", content: { text: `newest ${i}` } });
  const head = 10_003;
  await (
    await db()
  ).sessionIndex.create({ data: { id: session.id, userId: "bench-user", agentId: "bench-agent", status: "active", createdAt: new Date(), headSeq: head } });

  const request = (query: string) => new Request(`http://console.bench/sessions/${session.id}${query}`, { headers: { cookie, host: "console.bench" } });
  const layers: [string, (afterSeq: number) => Promise<unknown>][] = [
    ["listMessages (REST, the baseline)", (a) => rest.listMessages(session.id, { afterSeq: a, limit: 100 })],
    ["readRange (SDK)", (a) => fleetlm().readRange(session.id, { from: a + 1, to: a + 100 }, { existsUpTo: head, settleMs: 0 })],
    ["readExact", (a) => readExact(session.id, { from: a + 1, to: a + 100 }, { existsUpTo: head })],
    ["readHistoryPage", (a) => readHistoryPage(session.id, { after: a }, { knownHead: head })],
    ["loadMessagesPage", (a) => loadMessagesPage(session.id, { after: a })],
    ["new Request + guard", async () => requireOperator(request("?after=1&part=messages"))],
    ["loader (with its Request)", (a) => loader({ request: request(`?after=${a}&part=messages`), params: { id: session.id }, context: {} })],
  ];
  if (only) layers.splice(0, layers.length, ...layers.filter(([name]) => only.some((part) => name.includes(part))));
  const cpu: number[][] = layers.map(() => []);
  for (let i = 0; i < pages + 50; i++) {
    const afterSeq = Math.floor(Math.random() * 9_800);
    for (let l = 0; l < layers.length; l++) {
      const since = process.cpuUsage();
      await layers[l]![1](afterSeq);
      const used = process.cpuUsage(since);
      if (i >= 50) cpu[l]!.push((used.user + used.system) / 1000);
    }
  }
  const base = median(cpu[0]!)!;
  const rows = layers.map(([name], l) => ({ layer: name, cpu_ms: Number(median(cpu[l]!)!.toFixed(3)), ratio: Number((median(cpu[l]!)! / base).toFixed(3)) }));
  console.table(rows);
  console.log(JSON.stringify({ storage: realStorage ? "real" : "default", pages, rows }));
  await (await db()).$disconnect();
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
