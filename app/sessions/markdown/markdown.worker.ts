// The Web Worker that formats long markdown off the page's main thread (to-hast.ts).
import { markdownToHast } from "./to-hast";

export type WorkerRequest = { id: number; text: string };
export type WorkerReply = { id: number } & ReturnType<typeof markdownToHast>;

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const { id, text } = event.data;
  const reply: WorkerReply = { id, ...markdownToHast(text) };
  self.postMessage(reply);
};
