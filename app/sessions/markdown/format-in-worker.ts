// The page's side of markdown.worker.ts: one worker per tab, started on first use, asked one text at a time.
// A parse past WORKER_MARKDOWN.timeoutMs ends the worker (the next request starts a new one), so no text can
// keep it busy for others.
import type { WorkerReply } from "./markdown.worker";
import { WORKER_MARKDOWN, type HastVerdict } from "./to-hast";

let worker: Worker | null = null;
let nextId = 1;
const waiting = new Map<number, (verdict: HastVerdict) => void>();

function settleAll(reason: string) {
  for (const resolve of waiting.values()) resolve({ ok: false, reason });
  waiting.clear();
}

function theWorker(): Worker {
  if (worker) return worker;
  worker = new Worker(new URL("./markdown.worker.ts", import.meta.url), { type: "module" });
  worker.onmessage = (event: MessageEvent<WorkerReply>) => {
    const { id, ...verdict } = event.data;
    waiting.get(id)?.(verdict as HastVerdict);
    waiting.delete(id);
  };
  worker.onerror = (event) => {
    console.warn(`markdown worker failed: ${event.message}`);
    worker?.terminate();
    worker = null;
    settleAll("Could not format, shown as plain text");
  };
  return worker;
}

/** Whether this browser can format off the main thread (never during the server render). */
export const canFormatInWorker = () => typeof Worker !== "undefined";

export function formatInWorker(text: string): Promise<HastVerdict> {
  if (!canFormatInWorker()) return Promise.resolve({ ok: false, reason: "Too long to format, shown as plain text" });
  const id = nextId++;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      if (!waiting.has(id)) return;
      // Too slow: end the worker, and with it every parse it still had.
      worker?.terminate();
      worker = null;
      settleAll("Too much markup to format, shown as plain text");
    }, WORKER_MARKDOWN.timeoutMs);
    waiting.set(id, (verdict) => {
      clearTimeout(timer);
      resolve(verdict);
    });
    theWorker().postMessage({ id, text });
  });
}
