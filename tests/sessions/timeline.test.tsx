// @vitest-environment jsdom
// The browser side of the session view: live messages in seq order, duplicates dropped, gaps filled through
// the loader before later seqs show, chunks assembled into a live bubble that the stored message replaces.
import { act, cleanup, render, screen, waitFor } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router-dom";
import { afterEach, describe, expect, it } from "vitest";
import type { LiveEvent } from "~/live/events";
import { INTERRUPTED_CHUNK_TYPE } from "~/messages/live-markers";
import type { HistoryPage, ViewMessage } from "~/sessions/types";
import { useLiveReply, type LiveReplyStore } from "~/sessions/live-reply-store";
import { useSessionTimeline } from "~/sessions/use-session-timeline";

afterEach(cleanup);

const msg = (seq: number, extra: Partial<ViewMessage> = {}): ViewMessage => ({
  id: `id-${seq}`,
  sessionId: "s1",
  seq,
  senderId: "alice",
  kind: "text",
  content: { text: `m${seq}` },
  metadata: {},
  insertedAt: "2025-01-01T00:00:00.000Z",
  ...extra,
});

// Renders of the component using the hook (the page) and of the one showing the live reply (the bubble).
const renders = { page: 0, bubble: 0 };

function LiveText({ store }: { store: LiveReplyStore }) {
  const live = useLiveReply(store);
  renders.bubble++;
  return <p data-testid="live">{live ? `${live.status}:${live.content.parts.map((p) => String(p.text ?? "")).join("")}` : "none"}</p>;
}

async function setup(stored: number, initial: HistoryPage) {
  const all = Array.from({ length: stored }, (_, i) => msg(i + 1));
  const requests: string[] = [];
  let handlers: ReturnType<typeof useSessionTimeline>["handlers"] | null = null;
  let timeline: ReturnType<typeof useSessionTimeline> | null = null;
  function Harness() {
    const t = useSessionTimeline("s1", initial, "s1");
    renders.page++;
    handlers = t.handlers;
    timeline = t;
    return (
      <div>
        <p data-testid="seqs">{t.messages.map((m) => m.seq).join(",")}</p>
        <LiveText store={t.liveReply} />
      </div>
    );
  }
  const router = createMemoryRouter(
    [
      {
        path: "/sessions/:id",
        element: <Harness />,
        loader: ({ request }) => {
          const url = new URL(request.url);
          requests.push(url.search);
          const after = url.searchParams.get("after");
          const before = url.searchParams.get("before");
          let messages: ViewMessage[];
          if (after !== null) messages = all.filter((m) => m.seq > Number(after)).slice(0, 50);
          else messages = all.filter((m) => m.seq < Number(before)).slice(-50);
          const last = messages.at(-1)?.seq ?? 0;
          return {
            history: {
              mode: after !== null ? "after" : "before",
              messages,
              headSeq: all.length,
              hasOlder: (messages[0]?.seq ?? 1) > 1,
              hasNewer: last < all.length && after !== null,
              highlight: null,
            },
          };
        },
      },
    ],
    { initialEntries: ["/sessions/s1"] },
  );
  render(<RouterProvider router={router} future={{ v7_startTransition: true }} />);
  await waitFor(() => expect(screen.getByTestId("seqs").textContent).toBe(initial.messages.map((m) => m.seq).join(",")));
  const send = (event: LiveEvent) => act(() => handlers!.onEvent(event));
  return { all, requests, send, handlers: () => handlers!, timeline: () => timeline! };
}

const seqText = () => screen.getByTestId("seqs").textContent;
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i).join(",");
const tail = (from: number, to: number): HistoryPage => ({
  mode: "tail",
  messages: Array.from({ length: to - from + 1 }, (_, i) => msg(from + i)),
  headSeq: to,
  hasOlder: from > 1,
  hasNewer: false,
  highlight: null,
});

