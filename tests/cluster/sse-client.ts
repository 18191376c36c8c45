// A browser-like client of /live over real HTTP: the cookie, `Last-Event-ID` on a reconnect, frames parsed as
// EventSource does (`id:` lines without data move the resume point). `until` waits for the frames themselves.
import http from "node:http";
export type Frame = { id: number; at: number; data: { type: string; sessionId?: string } & Record<string, unknown> };

export type LiveClient = {
  frames: Frame[];
  /** The process that answered (the proxy's X-Console-Process), when through the proxy. */
  servedBy: string | null;
  /** The newest id seen, as EventSource would send it in Last-Event-ID. */
  lastEventId: () => number;
  until: (done: (frames: Frame[]) => boolean, what: string, timeoutMs?: number) => Promise<Frame[]>;
  close: () => void;
};

/** One /live stream on its own socket (node:http, no pooling), closed for good by close(), as a tab closing. */
export async function openLive(baseUrl: string, cookie: string, options: { watch?: string[]; lastEventId?: number } = {}): Promise<LiveClient> {
  const query = new URLSearchParams();
  for (const sessionId of options.watch ?? []) query.append("watch", sessionId);
  const headers: Record<string, string> = { cookie, accept: "text/event-stream" };
  if (options.lastEventId !== undefined) headers["last-event-id"] = String(options.lastEventId);
  const url = new URL(`${baseUrl}/live${query.size ? `?${query}` : ""}`);
  const frames: Frame[] = [];
  const waiters = new Set<() => void>();
  let lastId = options.lastEventId ?? 0;
  let ended = false;
  const end = () => {
    ended = true;
    for (const check of waiters) check();
  };
  const { request, response } = await new Promise<{ request: http.ClientRequest; response: http.IncomingMessage }>((resolve, reject) => {
    const request = http.get(url, { headers, agent: false }, (response) => resolve({ request, response }));
    request.once("error", reject);
  });
  request.on("error", end);
  if (response.statusCode !== 200) {
    request.destroy();
    throw new Error(`/live answered ${response.statusCode}`);
  }
  response.setEncoding("utf8");
  let text = "";
  response.on("data", (chunk: string) => {
    text += chunk;
    let cut: number;
    while ((cut = text.indexOf("\n\n")) >= 0) {
      const block = text.slice(0, cut);
      text = text.slice(cut + 2);
      let id: number | null = null;
      let data: string | null = null;
      for (const line of block.split("\n")) {
        if (line.startsWith("id: ")) id = Number(line.slice(4));
        else if (line.startsWith("data: ")) data = line.slice(6);
      }
      if (id !== null) lastId = id;
      if (id !== null && data !== null) frames.push({ id, at: Date.now(), data: JSON.parse(data) as Frame["data"] });
    }
    for (const check of waiters) check();
  });
  response.on("close", end);
  response.on("error", end);
  const until = (done: (frames: Frame[]) => boolean, what: string, timeoutMs = 5_000) =>
    new Promise<Frame[]>((resolve, reject) => {
      const timer = setTimeout(
        () => finish(new Error(`gave up waiting for ${what}; frames: ${JSON.stringify(frames.map((f) => [f.id, f.data.type]))}`)),
        timeoutMs,
      );
      const finish = (error?: Error) => {
        clearTimeout(timer);
        waiters.delete(check);
        if (error) reject(error);
        else resolve(frames);
      };
      const check = () => {
        if (done(frames)) finish();
        else if (ended) finish(new Error(`the stream ended before ${what}`));
      };
      waiters.add(check);
      check();
    });
  const servedBy = response.headers["x-console-process"];
  return {
    frames,
    servedBy: typeof servedBy === "string" ? servedBy : null,
    lastEventId: () => lastId,
    until,
    close: () => {
      request.destroy();
      end();
    },
  };
}
