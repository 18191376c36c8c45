import { describe, expect, it } from "vitest";
import { relayNdjson } from "~/agent-gate/relay.server";
import { webhookUrl } from "~/agent-gate/webhook-url";

const encoder = new TextEncoder();

function upstream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  return { stream, push: (text: string) => controller.enqueue(encoder.encode(text)), end: () => controller.close() };
}

function relayOf(source: ReturnType<typeof upstream>) {
  const events = { ends: 0, cancels: 0 };
  const relay = relayNdjson(source.stream, { onEnd: () => void events.ends++, cancelUpstream: () => void events.cancels++ });
  const reader = relay.stream.getReader();
  const decoder = new TextDecoder();
  const next = async () => {
    const { done, value } = await reader.read();
    return done ? null : decoder.decode(value);
  };
  const rest = async () => {
    let text = "";
    for (let chunk = await next(); chunk !== null; chunk = await next()) text += chunk;
    return text;
  };
  return { relay, reader, next, rest, events };
}

describe("NDJSON relay", () => {
  it("forwards whole lines as they arrive and holds back only an unfinished line", async () => {
    const source = upstream();
    const { next, rest, events } = relayOf(source);
    source.push('{"type":"start"}\n{"type":"text-st');
    expect(await next()).toBe('{"type":"start"}\n');
    source.push('art","id":"t"}\n');
    expect(await next()).toBe('{"type":"text-start","id":"t"}\n');
    source.push('{"type":"finish"}'); // a last line without newline still counts
    source.end();
    expect(await rest()).toBe('{"type":"finish"}');
    expect(events).toEqual({ ends: 1, cancels: 0 });
  });

  it("stop in the middle of a line appends a whole abort line and cancels the agent", async () => {
    const source = upstream();
    const { relay, next, rest, events } = relayOf(source);
    source.push('{"type":"text-start","id":"t"}\n{"type":"text-delta","id":"t","del');
    expect(await next()).toBe('{"type":"text-start","id":"t"}\n');
    expect(relay.stop({ stopped_by: { operator_id: "op" } })).toBe(true);
    expect(relay.stop({})).toBe(false);
    const tail = await rest();
    expect(tail.endsWith("\n")).toBe(true);
    expect(JSON.parse(tail)).toEqual({ type: "abort", messageMetadata: { stopped_by: { operator_id: "op" } } });
    expect(events).toEqual({ ends: 1, cancels: 1 });
  });

  it("stop between messages ends the stream without an abort (it would store an empty message)", async () => {
    const source = upstream();
    const { relay, next, rest } = relayOf(source);
    source.push('{"type":"text-start","id":"t"}\n{"type":"finish"}\n');
    expect(await next()).toContain("finish");
    relay.stop({});
    expect(await rest()).toBe("");
  });

  it("a caller that hangs up cancels the agent request", async () => {
    const source = upstream();
    const { reader, next, events } = relayOf(source);
    source.push('{"type":"start"}\n');
    await next();
    await reader.cancel();
    expect(events).toEqual({ ends: 1, cancels: 1 });
  });
});

describe("webhook URL joining (§8.3)", () => {
  it.each([
    ["https://api.example.com/base", "/webhook", "https://api.example.com/base/webhook"],
    ["https://api.example.com/base/nested", "callback", "https://api.example.com/base/nested/callback"],
    ["http://localhost:3000", "/api/fleetlm/webhook", "http://localhost:3000/api/fleetlm/webhook"],
    ["http://localhost:3000/?drop=me", "/hook?keep=1#frag", "http://localhost:3000/hook?keep=1#frag"],
    ["http://localhost:3000", "https://elsewhere.example/hook", "https://elsewhere.example/hook"],
    // Path.join drops a trailing slash; an empty relative path keeps the origin's path (client.ex, §13.3)
    ["http://localhost:3000", "/webhook/", "http://localhost:3000/webhook"],
    ["http://localhost:3000/base/", "hooks//", "http://localhost:3000/base/hooks"],
    ["http://localhost:3000/base/", "/", "http://localhost:3000/base/"],
  ])("%s + %s → %s", (origin, path, expected) => {
    expect(webhookUrl(origin, path)).toBe(expected);
  });
});
