// The webhook assembler against §11 items 35–42 and the §8.5 table.
import { describe, expect, it } from "vitest";
import { AssemblerError, MessageAssembler, MissingTypeError, StreamRefusedError, type UIChunk } from "../src/assembler.js";

function run(chunks: UIChunk[], newId = () => "fresh-id") {
  const assembler = new MessageAssembler({ newId });
  const done = [];
  for (const c of chunks) {
    const m = assembler.apply(c);
    if (m) done.push(m);
  }
  return { assembler, done };
}

describe("MessageAssembler (§8.5)", () => {
  it("item 35: text parts and finish metadata", () => {
    const { done } = run([
      { type: "text-start", id: "t" },
      { type: "text-delta", id: "t", delta: "Hel" },
      { type: "text-delta", id: "t", delta: "lo" },
      { type: "text-end", id: "t" },
      { type: "finish", messageMetadata: { latency_ms: 123 } },
    ]);
    expect(done).toHaveLength(1);
    const [m] = done;
    expect(m!.content.role).toBe("assistant");
    expect(typeof m!.content.id).toBe("string");
    expect(m!.content.id).toBe("fresh-id");
    expect(m!.metadata).toMatchObject({ latency_ms: 123, termination: "finish" });
    expect(m!.metadata._finish_chunk).toEqual({ type: "finish", messageMetadata: { latency_ms: 123 } });
    expect(m!.content.parts).toEqual([{ type: "text", text: "Hello", state: "done" }]);
  });

  it("item 36: tool lifecycle", () => {
    const { done } = run([
      { type: "tool-input-start", toolCallId: "call-1", toolName: "weather" },
      { type: "tool-input-delta", toolCallId: "call-1", inputTextDelta: '{"city":' },
      { type: "tool-input-delta", toolCallId: "call-1", inputTextDelta: '"Paris"}' },
      { type: "tool-input-available", toolCallId: "call-1", toolName: "weather", input: { city: "Paris" } },
      { type: "tool-output-available", toolCallId: "call-1", output: { temperature: 20 } },
      { type: "finish" },
    ]);
    const parts = done[0]!.content.parts;
    expect(parts).toHaveLength(1);
    expect(parts[0]).toMatchObject({
      type: "tool-weather",
      toolCallId: "call-1",
      state: "output-available",
      input: { city: "Paris" },
      output: { temperature: 20 },
    });
  });

  it("item 36: partial tool input is parsed as soon as the buffer is valid JSON", () => {
    const a = new MessageAssembler();
    a.apply({ type: "tool-input-start", toolCallId: "c", toolName: "w" });
    a.apply({ type: "tool-input-delta", toolCallId: "c", inputTextDelta: '{"city":' });
    expect(a.current().parts[0]).not.toHaveProperty("input");
    a.apply({ type: "tool-input-delta", toolCallId: "c", inputTextDelta: '"Oslo"}' });
    expect(a.current().parts[0]).toMatchObject({ input: { city: "Oslo" }, state: "input-streaming" });
  });

  it("item 37: abort closes open parts with termination abort", () => {
    const { done } = run([{ type: "text-start", id: "t" }, { type: "text-delta", id: "t", delta: "partial" }, { type: "abort" }]);
    expect(done[0]!.metadata.termination).toBe("abort");
    expect(done[0]!.content.parts).toEqual([{ type: "text", text: "partial", state: "done" }]);
  });

  it("item 38: data parts with the same id are replaced", () => {
    const { done } = run([
      { type: "data-chart", id: "c1", data: { v: 1 } },
      { type: "data-chart", id: "c1", data: { v: 2 } },
      { type: "data-chart", data: { v: 3 }, transient: true },
      { type: "data-chart", data: { v: 4 } },
      { type: "finish" },
    ]);
    expect(done[0]!.content.parts).toEqual([
      { type: "data-chart", id: "c1", data: { v: 2 } },
      { type: "data-chart", data: { v: 4 } },
    ]);
  });

  it("item 39: steps and providerMetadata", () => {
    const { done } = run([
      { type: "start" },
      { type: "start-step" },
      { type: "text-start", id: "t", providerMetadata: { openai: { id: "x" } } },
      { type: "text-delta", id: "t", delta: "a" },
      { type: "text-delta", id: "t", delta: "b" },
      { type: "text-end", id: "t" },
      { type: "finish-step" },
      { type: "finish" },
    ]);
    expect(done[0]!.content.parts).toEqual([{ type: "step-start" }, { type: "text", text: "ab", state: "done", providerMetadata: { openai: { id: "x" } } }]);
  });

  it("item 40: reasoning parts", () => {
    const { done } = run([
      { type: "reasoning-start", id: "r" },
      { type: "reasoning-delta", id: "r", delta: "Let me " },
      { type: "reasoning-delta", id: "r", delta: "think..." },
      { type: "reasoning-end", id: "r" },
      { type: "finish" },
    ]);
    expect(done[0]!.content.parts).toEqual([{ type: "reasoning", text: "Let me think...", state: "done" }]);
  });

  it("item 41: approval flow ends in output-denied with the approval and input kept", () => {
    const { done } = run([
      { type: "tool-input-start", toolCallId: "call-9", toolName: "delete_user" },
      { type: "tool-input-available", toolCallId: "call-9", toolName: "delete_user", input: { id: 7 } },
      { type: "tool-approval-request", toolCallId: "call-9", approvalId: "approval-1" },
      { type: "tool-output-denied", toolCallId: "call-9" },
      { type: "finish" },
    ]);
    expect(done[0]!.content.parts[0]).toMatchObject({
      type: "tool-delete_user",
      state: "output-denied",
      approval: { id: "approval-1" },
      input: { id: 7 },
    });
  });

  it("item 41: output-denied without a request uses the toolCallId as approval id", () => {
    const { done } = run([
      { type: "tool-input-start", toolCallId: "c2", toolName: "x", dynamic: true },
      { type: "tool-output-denied", toolCallId: "c2" },
      { type: "finish" },
    ]);
    expect(done[0]!.content.parts[0]).toMatchObject({ type: "dynamic-tool", state: "output-denied", approval: { id: "c2" } });
  });

  it("item 42: missing type throws, unknown types and id-less text add nothing", () => {
    const a = new MessageAssembler();
    expect(() => a.apply({ kind: "text", content: { text: "legacy" } })).toThrow(MissingTypeError);
    expect(() => a.apply({ type: 5 })).toThrow(MissingTypeError);
    a.apply({ type: "something-new", foo: 1 });
    a.apply({ type: "error", errorText: "boom" });
    a.apply({ type: "text-start" });
    a.apply({ type: "text-delta", delta: "x" });
    a.apply({ type: "text-end" });
    expect(a.current().parts).toEqual([]);
    expect(a.active).toBe(true);
  });

  it("start sets the message id and metadata; several messages per stream; reset", () => {
    const a = new MessageAssembler();
    expect(a.active).toBe(false);
    a.apply({ type: "start", messageId: "m-1", messageMetadata: { mode: "x" } });
    a.apply({ type: "message-metadata", messageMetadata: { extra: true } });
    a.apply({ type: "text-delta", id: "t", delta: "hi" });
    expect(a.current()).toEqual({ id: "m-1", role: "assistant", parts: [{ type: "text", text: "hi", state: "streaming" }] });
    const first = a.apply({ type: "finish", message: { ignored: true } });
    expect(first!.content.id).toBe("m-1");
    expect(first!.metadata).toEqual({
      mode: "x",
      extra: true,
      termination: "finish",
      _finish_chunk: { type: "finish", message: { ignored: true } },
    });
    expect(a.active).toBe(false);
    a.apply({ type: "text-end", id: "unknown" });
    const second = a.apply({ type: "finish" });
    expect(second!.content.parts).toEqual([{ type: "text", text: "", state: "done" }]);
    expect(second!.content.id).not.toBe("m-1");
  });

  it("null values remove keys; files and sources are appended without transient", () => {
    const { done } = run([
      { type: "text-start", id: "t", providerMetadata: { a: 1 } },
      { type: "text-end", id: "t", providerMetadata: null },
      { type: "file", url: "https://x/y.png", mediaType: "image/png", transient: true },
      { type: "source-url", sourceId: "s", url: "https://x" },
      { type: "tool-input-start", toolCallId: "c", toolName: "t" },
      { type: "tool-output-error", toolCallId: "c", errorText: "nope" },
      { type: "finish" },
    ]);
    expect(done[0]!.content.parts).toEqual([
      { type: "text", text: "", state: "done" },
      { type: "file", url: "https://x/y.png", mediaType: "image/png" },
      { type: "source-url", sourceId: "s", url: "https://x" },
      { type: "tool-t", toolCallId: "c", toolName: "t", state: "output-error", errorText: "nope" },
    ]);
  });

  // assembler.ex at 78f77d1: `text <> delta` and `merge_metadata/2` have no clause for these, so ingest raises,
  // the rescue turns it into {:error, ...} and the call fails with nothing stored.
  it.each([
    ["a numeric delta", { type: "text-delta", id: "t", delta: 5 }],
    ["a null delta", { type: "reasoning-delta", id: "t", delta: null }],
    ["an array messageMetadata on start", { type: "start", messageMetadata: [1] }],
    ["a string messageMetadata", { type: "message-metadata", messageMetadata: "x" }],
    ["a numeric messageMetadata on finish", { type: "finish", messageMetadata: 3 }],
  ])("the strict assembler refuses %s", (_name, chunk) => {
    const a = new MessageAssembler();
    a.apply({ type: "text-start", id: "t" });
    let thrown: unknown;
    try {
      a.apply(chunk as UIChunk);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AssemblerError);
    expect(thrown).toBeInstanceOf(StreamRefusedError);
    expect((thrown as AssemblerError).reason).toBe("assembler_error");
  });

  it("a delta without an id, a delta key left out, and null messageMetadata are accepted", () => {
    const { done } = run([
      { type: "start", messageMetadata: null },
      { type: "text-delta", delta: 5 }, // no id: append_delta(nil) is a no-op before the delta is read
      { type: "text-delta", id: "t" },
      { type: "text-delta", id: "t", delta: "ok" },
      { type: "finish", messageMetadata: null },
    ]);
    expect(done[0]!.content.parts).toEqual([{ type: "text", text: "ok", state: "done" }]);
  });

  it("abort does not merge its messageMetadata: it survives only in _finish_chunk", () => {
    const { done } = run([
      { type: "start", messageMetadata: { a: 1 } },
      { type: "abort", messageMetadata: { stopped_by: "op-1" } },
    ]);
    expect(done[0]!.metadata).toEqual({
      a: 1,
      termination: "abort",
      _finish_chunk: { type: "abort", messageMetadata: { stopped_by: "op-1" } },
    });
    expect(new MissingTypeError({})).toBeInstanceOf(StreamRefusedError);
  });
});