describe("session timeline", () => {
  it("appends the next seq and drops duplicates, whatever their id", async () => {
    const { send } = await setup(10, tail(1, 10));
    await waitFor(() => expect(seqText()).toBe(range(1, 10)));
    send({ type: "message", sessionId: "s1", message: msg(11) });
    send({ type: "message", sessionId: "s1", message: msg(11, { id: "random-other-id" }) });
    send({ type: "message", sessionId: "s1", message: msg(5) });
    expect(seqText()).toBe(range(1, 11));
  });

  it("fills a gap through the loader before showing the later message", async () => {
    const { send, all, requests } = await setup(15, tail(1, 10));
    await waitFor(() => expect(seqText()).toBe(range(1, 10)));
    send({ type: "message", sessionId: "s1", message: all[14]! }); // seq 15: 11..14 missing
    expect(seqText()).toBe(range(1, 10)); // not shown before the gap is filled
    await waitFor(() => expect(seqText()).toBe(range(1, 15)));
    expect(requests).toContain("?after=10&part=messages");
  });

  it("reads back what was missed when the feed (re)opens", async () => {
    const { handlers } = await setup(13, tail(1, 10));
    await waitFor(() => expect(seqText()).toBe(range(1, 10)));
    act(() => handlers().onOpen());
    await waitFor(() => expect(seqText()).toBe(range(1, 13)));
  });

  it("loads older pages by seq and stops at the first message", async () => {
    const { timeline } = await setup(120, tail(71, 120));
    await waitFor(() => expect(seqText()).toBe(range(71, 120)));
    act(() => timeline().loadOlder());
    await waitFor(() => expect(seqText()).toBe(range(21, 120)));
    act(() => timeline().loadOlder());
    await waitFor(() => expect(seqText()).toBe(range(1, 120)));
    expect(timeline().hasOlder).toBe(false);
  });

  it("streams the agent's reply token by token, then the stored message replaces the bubble", async () => {
    const { send } = await setup(1, tail(1, 1));
    const chunk = (c: Record<string, unknown>) => send({ type: "chunk", sessionId: "s1", agentId: "bot", chunk: c });
    chunk({ type: "start", messageId: "r1" });
    chunk({ type: "text-start", id: "t" });
    chunk({ type: "text-delta", id: "t", delta: "Hel" });
    expect(screen.getByTestId("live").textContent).toBe("streaming:Hel");
    chunk({ type: "text-delta", id: "t", delta: "lo" });
    expect(screen.getByTestId("live").textContent).toBe("streaming:Hello");
    chunk({ type: "finish", messageMetadata: { latency_ms: 5 } });
    expect(screen.getByTestId("live").textContent).toBe("finished:Hello");
    send({
      type: "message",
      sessionId: "s1",
      message: msg(2, {
        kind: "assistant",
        senderId: "bot",
        content: { id: "r1", role: "assistant", parts: [{ type: "text", text: "Hello", state: "done" }] },
      }),
    });
    expect(screen.getByTestId("live").textContent).toBe("none");
    expect(seqText()).toBe("1,2");
  });

  it("re-renders only the bubble on a chunk, never the page around it (ADR 206)", async () => {
    const { send } = await setup(1, tail(1, 1));
    const chunk = (c: Record<string, unknown>) => send({ type: "chunk", sessionId: "s1", agentId: "bot", chunk: c });
    chunk({ type: "start", messageId: "r1" });
    chunk({ type: "text-start", id: "t" });
    const before = { ...renders };
    for (const delta of ["One", " two", " three", " four"]) chunk({ type: "text-delta", id: "t", delta });
    expect(screen.getByTestId("live").textContent).toBe("streaming:One two three four");
    expect(renders.bubble - before.bubble).toBe(4);
    expect(renders.page - before.page).toBe(0);
  });

  it("shows an unfinished reply as interrupted when the feed drops or the gateway lost the stream", async () => {
    const { send, handlers } = await setup(1, tail(1, 1));
    const chunk = (c: Record<string, unknown>) => send({ type: "chunk", sessionId: "s1", agentId: "bot", chunk: c });
    chunk({ type: "text-start", id: "t" });
    chunk({ type: "text-delta", id: "t", delta: "partial" });
    act(() => handlers().onDrop());
    expect(screen.getByTestId("live").textContent).toBe("interrupted:partial");
    chunk({ type: "text-start", id: "u" });
    chunk({ type: "text-delta", id: "u", delta: "again" });
    chunk({ type: INTERRUPTED_CHUNK_TYPE, reason: "disconnected" });
    expect(screen.getByTestId("live").textContent).toBe("interrupted:again");
    chunk({ delta: "no type" }); // FleetLM fails such a stream (missing_type): nothing of it is stored
    expect(screen.getByTestId("live").textContent).toBe("refused:");
  });

  it("shows a stream FleetLM refuses (a non-string delta) as not stored, never as finished", async () => {
    const { send } = await setup(1, tail(1, 1));
    const chunk = (c: Record<string, unknown>) => send({ type: "chunk", sessionId: "s1", agentId: "bot", chunk: c });
    chunk({ type: "text-start", id: "t" });
    chunk({ type: "text-delta", id: "t", delta: "Hel" });
    chunk({ type: "text-delta", id: "t", delta: 5 });
    expect(screen.getByTestId("live").textContent).toBe("refused:Hel");
    // FleetLM halts the call at the bad chunk: nothing after it reaches the wire, and nothing is stored.
  });

  it("ignores other sessions' events", async () => {
    const { send } = await setup(1, tail(1, 1));
    send({ type: "message", sessionId: "other", message: msg(2, { sessionId: "other" }) } as LiveEvent);
    send({ type: "chunk", sessionId: "other", agentId: "bot", chunk: { type: "text-start", id: "t" } });
    expect(seqText()).toBe("1");
    expect(screen.getByTestId("live").textContent).toBe("none");
  });
});
