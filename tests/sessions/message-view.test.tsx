// @vitest-environment jsdom
import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MessageView } from "~/sessions/components/message-view";
import { JSON_DISPLAY_LIMIT, safeHref, senderOf } from "~/sessions/format";
import type { ViewMessage } from "~/sessions/types";

afterEach(cleanup);

const session = { userId: "alice", agentId: "bot" };
let seq = 0;
function msg(partial: Partial<ViewMessage>): ViewMessage {
  seq += 1;
  return {
    id: `m${seq}`,
    sessionId: "s1",
    seq,
    senderId: "alice",
    kind: "text",
    content: { text: "hi" },
    metadata: {},
    insertedAt: "2025-10-23T10:48:00.000Z",
    insertedAtRaw: "2025-10-23T10:48:00",
    ...partial,
  };
}
const assistant = (parts: unknown[], metadata: Record<string, unknown> = { termination: "finish" }) =>
  msg({ senderId: "bot", kind: "assistant", content: { id: "x", role: "assistant", parts }, metadata });
const show = (message: ViewMessage) => render(<MessageView message={message} session={session} />).container;

describe("message renderer", () => {
  it("shows a user's text with sender, UTC time (raw value in the title) and seq", () => {
    const el = show(msg({ content: { text: "hello\nthere" } }));
    expect(screen.getByTestId("sender").textContent).toBe("User");
    const time = el.querySelector("time")!;
    expect(time.textContent).toBe("2025-10-23 10:48:00 UTC");
    expect(time.getAttribute("title")).toBe("2025-10-23T10:48:00");
    expect(el.textContent).toContain(`#${seq}`);
    expect(el.textContent).toContain("hello\nthere");
  });

  it("renders assistant text as markdown with termination and latency", () => {
    const el = show(assistant([{ type: "text", text: "**bold** and `code`", state: "done" }], { termination: "abort", latency_ms: 812 }));
    expect(screen.getByTestId("sender").textContent).toBe("AI");
    expect(el.querySelector("strong")?.textContent).toBe("bold");
    expect(el.querySelector("code")?.textContent).toBe("code");
    expect(screen.getByTestId("termination").textContent).toBe("abort");
    expect(screen.getByTestId("latency").textContent).toBe("812 ms");
  });

  it("collapses reasoning in a closed <details>", () => {
    const el = show(assistant([{ type: "reasoning", text: "Let me think", state: "done" }]));
    const details = el.querySelector("details")!;
    expect(details.open).toBe(false);
    expect(details.textContent).toContain("Let me think");
  });

  it("shows tool calls with state, input, output and errors", () => {
    const el = show(
      assistant([
        { type: "tool-weather", toolCallId: "call-1", state: "output-available", input: { city: "Paris" }, output: { temperature: 20 } },
        { type: "dynamic-tool", toolName: "lookup", toolCallId: "call-2", state: "output-error", input: {}, errorText: "boom" },
        { type: "tool-delete_user", toolCallId: "call-3", state: "output-denied", input: { id: 7 }, approval: { id: "approval-1" } },
        { type: "tool-search", toolCallId: "call-4", state: "input-streaming", input: { q: "par" } },
      ]),
    );
    const tools = el.querySelectorAll("[data-part=tool]");
    expect(tools).toHaveLength(4);
    expect(tools[0]!.textContent).toContain("weather");
    expect(tools[0]!.textContent).toContain("output-available");
    expect(tools[0]!.textContent).toContain('"city": "Paris"');
    expect(tools[0]!.textContent).toContain('"temperature": 20');
    expect(tools[1]!.textContent).toContain("lookup");
    expect(tools[1]!.textContent).toContain("boom");
    expect(tools[2]!.textContent).toContain("output-denied");
    expect(tools[2]!.textContent).toContain("approval-1");
    expect(tools[3]!.textContent).toContain("input-streaming");
  });

  it("shows data parts as JSON, files, sources and step dividers", () => {
    const el = show(
      assistant([
        { type: "step-start" },
        { type: "data-stats", id: "stats", data: { open: 3 } },
        { type: "file", mediaType: "application/pdf", filename: "invoice.pdf", url: "https://files.example/invoice.pdf" },
        { type: "source-url", sourceId: "s1", url: "https://docs.example/a", title: "Docs A" },
        { type: "source-document", sourceId: "s2", mediaType: "text/plain", title: "Handbook", filename: "handbook.txt" },
        { type: "mystery-part", value: 1 },
      ]),
    );
    expect(el.querySelector("[data-part=step-start]")?.tagName).toBe("HR");
    expect(el.querySelector("[data-part=data]")!.textContent).toContain('"open": 3');
    expect(el.querySelector("[data-part=data]")!.textContent).toContain("data-stats");
    const file = el.querySelector("[data-part=file] a")!;
    expect(file.getAttribute("href")).toBe("https://files.example/invoice.pdf");
    expect(el.querySelector("[data-part=source-url] a")!.textContent).toBe("Docs A");
    expect(el.querySelector("[data-part=source-document]")!.textContent).toContain("Handbook");
    expect(el.querySelector("[data-part=unknown]")!.textContent).toContain("mystery-part");
  });

  it("shows any other kind as formatted JSON", () => {
    const el = show(msg({ kind: "tool_call", content: { name: "x", args: [1, 2] } }));
    expect(el.querySelector("pre")!.textContent).toBe(JSON.stringify({ name: "x", args: [1, 2] }, null, 2));
    expect(el.textContent).toContain("kind: tool_call");
  });

  it("names operator-written messages from the server's authorship (the send ledger), not their metadata", () => {
    show(
      msg({
        senderId: "bot",
        kind: "text",
        metadata: { source: "operator", operator_name: "Mallory" },
        author: { role: "operator", operatorName: "Olga", suspicious: null },
      }),
    );
    expect(screen.getByTestId("sender").textContent).toBe("Operator · Olga");
    expect(screen.queryByTestId("suspicious")).toBeNull();
    expect(senderOf({ senderId: "stranger", kind: "text", metadata: {} }, session).label).toBe("stranger");
  });
});

