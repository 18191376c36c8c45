import { call, makeOperator, request, type TestOperator } from "../support/auth";
import { describe, expect, it } from "vitest";
import { LiveBus, liveBus, type Delivered } from "~/live/bus.server";
import { createLiveStream, encodeEvent, isVisible, parseLiveQuery } from "~/live/sse.server";
import type { LiveEvent } from "~/live/events";
import { loader } from "~/routes/live";

const changed = (sessionId: string): LiveEvent => ({
  type: "session.changed",
  sessionId,
  userId: "u",
  agentId: "a",
  headSeq: 1,
  lastActivityAt: null,
  lastSenderRole: "user",
  lastPreview: "hi",
});
const message = (sessionId: string): LiveEvent => ({
  type: "message",
  sessionId,
  message: { id: "m", sessionId, seq: 1, senderId: "u", kind: "text", content: { text: "hi" }, metadata: {}, insertedAt: new Date().toISOString() },
});

/** Reads SSE frames until `until` holds for the parsed data frames, then aborts the request. */
async function readFrames(
  body: ReadableStream<Uint8Array>,
  until: (frames: { id: number; data: { type: string } & Record<string, unknown> }[]) => boolean,
  abort?: () => void,
) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const frames: { id: number; data: { type: string } & Record<string, unknown> }[] = [];
  const deadline = Date.now() + 5_000;
  while (!until(frames) && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    let cut: number;
    while ((cut = text.indexOf("\n\n")) >= 0) {
      const block = text.slice(0, cut);
      text = text.slice(cut + 2);
      const id = /^id: (\d+)$/m.exec(block);
      const data = /^data: (.*)$/m.exec(block);
      if (id && data) frames.push({ id: Number(id[1]), data: JSON.parse(data[1]!) });
    }
  }
  abort?.();
  reader.releaseLock();
  return frames;
}

function liveRequest(path: string, as: TestOperator | null, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const base = request(path, { as, headers: { accept: "text/event-stream", ...headers } });
  return { req: new Request(base, { signal: controller.signal }), abort: () => controller.abort() };
}

describe("SSE visibility rules", () => {
  const me = { operatorId: "op-1", watched: new Set(["s-watched"]) };
  const deliver = (event: LiveEvent, audience?: string): Delivered => ({ id: 1, event, audience });

  it("sends inbox-wide events to everyone", () => {
    expect(isVisible(deliver(changed("any")), me)).toBe(true);
    expect(isVisible(deliver({ type: "gateway", connected: true, fleetlmReachable: true }), me)).toBe(true);
    expect(isVisible(deliver({ type: "takeover", sessionId: "x", holder: null, takeoverId: null, expiresAt: null }), me)).toBe(true);
  });

  it("sends read state only to its operator", () => {
    expect(isVisible(deliver({ type: "read", sessionId: "s", operatorId: "op-1", lastSeq: 3 }, "op-1"), me)).toBe(true);
    expect(isVisible(deliver({ type: "read", sessionId: "s", operatorId: "op-2", lastSeq: 3 }, "op-2"), me)).toBe(false);
    // An audience always wins, whatever the event says.
    expect(isVisible(deliver(changed("s"), "op-2"), me)).toBe(false);
  });

  it("sends messages, chunks and presence only for watched sessions", () => {
    expect(isVisible(deliver(message("s-watched")), me)).toBe(true);
    expect(isVisible(deliver(message("s-other")), me)).toBe(false);
    expect(isVisible(deliver({ type: "chunk", sessionId: "s-other", agentId: "a", chunk: {} }), me)).toBe(false);
    expect(isVisible(deliver({ type: "presence", sessionId: "s-watched", viewers: [] }), me)).toBe(true);
  });

  it("encodes one frame with an id", () => {
    expect(encodeEvent(7, { type: "reset" })).toBe('id: 7\ndata: {"type":"reset"}\n\n');
  });

  it("parses the resume point and watches, refusing garbage", () => {
    const ok = parseLiveQuery(new Request("http://x/live?watch=abc&lastEventId=5"));
    expect(ok).toEqual({ ok: true, query: { lastEventId: 5, watch: ["abc"] } });
    const header = parseLiveQuery(new Request("http://x/live?lastEventId=5", { headers: { "last-event-id": "9" } }));
    expect(header.ok && header.query.lastEventId).toBe(9);
    expect(parseLiveQuery(new Request("http://x/live?lastEventId=-1")).ok).toBe(false);
    expect(parseLiveQuery(new Request("http://x/live?watch=a%2Fb")).ok).toBe(false);
    expect(parseLiveQuery(new Request("http://x/live?bogus=1")).ok).toBe(false);
  });
});

describe("live stream", () => {
  it("resumes after Last-Event-ID without loss or duplicates, across the replay hand-over", async () => {
    const bus = new LiveBus();
    const first = bus.publish(changed("a"));
    bus.publish(changed("b"));
    const controller = new AbortController();
    let closed = 0;
    const stream = createLiveStream({
      bus,
      subscriber: { operatorId: "me", watched: new Set() },
      lastEventId: first.id,
      signal: controller.signal,
      onClose: () => closed++,
    });
    bus.publish(changed("c"));
    const frames = await readFrames(stream, (f) => f.filter((x) => x.data.type === "session.changed").length >= 2);
    expect(frames.map((f) => f.data.type === "session.changed" && f.data.sessionId)).toEqual([false, "b", "c"]);
    controller.abort();
    expect(closed).toBe(1);
    expect(bus.subscriberCount).toBe(0);
  });

  it("tells the page to reset when the resume point is gone", async () => {
    const bus = new LiveBus();
    bus.publish(changed("a"));
    const controller = new AbortController();
    const stream = createLiveStream({ bus, subscriber: { operatorId: "me", watched: new Set() }, lastEventId: 999, signal: controller.signal });
    const frames = await readFrames(
      stream,
      (f) => f.length >= 1,
      () => controller.abort(),
    );
    expect(frames[0]?.data.type).toBe("reset");
    expect(frames[0]?.id).toBe(1);
  });
});

