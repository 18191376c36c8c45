// The shared message bound (app/messages/bounds.ts): what any loader, the live feed and the browser hand on
// of one message. Checked against turbo-stream's encoder, the one that overflowed at ~1,000 levels.
import { encode } from "turbo-stream";
import { describe, expect, it } from "vitest";
import { boundMessageBody, boundText, boundValue, measure, MESSAGE_BOUNDS, METADATA_BOUNDS, omissionAt, OMITTED_KEY, valueAt } from "~/messages/bounds";

/** `{ c: { c: … { text } } }`, `levels` objects deep, built without recursion. */
export function nested(levels: number, leaf: unknown = "bottom"): Record<string, unknown> {
  let value: Record<string, unknown> = { text: leaf };
  for (let i = 1; i < levels; i++) value = { c: value };
  return value;
}

function depthOf(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v && typeof v === "object") {
      max = Math.max(max, d + 1);
      for (const child of Object.values(v)) stack.push([child, d + 1]);
    }
  }
  return max;
}

async function encodes(value: unknown): Promise<true> {
  const reader = encode(value).getReader();
  for (;;) if ((await reader.read()).done) return true;
}

describe("boundValue", () => {
  it("returns a message within bounds as it is: JSON values need no copy (ADR 180)", () => {
    const content = {
      parts: [
        { type: "text", text: "hello **world**" },
        { type: "tool-x", input: { a: [1, 2, { b: null }] }, state: "output-available" },
      ],
    };
    const result = boundValue(content);
    expect(result.value).toBe(content);
    expect(result.omitted).toEqual([]);
  });

  it("a check that stopped half-way leaves nothing behind for the next message", () => {
    // The in-bounds test reuses one stack: a deep value refused mid-walk must not leak into the next answer.
    expect(boundValue(nested(MESSAGE_BOUNDS.depth + 5)).omitted.map((o) => o.kind)).toEqual(["depth"]);
    const small = { parts: [{ type: "text", text: "hi" }] };
    expect(boundValue(small).value).toBe(small);
    expect(boundValue({ list: [1, "x".repeat(MESSAGE_BOUNDS.stringChars + 1)] }).omitted.map((o) => o.kind)).toEqual(["text"]);
    expect(boundValue(small).value).toBe(small);
  });

  it("walks and copies anything that is not plain JSON, however small", () => {
    class Custom {
      text = "hi";
    }
    const dated = boundValue({ when: new Date(0) }).value;
    expect(dated.when).not.toBeInstanceOf(Date);
    const custom = boundValue({ parts: [new Custom()] }).value;
    expect(custom.parts[0]).not.toBeInstanceOf(Custom);
    expect(custom.parts[0]).toEqual({ text: "hi" });
    const mapped = boundValue({ map: new Map([["a", 1]]) }).value;
    expect(mapped.map).not.toBeInstanceOf(Map);
  });

  it("cuts nothing exactly at each bound, and cuts one past it", () => {
    // The quick in-bounds test (no cut needed) and the full walk must agree at every edge.
    const atDepth = nested(MESSAGE_BOUNDS.depth);
    expect(boundValue(atDepth)).toEqual({ value: atDepth, omitted: [] });
    expect(boundValue(nested(MESSAGE_BOUNDS.depth + 1)).omitted.map((o) => o.kind)).toEqual(["depth"]);
    const items = { list: Array.from({ length: MESSAGE_BOUNDS.items }, (_, i) => i) };
    expect(boundValue(items).omitted).toEqual([]);
    expect(boundValue({ list: [...items.list, 0] }).omitted.map((o) => o.kind)).toEqual(["items"]);
    const text = { text: "x".repeat(MESSAGE_BOUNDS.stringChars) };
    expect(boundValue(text).omitted).toEqual([]);
    expect(boundValue({ text: text.text + "x" }).omitted.map((o) => o.kind)).toEqual(["text"]);
    const total = { a: "x".repeat(20_000), b: "x".repeat(20_000), c: "x".repeat(20_000) };
    expect(boundValue(total).omitted).toEqual([]);
    expect(boundValue({ ...total, d: "y".repeat(200) }).omitted.map((o) => o.kind)).toEqual(["text"]);
    // 2,000 values in all (10 lists of 199 numbers plus the 10 lists themselves) fit; one more does not.
    const wide = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, Array.from({ length: 199 }, () => 1)]));
    expect(boundValue(wide).omitted).toEqual([]);
    wide.k9!.push(1);
    expect(boundValue(wide).omitted.map((o) => o.kind)).toEqual(["items"]);
    // Values JSON has no word for are dropped as JSON.stringify drops them.
    expect(boundValue({ a: 1, f: undefined })).toEqual({ value: { a: 1 }, omitted: [] });
  });

  it("summarises what lies below the depth bound, and says how much", () => {
    const result = boundValue(nested(2_000));
    expect(depthOf(result.value)).toBe(MESSAGE_BOUNDS.depth + 1); // the summary object sits at the bound
    expect(result.omitted).toHaveLength(1);
    const cut = result.omitted[0]!;
    expect(cut).toMatchObject({ kind: "depth", path: Array(MESSAGE_BOUNDS.depth).fill("c") });
    const summary = valueAt(result.value, cut.path) as Record<string, string>;
    expect(summary[OMITTED_KEY]).toMatch(/nested too deeply to show here \(\d[\d,]* (characters|KB)\)/);
  });

  it("survives nesting far past any stack (100,000 levels), without recursion", () => {
    const result = boundValue(nested(100_000));
    expect(depthOf(result.value)).toBe(MESSAGE_BOUNDS.depth + 1);
    expect(measure(nested(100_000)).exact).toBe(false); // the measure stops at its node budget
  });

  it("cuts long strings and keeps a total budget across the message", () => {
    const big = "**bold** ".repeat(120_000); // ~1 MB
    const result = boundValue({
      parts: [
        { type: "text", text: big },
        { type: "text", text: big },
        { type: "text", text: big },
        { type: "text", text: big },
      ],
    });
    const texts = (result.value.parts as { text: string }[]).map((p) => p.text.length);
    expect(texts[0]).toBe(MESSAGE_BOUNDS.stringChars);
    expect(texts.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(MESSAGE_BOUNDS.totalChars + 4 * 100); // short strings are always kept
    expect(omissionAt(result.omitted, ["parts", 0, "text"])).toEqual({
      path: ["parts", 0, "text"],
      kind: "text",
      chars: big.length,
      kept: MESSAGE_BOUNDS.stringChars,
    });
    expect(result.omitted.filter((o) => o.kind === "text")).toHaveLength(4);
  });

  it("keeps the first items of huge arrays and objects", () => {
    const result = boundValue({
      list: Array.from({ length: 100_000 }, (_, i) => i),
      wide: Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`k${i}`, i])),
    });
    expect((result.value.list as number[]).length).toBe(MESSAGE_BOUNDS.items);
    expect(Object.keys(result.value.wide as object)).toHaveLength(MESSAGE_BOUNDS.items);
    expect(result.omitted).toEqual([
      { path: ["list"], kind: "items", count: 100_000, kept: MESSAGE_BOUNDS.items },
      { path: ["wide"], kind: "items", count: 5_000, kept: MESSAGE_BOUNDS.items },
    ]);
  });

  it("summarises containers past the node budget (a wide and deep tree)", () => {
    const wide = Array.from({ length: 150 }, () => Array.from({ length: 150 }, (_, i) => ({ i })));
    const result = boundValue({ wide });
    expect(result.omitted.some((o) => o.kind === "items")).toBe(true);
    expect(measure(result.value).chars).toBeLessThan(100_000);
  });

  it("keeps a __proto__ key as data, never as a prototype", () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "text": "x"}') as Record<string, unknown>;
    const result = boundValue(hostile);
    expect(Object.getPrototypeOf(result.value)).toBe(Object.prototype);
    expect(Object.keys(result.value)).toEqual(["__proto__", "text"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("binds metadata tighter than content", () => {
    const { metadata, omitted } = boundMessageBody({ text: "hi" }, { source: "operator", deep: nested(50), note: "n".repeat(10_000) });
    expect(depthOf(metadata)).toBeLessThanOrEqual(METADATA_BOUNDS.depth + 1);
    expect((metadata.note as string).length).toBe(METADATA_BOUNDS.stringChars);
    expect(omitted?.metadata.map((o) => o.kind).sort()).toEqual(["depth", "text"]);
    expect(omitted?.content).toEqual([]);
  });
});

describe("what a loader returns is encodable", () => {
  it("turbo-stream overflows on 2,000 levels unbounded (the failure this bound exists for)", async () => {
    await expect(encodes({ message: nested(2_000) })).rejects.toThrow(/call stack/i);
  });
  it("and encodes the bounded message", async () => {
    await expect(encodes({ message: boundMessageBody(nested(2_000), nested(2_000)) })).resolves.toBe(true);
  });
});

describe("boundText", () => {
  it("keeps short text whole and says how long cut text was", () => {
    expect(boundText("short")).toEqual({ text: "short", fullLength: null });
    expect(boundText("x".repeat(30_000))).toEqual({ text: "x".repeat(MESSAGE_BOUNDS.stringChars), fullLength: 30_000 });
  });
});
