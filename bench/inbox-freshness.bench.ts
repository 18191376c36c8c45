// Inbox freshness and chunk relay, as a person at the screen sees them: the Console's production build
// (build/, served by server.mjs with its gateway on the default timers) against a faithful dev server (quirks
// on, so FleetLM's inbox goes quiet after one second and the gateway's re-joins carry the signal), and the
// system Chromium driven by playwright-core.
//   inbox_freshness_p50_ms / _p95_ms  user message POSTed to FleetLM → my unread badge for it changes
//   inbox_freshness_watched_p95_ms    the same for a session another operator has open (gateway on its channel)
//   chunk_relay_added_p95_ms          a stream_chunk painted in Chromium minus its arrival at a plain phoenix
//                                     client in this process (what the Console's relay adds on top of FleetLM)
//   chunk_relay_console_p95_ms        the same chunk's arrival at that client → the bubble's DOM changed: the
//                                     relay and the render without the wait for the display's next frame, which
//                                     a page connected to FleetLM directly would wait for as well (informational)
// Times are epoch milliseconds from performance.timeOrigin + performance.now() on both sides (same machine);
// "painted" is the first animation frame after the DOM change. Figures that cannot be measured are null.
import { performance } from "node:perf_hooks";
import { Socket } from "phoenix";
import type { Page } from "playwright-core";
import WebSocket from "ws";
import type { FleetLMRest } from "@fleetlm/client";
import { startBenchConsole, type BenchConsole } from "./support/bench-console";
import { percentile, round } from "./stats";

type Figures = Record<string, number | null>;
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A figure is reported only when at least this share of its samples was observed (never a partial guess). */
const MIN_OBSERVED = 0.95;

// Browser-side helpers, as source text: tsx would wrap functions passed to page.evaluate with its own
// `__name` helper, which does not exist in the page.
const BROWSER_HELPERS = `
  window.__now = () => performance.timeOrigin + performance.now();
  window.__badgeText = (id) => document.querySelector('[data-testid="unread-' + id + '"]')?.textContent?.trim() ?? "";
  // Resolves with the time of the first frame after the badge's text differs from "before" (null on timeout).
  window.__armBadge = (id, before, timeoutMs) => {
    window.__badge = new Promise((resolve) => {
      let timer;
      const observer = new MutationObserver(() => {
        if (window.__badgeText(id) !== before) requestAnimationFrame(() => done(window.__now()));
      });
      const done = (value) => { observer.disconnect(); clearTimeout(timer); resolve(value); };
      observer.observe(document.body, { subtree: true, childList: true, characterData: true });
      timer = setTimeout(() => done(null), timeoutMs);
    });
  };
  // Records the live bubble's text at every frame after a DOM change, and when that change was made (the
  // observer's callback runs right after the render that made it: its time minus the chunk's arrival is the
  // page's own work; the frame after it, the wait for paint).
  window.__startPaints = () => {
    window.__paints = [];
    window.__chunks = [];
    window.__paintObserver?.disconnect();
    window.__paintObserver = new MutationObserver(() => {
      const mutated = window.__now();
      const text = document.querySelector('[data-testid="live-bubble"]')?.textContent ?? "";
      requestAnimationFrame(() => window.__paints.push({ t: window.__now(), mutated, text }));
    });
    window.__paintObserver.observe(document.body, { subtree: true, childList: true, characterData: true });
  };
  // Each text-delta chunk's arrival in the page, before the page's own handler sees it (registered first).
  // And each session.changed, for the badge's hops (message → event in the page → badge painted).
  window.__changed = [];
  const NativeEventSource = window.EventSource;
  window.EventSource = class extends NativeEventSource {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (frame) => {
        const t = window.__now();
        if (frame.data.includes('"session.changed"')) window.__changed.push({ t, data: frame.data });
        if (!window.__chunks || !frame.data.includes('"text-delta"')) return;
        try {
          const event = JSON.parse(frame.data);
          if (event.type === "chunk" && event.chunk?.type === "text-delta") window.__chunks.push(t);
        } catch {}
      });
    }
  };
`;

