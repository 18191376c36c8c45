// "Waiting on a human" detection as an operator sees it (issue 16): the production build (build/, server.mjs, its
// gateway on the default timers) against a faithful dev server, and the system Chromium via playwright-core.
//   handoff_detect_p95_ms           a user message asking for a person ("can I talk to a human?") POSTed to
//                                   FleetLM → that session's row, with its reason, painted in Ann's
//                                   "Waiting on a human" view (`/inbox?view=waiting`)
//   handoff_detect_baseline_p95_ms  the same run's plain user message → its unread badge changed in Bob's "All"
//                                   view: the path every message takes (signal, sync, event, reload), without the
//                                   handoff rule and the row entering a view
// Probes alternate (plain, handoff, plain, …) so both figures see the same machine load. Each handoff probe uses
// a session of its own, indexed beforehand (a first message, so it starts as "AI has it"), since a session stays
// waiting once it is. The agent is registered nowhere: nothing answers, only the probes' messages exist.
import { execFileSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { Browser, Page } from "playwright-core";
import { FleetLMRest } from "@fleetlm/client";
import { startFleetlmDev } from "../packages/fleetlm-dev/src/index.js";
import { freePort, launchChromium, startConsole } from "./inbox-freshness.bench";
import { percentile, round } from "./stats";

type Figures = Record<string, number | null>;
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const MIN_OBSERVED = 0.95;
const TIMEOUT_MS = 10_000;

// As source text (tsx would wrap a function passed to page.evaluate with a helper the page lacks).
const BROWSER_HELPERS = `
  window.__now = () => performance.timeOrigin + performance.now();
  window.__text = (selector) => document.querySelector(selector)?.textContent?.trim() ?? "";
  // Resolves with the time of the first frame after test(document) holds (null on timeout).
  window.__arm = (test, timeoutMs) => {
    window.__seen = new Promise((resolve) => {
      let timer;
      const done = (value) => { observer.disconnect(); clearTimeout(timer); resolve(value); };
      const observer = new MutationObserver(() => { if (test()) requestAnimationFrame(() => done(window.__now())); });
      observer.observe(document.body, { subtree: true, childList: true, characterData: true });
      timer = setTimeout(() => done(null), timeoutMs);
    });
  };
`;
const js = JSON.stringify;

export async function run({ quick }: { quick: boolean }): Promise<Figures> {
  const figures: Figures = { handoff_detect_p95_ms: null, handoff_detect_baseline_p95_ms: null };
  if (!existsSync(path.join(ROOT, "build/server/index.js"))) {
    process.stderr.write("handoff: no build/, running remix vite:build\n");
    execFileSync("npx", ["remix", "vite:build"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  }
  const probes = quick ? 15 : 60;
  const dir = mkdtempSync(path.join(tmpdir(), "handoff-bench-"));
  const databaseUrl = `file:${path.join(dir, "console.db")}`;
  execFileSync("npx", ["prisma", "migrate", "deploy"], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: "pipe" });
  const server = await startFleetlmDev({ port: 0, host: "127.0.0.1" });
  Object.assign(process.env, { DATABASE_URL: databaseUrl, FLEETLM_URL: server.url });
  let consoleServer: ChildProcess | null = null;
  let browser: Browser | null = null;
  try {
    const { lucia } = await import("../app/auth/lucia.server");
    const { createOperator } = await import("../app/operators/operators.server");
    const cookieFor = async (name: string) => {
      const op = await createOperator({ email: `${name}@bench.test`, name, role: "operator", password: "bench password 123" }, null);
      return { name: lucia().sessionCookieName, value: (await lucia().createSession(op.id, { createdAt: new Date() })).id };
    };
    const [ann, bob] = [await cookieFor("ann"), await cookieFor("bob")];
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    consoleServer = await startConsole({
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: databaseUrl,
      FLEETLM_URL: server.url,
      SESSION_SECRET: randomBytes(32).toString("hex"),
      CONSOLE_PUBLIC_URL: base,
      GATEWAY_DISABLED: "0", // the runner disables it for in-process benches; this one measures it
    });
    browser = await launchChromium();
    const pageAs = async (cookie: { name: string; value: string }) => {
      const context = await browser!.newContext({ baseURL: base, viewport: { width: 1400, height: 900 } });
      await context.addCookies([{ ...cookie, url: base }]);
      await context.addInitScript({ content: BROWSER_HELPERS });
      return context.newPage();
    };

    const rest = new FleetLMRest({ baseUrl: server.url, timeoutMs: 10_000 });
    const agentId = "handoff-bench-agent";
    const plain = await Promise.all([0, 1, 2, 3, 4].map((i) => rest.createSession({ userId: `plain-user-${i}`, agentId })));
    const asking = [];
    for (let i = 0; i < probes; i++) asking.push(await rest.createSession({ userId: `handoff-user-${i % 10}`, agentId }));
    for (const s of [...plain, ...asking]) await rest.appendMessage(s.id, { userId: s.user_id, content: { text: "hello" } });

    const all = await pageAs(bob);
    await all.goto("/inbox?pageSize=100");
    const waiting = await pageAs(ann);
    await waiting.goto("/inbox?view=waiting&pageSize=100");
    // Every session indexed (as "AI has it") before the first probe, so no probe measures a session's discovery.
    for (const s of [...plain, ...asking]) await all.waitForSelector(`[data-testid="unread-${s.id}"]`, { timeout: 120_000 });
    await sleep(1_500);

    const badge = (id: string) => `[data-testid="unread-${id}"]`;
    const seenAfter = async (page: Page, send: () => Promise<unknown>): Promise<number | null> => {
      const sent = now();
      await send();
      const seen = (await page.evaluate("window.__seen")) as number | null;
      return seen === null ? null : seen - sent;
    };
    const handoff: number[] = [];
    const baseline: number[] = [];
    let missed = 0;
    for (let i = 0; i < probes; i++) {
      const p = plain[i % plain.length]!;
      const before = (await all.evaluate(`window.__text(${js(badge(p.id))})`)) as string;
      await all.evaluate(`window.__arm(() => window.__text(${js(badge(p.id))}) !== ${js(before)}, ${TIMEOUT_MS})`);
      const plainMs = await seenAfter(all, () => rest.appendMessage(p.id, { userId: p.user_id, content: { text: `plain probe ${i}` } }));
      if (plainMs === null) missed++;
      else baseline.push(plainMs);
      await sleep(150 + Math.random() * 250);

      const s = asking[i]!;
      await waiting.evaluate(`window.__arm(() => document.querySelector(${js(`[data-testid="reason-${s.id}"]`)}) !== null, ${TIMEOUT_MS})`);
      const handoffMs = await seenAfter(waiting, () =>
        rest.appendMessage(s.id, { userId: s.user_id, content: { text: `hi, can I talk to a human please? (${i})` } }),
      );
      if (handoffMs === null) missed++;
      else handoff.push(handoffMs);
      await sleep(150 + Math.random() * 250);
    }
    process.stderr.write(
      `handoff: ${handoff.length}/${probes} handoffs, ${baseline.length}/${probes} plain seen; p50 ${round(percentile(handoff, 50), 1)} vs ${round(percentile(baseline, 50), 1)} ms\n`,
    );
    if (handoff.length >= probes * MIN_OBSERVED) figures.handoff_detect_p95_ms = round(percentile(handoff, 95), 1);
    if (baseline.length >= probes * MIN_OBSERVED) figures.handoff_detect_baseline_p95_ms = round(percentile(baseline, 95), 1);
    if (missed > 0) process.stderr.write(`handoff: ${missed} probes not seen within ${TIMEOUT_MS} ms\n`);
  } catch (error) {
    process.stderr.write(`handoff: ${error instanceof Error ? error.stack : String(error)}\n`);
  } finally {
    await browser?.close().catch(() => {});
    consoleServer?.kill("SIGTERM");
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run({ quick: process.argv.includes("--quick") })));
  process.exit(0);
}