describe("hostile content", () => {
  const hostile = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned=2"><a href="javascript:alert(1)">x</a>';

  it("never turns user text into markup", () => {
    const el = show(msg({ content: { text: hostile } }));
    expect(el.querySelector("script, img, a")).toBeNull();
    expect(el.textContent).toContain("<script>");
  });

  it("drops raw HTML from markdown and keeps only http(s)/mailto links", () => {
    const el = show(
      assistant([
        {
          type: "text",
          text: `${hostile}\n\n[click](javascript:alert(1)) [data](data:text/html,<script>alert(1)</script>) [vb](vbscript:msgbox) [ok](https://example.com/a) ![pixel](https://tracker.example/p.gif) <iframe src="https://evil"></iframe>`,
        },
      ]),
    );
    expect(el.querySelector("script, iframe, img, object, embed")).toBeNull();
    expect(el.innerHTML).not.toMatch(/onerror|javascript:|vbscript:|data:text/i);
    const hrefs = [...el.querySelectorAll("a")].map((a) => a.getAttribute("href"));
    expect(hrefs).toEqual(["https://example.com/a", "https://tracker.example/p.gif"]);
    for (const a of el.querySelectorAll("a")) expect(a.getAttribute("rel")).toContain("noopener");
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it("does not link unsafe file and source URLs", () => {
    const el = show(
      assistant([
        { type: "file", mediaType: "text/html", filename: "x.html", url: "javascript:alert(1)" },
        { type: "file", mediaType: "image/svg+xml", url: "data:image/svg+xml,<svg onload=alert(1)>" },
        { type: "source-url", url: "JaVaScRiPt:alert(1)", title: "evil" },
      ]),
    );
    expect(el.querySelector("a")).toBeNull();
    expect(el.innerHTML).not.toMatch(/javascript:|onload/i);
  });

  it("shows tool JSON with markup inside as text", () => {
    const el = show(assistant([{ type: "tool-x", toolCallId: "c", state: "output-available", input: { html: hostile }, output: "<b>bold</b>" }]));
    expect(el.querySelector("script, img, b")).toBeNull();
    expect(within(el).getAllByText(/<script>/).length).toBeGreaterThan(0);
  });

  it("cuts huge JSON instead of rendering megabytes", () => {
    const huge = { rows: Array.from({ length: 50_000 }, (_, i) => ({ i, text: "x".repeat(20) })) };
    const el = show(msg({ kind: "blob", content: huge }));
    const pre = el.querySelector("pre")!;
    expect(pre.textContent!.length).toBe(JSON_DISPLAY_LIMIT);
    expect(el.textContent).toMatch(/more characters not shown/);
  });

  it("survives malformed assistant content", () => {
    const el = show(msg({ kind: "assistant", senderId: "bot", content: { parts: "nope" } }));
    expect(el.textContent).toContain('"parts": "nope"');
    const el2 = show(assistant([null, 3, { no: "type" }, { type: "text", text: 42 }]));
    expect(el2.querySelectorAll("[data-part]")).toHaveLength(1);
  });

  it("accepts only http, https and mailto URLs", () => {
    expect(safeHref("https://a.example/x")).toBe("https://a.example/x");
    expect(safeHref("mailto:a@b.example")).toBe("mailto:a@b.example");
    for (const bad of ["javascript:alert(1)", " javascript:alert(1)", "data:text/html,x", "/relative", "//evil.example", "file:///etc/passwd", 3, null])
      expect(safeHref(bad)).toBeNull();
  });
});

describe("forged authorship (ADR 087)", () => {
  it("shows an end user's kind:assistant message as the user's, marked suspicious", () => {
    const el = show(
      msg({
        senderId: "alice",
        kind: "assistant",
        content: { parts: [{ type: "text", text: "I am the AI" }] },
        metadata: { termination: "finish", latency_ms: 600_000 },
      }),
    );
    expect(screen.getByTestId("sender").textContent).toBe("User");
    expect(screen.getByTestId("suspicious").textContent).toMatch(/claims to be an AI reply.*end user/i);
    expect(el.textContent).toContain("I am the AI");
  });

  it("never names an operator from an end user's metadata", () => {
    show(msg({ senderId: "alice", kind: "text", content: { text: "trust me" }, metadata: { source: "operator", operator_name: "Admin Alice" } }));
    expect(screen.getByTestId("sender").textContent).toBe("User");
    expect(screen.getByTestId("sender").textContent).not.toContain("Admin Alice");
    expect(screen.getByTestId("suspicious").textContent).toMatch(/claims to be written by an operator/i);
  });

  it("shows an agent message claiming an operator without a ledger record as the AI's, marked", () => {
    show(
      msg({
        senderId: "bot",
        kind: "text",
        content: { text: "x" },
        metadata: { source: "operator", operator_name: "Olga" },
        author: { role: "agent", suspicious: "Claims to be written by an operator, but the Console has no record of sending it." },
      }),
    );
    expect(screen.getByTestId("sender").textContent).toBe("AI");
    expect(screen.getByTestId("suspicious").textContent).toMatch(/no record/);
  });
});

describe("hostile size (ADR 085)", () => {
  it("shows a megabyte of markup-dense text plain and cut, never as markdown", () => {
    const big = "**bold** ".repeat(120_000);
    const el = show(assistant([{ type: "text", text: big }]));
    expect(el.querySelector("strong")).toBeNull();
    expect(screen.getByTestId("long-text").textContent).toMatch(/too long to format/i);
    expect(el.textContent!.length).toBeLessThan(25_000);
    expect(screen.getByTestId("show-all")).toBeTruthy();
  });

  it("shows markup-dense text within the length bound plain too", () => {
    const el = show(assistant([{ type: "text", text: "**bold** ".repeat(1_500) }]));
    expect(el.querySelector("strong")).toBeNull();
    expect(el.textContent).toMatch(/too much markup/i);
  });

  it("paints the whole text in slices on Show all", async () => {
    const big = "word ".repeat(60_000) + "THE END";
    show(msg({ content: { text: big } }));
    expect(screen.queryByText(/THE END/)).toBeNull();
    screen.getByTestId("show-all").click();
    await vi.waitFor(() => expect(screen.getByTestId("sliced-text").getAttribute("data-complete")).toBe("true"));
    expect(screen.getByTestId("sliced-text").textContent).toBe(big);
    expect(screen.getByTestId("sliced-text").children.length).toBeGreaterThan(1);
  });

  it("fetches the whole text when the server cut it", async () => {
    const full = "x".repeat(50_000) + "TAIL";
    const served: string[] = [];
    const fetchSpy = vi.spyOn(globalThis, "fetch").mockImplementation(async (url) => {
      served.push(String(url));
      return Response.json({ seq: 7, kind: "text", content: { text: full }, metadata: {} });
    });
    try {
      show(
        msg({
          seq: 7,
          content: { text: full.slice(0, 20_000) },
          omitted: { content: [{ path: ["text"], kind: "text", chars: full.length, kept: 20_000 }], metadata: [] },
        }),
      );
      expect(screen.getByTestId("long-text").textContent).toMatch(/of 50 KB shown/);
      screen.getByTestId("show-all").click();
      await vi.waitFor(() => expect(screen.getByTestId("sliced-text").getAttribute("data-complete")).toBe("true"));
      expect(screen.getByTestId("sliced-text").textContent).toBe(full);
      expect(served).toEqual(["/sessions/s1/messages/7"]);
    } finally {
      fetchSpy.mockRestore();
    }
  });

  it("says when parts were summarised for depth, and offers the whole message", () => {
    show(
      msg({
        kind: "blob",
        content: { c: { "…omitted": "an object too large or nested too deeply to show here (40 KB)" } },
        omitted: { content: [{ path: ["c"], kind: "depth", chars: 40_000 }], metadata: [] },
      }),
    );
    expect(screen.getByTestId("omitted-notice").textContent).toMatch(/too large or nested too deeply/);
    expect(screen.getByTestId("show-whole-message")).toBeTruthy();
  });
});

describe("a reply an operator stopped", () => {
  it('says "stopped by Dana", or "stopped by an operator" when the policy sends no name; nothing for other aborts', () => {
    const stopped = (stoppedBy: unknown) => {
      cleanup();
      show(assistant([{ type: "text", text: "partial" }], { termination: "abort", stopped_by: stoppedBy }));
      return screen.queryByTestId("stopped-by")?.textContent ?? null;
    };
    expect(stopped({ source: "operator", operator_name: "Dana" })).toBe("stopped by Dana");
    expect(stopped({ source: "operator", operator_id: "op-1", operator_name: "Dana" })).toBe("stopped by Dana");
    expect(stopped({ source: "operator" })).toBe("stopped by an operator");
    // As FleetLM stores it: inside the abort's _finish_chunk (protocol §8.5).
    cleanup();
    show(
      assistant([{ type: "text", text: "partial" }], {
        termination: "abort",
        _finish_chunk: { type: "abort", messageMetadata: { stopped_by: { source: "operator", operator_name: "Otto" } } },
      }),
    );
    expect(screen.getByTestId("stopped-by").textContent).toBe("stopped by Otto");
    expect(stopped(undefined)).toBeNull(); // the agent aborted on its own
    expect(stopped({ source: "agent", operator_name: "Dana" })).toBeNull();
    expect(stopped("Dana")).toBeNull();
    cleanup();
    show(assistant([{ type: "text", text: "done" }], { termination: "finish", stopped_by: { source: "operator", operator_name: "Dana" } }));
    expect(screen.queryByTestId("stopped-by")).toBeNull();
  });
});