describe("live stream heartbeats", () => {
  it("beats with an id line and ends the stream once the operator may no longer see it", async () => {
    const bus = new LiveBus();
    bus.publish(changed("a"));
    let allowed = true;
    let closed = 0;
    const stream = createLiveStream({
      bus,
      subscriber: { operatorId: "me", watched: new Set() },
      lastEventId: null,
      signal: new AbortController().signal,
      heartbeatMs: 20,
      stillAllowed: async () => allowed,
      onClose: () => closed++,
    });
    const reader = stream.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes(": ping")) text += decoder.decode((await reader.read()).value);
    expect(text).toMatch(/id: 1\n: ping/);
    allowed = false;
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }
    expect(closed).toBe(1);
    expect(bus.subscriberCount).toBe(0);
  });
});

describe("GET /live", () => {
  it("refuses anonymous EventSource requests with 401", async () => {
    const { req } = liveRequest("/live", null);
    const res = await call(() => loader({ request: req, params: {}, context: {} }));
    expect(res.status).toBe(401);
  });

  it("redirects an anonymous page navigation to the login page", async () => {
    const res = await call(() => loader({ request: request("/live"), params: {}, context: {} }));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toContain("/login");
  });

  it("rejects malformed parameters with 400", async () => {
    const op = await makeOperator("auditor");
    const { req } = liveRequest("/live?lastEventId=abc", op);
    const res = await call(() => loader({ request: req, params: {}, context: {} }));
    expect(res.status).toBe(400);
  });

  it("streams events filtered for the operator and resumes from Last-Event-ID", async () => {
    const me = await makeOperator("operator");
    const other = await makeOperator("operator");
    const bus = liveBus() as LiveBus; // LIVE_BUS=local in tests (tests/support/db.ts)
    const before = bus.publish(changed("before"));
    bus.publish({ type: "read", sessionId: "s1", operatorId: other.id, lastSeq: 1 }, other.id);
    bus.publish({ type: "read", sessionId: "s1", operatorId: me.id, lastSeq: 2 }, me.id);
    bus.publish(message("not-watched"));
    const { req, abort } = liveRequest("/live", me, { "last-event-id": String(before.id) });
    const res = (await loader({ request: req, params: {}, context: {} })) as Response;
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const after = bus.publish(changed("after"));
    const frames = await readFrames(res.body!, (f) => f.some((x) => x.id === after.id), abort);
    const seen = frames.map((f) => f.data);
    expect(seen.map((d) => d.type)).toEqual(["hello", "read", "session.changed"]);
    expect(seen[1]).toMatchObject({ operatorId: me.id, lastSeq: 2 });
    expect(frames.every((f, i) => i === 0 || f.id > frames[i - 1]!.id)).toBe(true);
  });

  it("sends a watched session's messages only to the tab watching it, and unwatches on disconnect", async () => {
    const op = await makeOperator("auditor");
    const { sessionWatchStats } = await import("~/fleetlm-sync/session-watch.server");
    const { req, abort } = liveRequest("/live?watch=watched-session", op);
    const res = (await loader({ request: req, params: {}, context: {} })) as Response;
    expect(sessionWatchStats().sessions).toBe(1);
    const bus = liveBus() as LiveBus; // LIVE_BUS=local in tests (tests/support/db.ts)
    bus.publish(message("other-session"));
    const mine = bus.publish(message("watched-session"));
    const frames = await readFrames(res.body!, (f) => f.some((x) => x.id === mine.id), abort);
    expect(frames.filter((f) => f.data.type === "message").map((f) => f.data.sessionId)).toEqual(["watched-session"]);
    await new Promise((r) => setTimeout(r, 50));
    expect(sessionWatchStats().sessions).toBe(0);
  });

  it("a tab that opens after another viewer's presence went out still learns who is viewing", async () => {
    // A's tab connects (its presence event reaches nobody watching yet); then B's tab connects. B's loader may
    // have read the viewers before A arrived, so B's stream itself must say that A is there.
    const alice = await makeOperator("operator");
    const bob = await makeOperator("operator");
    const a = liveRequest("/live?watch=presence-session", alice);
    const resA = (await loader({ request: a.req, params: {}, context: {} })) as Response;
    const b = liveRequest("/live?watch=presence-session", bob);
    const resB = (await loader({ request: b.req, params: {}, context: {} })) as Response;
    const hasBoth = (f: { data: Record<string, unknown> }) =>
      f.data.type === "presence" &&
      (f.data.viewers as { id: string }[])
        .map((v) => v.id)
        .sort()
        .join() === [alice.id, bob.id].sort().join();
    const frames = await readFrames(resB.body!, (fs) => fs.some(hasBoth), b.abort);
    expect(frames.some(hasBoth)).toBe(true);
    a.abort();
    await resA.body!.cancel();
  });
});
