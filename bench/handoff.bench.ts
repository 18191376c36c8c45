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
import { performance } from "node:perf_hooks";
import type { Page } from "playwright-core";
import { startBenchConsole, type BenchConsole } from "./support/bench-console";
import { percentile, round } from "./stats";

type Figures = Record<string, number | null>;
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MIN_OBSERVED = 0.95;
const TIMEOUT_MS = 10_000;

// As source text (tsx would wrap a function passed to page.evaluate with a helper the page lacks).
// Besides the paint, where the time goes: when each live event reached the page (its type and session), and
// when each request that re-reads the view (Remix's `.data` fetches, the table's `/inbox/rows`) started and ended.
const BROWSER_HELPERS = `
  window.__now = () => performance.timeOrigin + performance.now();
  window.__events = [];
  window.__fetches = [];
  const NativeEventSource = window.EventSource;
  window.EventSource = class extends NativeEventSource {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (frame) => {
        try {
          const event = JSON.parse(frame.data);
          window.__events.push({ t: window.__now(), type: event.type, sessionId: event.sessionId ?? null });
        } catch {}
      });
    }
  };
  const nativeFetch = window.fetch.bind(window);
  window.fetch = (input, init) => {
    const url = String(input instanceof Request ? input.url : input); // Remix passes a URL object
    if (!url.includes(".data") && !url.includes("/inbox/rows")) return nativeFetch(input, init);
    const entry = { start: window.__now(), end: null, aborted: false };
    window.__fetches.push(entry);
    return nativeFetch(input, init).then(
      async (response) => {
        await response.clone().text().catch(() => "");
        entry.end = window.__now();
        // The server's part (request sent → first byte), from the browser's resource timing of this request.
        const timing = performance.getEntriesByName(new URL(url, location.href).href).at(-1);
        entry.server = timing ? timing.responseStart - timing.requestStart : null;
        return response;
      },
      (error) => { entry.end = window.__now(); entry.aborted = true; throw error; },
    );
  };
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

type Phases = { event: number; wait: number; request: number; server: number; paint: number; restarts: number };

/**
 * Where one handoff probe's time went, from the page's own records (BROWSER_HELPERS): the probe's
 * `session.changed` reaching the page, the loader request whose response held the row, and the paint after it.
 */
async function phasesOf(page: Page, sessionId: string, sent: number, seen: number): Promise<Phases | null> {
  const events = (await page.evaluate("window.__events")) as { t: number; type: string; sessionId: string | null }[];
  const fetches = (await page.evaluate("window.__fetches")) as { start: number; end: number | null; aborted: boolean; server: number | null }[];
  const event = events.find((e) => e.type === "session.changed" && e.sessionId === sessionId && e.t >= sent);
  if (!event) return null;
  const done = fetches.filter((f) => f.end !== null && !f.aborted && f.start >= event.t && f.end <= seen);
  const shown = done[done.length - 1];
  if (!shown) return null;
  const restarts = fetches.filter((f) => f.start >= event.t && f.start < shown.start).length;
  return {
    event: event.t - sent,
    wait: shown.start - event.t,
    request: shown.end! - shown.start,
    server: shown.server ?? NaN,
    paint: seen - shown.end!,
    restarts,
  };
}

/** Sessions made before waiting for the index: half of the newest-50 list FleetLM offers for discovery. */
const BATCH = 25;

export async function run({ quick }: { quick: boolean }): Promise<Figures> {
  const figures: Figures = { handoff_detect_p95_ms: null, handoff_detect_baseline_p95_ms: null };
  const probes = quick ? 15 : 60;
  let bench: BenchConsole | null = null;
  try {
    bench = await startBenchConsole({ name: "handoff", operators: ["ann", "bob"], browserHelpers: BROWSER_HELPERS });
    const { rest, pageAs } = bench;
    const agentId = "handoff-bench-agent";
    const all = await pageAs("bob");
    await all.goto("/inbox?pageSize=100");
    const waiting = await pageAs("ann");
    await waiting.goto("/inbox?view=waiting&pageSize=100");
    // Sessions made in batches, each indexed (as "AI has it") before the next, so no probe measures a session's
    // discovery: `GET /api/sessions` lists only the newest 50 (protocol §3.1), and the 65 of full mode made at once pushed
    // the first users' sessions off that list before a discovery poll saw them.
    const made: { id: string; user_id: string }[] = [];
    const userIds = [...[0, 1, 2, 3, 4].map((i) => `plain-user-${i}`), ...Array.from({ length: probes }, (_, i) => `handoff-user-${i % 10}`)];
    for (let start = 0; start < userIds.length; start += BATCH) {
      const batch = await Promise.all(userIds.slice(start, start + BATCH).map((userId) => rest.createSession({ userId, agentId })));
      for (const s of batch) await rest.appendMessage(s.id, { userId: s.user_id, content: { text: "hello" } });
      for (const s of batch) await all.waitForSelector(`[data-testid="unread-${s.id}"]`, { timeout: 120_000 });
      made.push(...batch);
    }
    const plain = made.slice(0, 5);
    const asking = made.slice(5);
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
    const phases: Phases[] = [];
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
      const sent = now();
      const handoffMs = await seenAfter(waiting, () =>
        rest.appendMessage(s.id, { userId: s.user_id, content: { text: `hi, can I talk to a human please? (${i})` } }),
      );
      if (handoffMs === null) missed++;
      else {
        handoff.push(handoffMs);
        const phase = await phasesOf(waiting, s.id, sent, sent + handoffMs);
        if (phase) phases.push(phase);
      }
      await sleep(150 + Math.random() * 250);
    }
    process.stderr.write(
      `handoff: ${handoff.length}/${probes} handoffs, ${baseline.length}/${probes} plain seen; p50 ${round(percentile(handoff, 50), 1)} vs ${round(percentile(baseline, 50), 1)} ms\n`,
    );
    if (phases.length > 0) {
      // p50 and p95 of each hop: the tail is where the figure is decided.
      const med = (key: keyof Phases) => {
        const values = phases.map((p) => p[key]);
        return `${round(percentile(values, 50), 1)}/${round(percentile(values, 95), 1)}`;
      };
      process.stderr.write(
        `handoff phases (p50/p95 ms, ${phases.length} probes): message → its event in the page ${med("event")}, event → the loader request that showed the row ${med("wait")}, ` +
          `that request ${med("request")} (server to first byte ${med("server")}), response → row painted ${med("paint")}; loader requests begun in between ${med("restarts")}\n`,
      );
    }
    if (handoff.length >= probes * MIN_OBSERVED) figures.handoff_detect_p95_ms = round(percentile(handoff, 95), 1);
    if (baseline.length >= probes * MIN_OBSERVED) figures.handoff_detect_baseline_p95_ms = round(percentile(baseline, 95), 1);
    if (missed > 0) process.stderr.write(`handoff: ${missed} probes not seen within ${TIMEOUT_MS} ms\n`);
  } catch (error) {
    process.stderr.write(`handoff: ${error instanceof Error ? error.stack : String(error)}\n`);
  } finally {
    await bench?.close();
  }
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run({ quick: process.argv.includes("--quick") })));
  process.exit(0);
}