const js = JSON.stringify;
const armBadge = (page: Page, sessionId: string, before: string, timeoutMs: number) =>
  page.evaluate(`window.__armBadge(${js(sessionId)}, ${js(before)}, ${timeoutMs})`);
const badgeText = (page: Page, sessionId: string) => page.evaluate(`window.__badgeText(${js(sessionId)})`) as Promise<string>;

async function measureBadges(page: Page, rest: FleetLMRest, sessions: { id: string; user_id: string }[], count: number): Promise<number[] | null> {
  const samples: number[] = [];
  const hops: { event: number; paint: number }[] = [];
  let missed = 0;
  await page.evaluate("window.__changed.splice(0)");
  for (let i = 0; i < count; i++) {
    const session = sessions[i % sessions.length];
    const before = await badgeText(page, session.id);
    await armBadge(page, session.id, before, 10_000);
    const sent = now();
    await rest.appendMessage(session.id, { userId: session.user_id, content: { text: `freshness probe ${i}` } });
    const seen = (await page.evaluate("window.__badge")) as number | null;
    if (seen === null) missed++;
    else {
      samples.push(seen - sent);
      const changed = (await page.evaluate("window.__changed.splice(0)")) as { t: number; data: string }[];
      const event = changed.find((c) => c.t >= sent && c.data.includes(js(session.id)));
      if (event) hops.push({ event: event.t - sent, paint: seen - event.t });
    }
    await sleep(150 + Math.random() * 250);
  }
  if (hops.length > 0) {
    const hop = (key: "event" | "paint") =>
      `${round(
        percentile(
          hops.map((h) => h[key]),
          50,
        ),
        1,
      )}/${round(
        percentile(
          hops.map((h) => h[key]),
          95,
        ),
        1,
      )}`;
    process.stderr.write(
      `badge (p50/p95 ms, ${hops.length} probes): message → its session.changed in the page ${hop("event")}, → badge painted ${hop("paint")}\n`,
    );
  }
  return samples.length >= count * MIN_OBSERVED && missed <= count * (1 - MIN_OBSERVED) ? samples : null;
}

async function measureChunkRelay(
  page: Page,
  rest: FleetLMRest,
  socketUrl: string,
  session: { id: string; user_id: string },
  replies: number,
): Promise<{ added: number[]; console: number[] } | null> {
  // The plain phoenix client: what any FleetLM client would see, in this process.
  const socket = new Socket(socketUrl, { transport: WebSocket as never, params: { user_id: session.user_id } });
  socket.connect();
  const channel = socket.channel(`session:${session.id}`, {});
  await new Promise<void>((resolve, reject) =>
    channel
      .join()
      .receive("ok", () => resolve())
      .receive("error", (e) => reject(new Error(JSON.stringify(e)))),
  );
  let arrivals: { t: number; delta: string }[] = [];
  channel.on("stream_chunk", (payload: { chunk?: { type?: string; delta?: unknown } }) => {
    if (payload.chunk?.type === "text-delta" && typeof payload.chunk.delta === "string") arrivals.push({ t: now(), delta: payload.chunk.delta });
  });
  const added: number[] = [];
  const hops: { relay: number; render: number; frame: number }[] = [];
  let expected = 0;
  try {
    for (let r = 0; r < replies; r++) {
      arrivals = [];
      await page.evaluate("window.__startPaints()");
      await rest.appendMessage(session.id, { userId: session.user_id, content: { text: `relay probe ${r}` } });
      // The reply streams for a few seconds; wait until its persisted message replaces the bubble.
      const deadline = Date.now() + 30_000;
      const head = async () => (await rest.listMessages(session.id, { limit: 1000 })).at(-1);
      while (Date.now() < deadline && (await head())?.sender_id === session.user_id) await sleep(200);
      await sleep(500);
      const paints = (await page.evaluate("window.__paints")) as { t: number; mutated: number; text: string }[];
      const inPage = (await page.evaluate("window.__chunks")) as number[];
      const squash = (s: string) => s.replace(/\s+/g, " ").trim();
      let cumulative = "";
      for (const [i, arrival] of arrivals.entries()) {
        cumulative += arrival.delta;
        const target = squash(cumulative);
        if (!target) continue;
        expected++;
        const painted = paints.find((p) => p.t >= arrival.t - 1 && squash(p.text).includes(target));
        if (!painted) continue;
        added.push(painted.t - arrival.t);
        // The page's records of the same chunk (text-delta chunks arrive in the same order on both sides).
        const reached = inPage[i];
        if (reached !== undefined && inPage.length === arrivals.length)
          hops.push({ relay: reached - arrival.t, render: painted.mutated - reached, frame: painted.t - painted.mutated });
      }
    }
  } finally {
    channel.leave();
    socket.disconnect();
  }
  if (hops.length > 0) {
    const hop = (key: "relay" | "render" | "frame") => {
      const values = hops.map((h) => h[key]);
      return `${round(percentile(values, 50), 1)}/${round(percentile(values, 95), 1)}`;
    };
    process.stderr.write(
      `chunk relay (p50/p95 ms, ${hops.length} chunks): phoenix client → the page's EventSource ${hop("relay")}, → the bubble's DOM changed ${hop("render")}, → the next frame ${hop("frame")}\n`,
    );
  }
  const enough = expected > 0 && added.length >= expected * MIN_OBSERVED;
  return enough ? { added, console: hops.map((h) => h.relay + h.render) } : null;
}

export async function run({ quick }: { quick: boolean }): Promise<Figures> {
  const figures: Figures = {
    inbox_freshness_p50_ms: null,
    inbox_freshness_p95_ms: null,
    inbox_freshness_watched_p95_ms: null,
    chunk_relay_added_p95_ms: null,
    chunk_relay_console_p95_ms: null,
  };
  let bench: BenchConsole | null = null;
  try {
    bench = await startBenchConsole({ name: "freshness", operators: ["ann", "bob"], browserHelpers: BROWSER_HELPERS, demo: true });
    const { rest, fleetlm, pageAs } = bench;
    const sessions = await Promise.all([0, 1, 2, 3, 4].map((i) => rest.createSession({ userId: `fresh-user-${i}`, agentId: "bench-agent" })));
    for (const s of sessions) await rest.appendMessage(s.id, { userId: s.user_id, content: { text: "hello" } });

    const inbox = await pageAs("ann");
    await inbox.goto("/inbox");
    for (const s of sessions) await inbox.waitForSelector(`[data-testid="unread-${s.id}"]`, { timeout: 60_000 });
    await sleep(1_500); // let the first join/poll settle so the first probe is not the indexing of the session

    const plain = await measureBadges(inbox, rest, sessions, quick ? 20 : 100);
    if (plain) {
      figures.inbox_freshness_p50_ms = round(percentile(plain, 50), 1);
      figures.inbox_freshness_p95_ms = round(percentile(plain, 95), 1);
    }

    // Watched: Bob has one session open, so the gateway is on its channel; Ann's badge for it is measured.
    const watched = sessions[0];
    const viewer = await pageAs("bob");
    await viewer.goto(`/sessions/${watched.id}`);
    await viewer.waitForLoadState("networkidle").catch(() => {});
    await sleep(1_500);
    const watchedSamples = await measureBadges(inbox, rest, [watched], quick ? 10 : 50);
    if (watchedSamples) figures.inbox_freshness_watched_p95_ms = round(percentile(watchedSamples, 95), 1);

    // Chunk relay: Bob watches a session with the demo agent, which streams its replies.
    const demo = await rest.createSession({ userId: "relay-user", agentId: "demo-agent" });
    await viewer.goto(`/sessions/${demo.id}`);
    await viewer.waitForLoadState("networkidle").catch(() => {});
    await sleep(1_500);
    const relay = await measureChunkRelay(viewer, rest, fleetlm.socketUrl, demo, quick ? 2 : 8);
    if (relay) figures.chunk_relay_added_p95_ms = round(percentile(relay.added, 95), 1);
    if (relay && relay.console.length >= relay.added.length * MIN_OBSERVED) figures.chunk_relay_console_p95_ms = round(percentile(relay.console, 95), 1);
  } catch (error) {
    process.stderr.write(`inbox-freshness: ${error instanceof Error ? error.stack : String(error)}\n`);
  } finally {
    await bench?.close();
  }
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run({ quick: process.argv.includes("--quick") })));
  process.exit(0);
}
