// @vitest-environment jsdom
// The browser hook: one EventSource per tab shared by every caller, the union of watched sessions, resume
// from the last id when the watch list changes, and a visible status.
import "../support/db";
import { act, cleanup, render } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { useLiveEvents, type LiveStatus } from "~/live/use-live";
import type { LiveStreamEvent } from "~/live/events";

class FakeEventSource {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSED = 2;
  static all: FakeEventSource[] = [];
  readyState = FakeEventSource.CONNECTING;
  onopen: (() => void) | null = null;
  onmessage: ((frame: MessageEvent<string>) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeEventSource.all.push(this);
  }
  open() {
    this.readyState = FakeEventSource.OPEN;
    this.onopen?.();
  }
  emit(id: number, event: LiveStreamEvent) {
    this.onmessage?.({ data: JSON.stringify(event), lastEventId: String(id) } as MessageEvent<string>);
  }
  fail(closed: boolean) {
    this.readyState = closed ? FakeEventSource.CLOSED : FakeEventSource.CONNECTING;
    this.onerror?.();
  }
  close() {
    this.readyState = FakeEventSource.CLOSED;
  }
}
(globalThis as unknown as { EventSource: unknown }).EventSource = FakeEventSource;
const live = () => FakeEventSource.all.filter((s) => s.readyState !== FakeEventSource.CLOSED);

function Probe({ name, watch, since, log, statuses }: { name: string; watch?: string; since?: number; log: string[]; statuses?: LiveStatus[] }) {
  const status = useLiveEvents((event) => log.push(`${name}:${event.type}:${"sessionId" in event ? event.sessionId : ""}`), { watch, since });
  statuses?.push(status);
  return null;
}

const changed = (sessionId: string): LiveStreamEvent => ({
  type: "session.changed",
  sessionId,
  userId: "u",
  agentId: "a",
  headSeq: 1,
  lastActivityAt: null,
  lastSenderRole: "user",
  lastPreview: "x",
});
const chunk = (sessionId: string): LiveStreamEvent => ({ type: "chunk", sessionId, agentId: "a", chunk: {} });

afterEach(() => {
  cleanup();
  FakeEventSource.all = [];
});

describe("useLiveEvents", () => {
  it("shares one stream per tab and reopens it from the last id when the watch list grows", () => {
    const log: string[] = [];
    const statuses: LiveStatus[] = [];
    const first = render(<Probe name="nav" log={log} statuses={statuses} />);
    expect(live()).toHaveLength(1);
    expect(live()[0]!.url).toBe("/live");
    act(() => live()[0]!.open());
    expect(statuses.at(-1)).toBe("open");
    act(() => live()[0]!.emit(7, changed("s1")));

    const second = render(<Probe name="page" watch="s2" log={log} />);
    expect(live()).toHaveLength(1);
    expect(live()[0]!.url).toBe("/live?watch=s2&lastEventId=7");
    act(() => {
      live()[0]!.emit(8, chunk("s2"));
      live()[0]!.emit(9, chunk("s3"));
    });
    // Chunks go only to the component watching that session; inbox-wide events to both.
    expect(log).toEqual(["nav:session.changed:s1", "page:chunk:s2"]);

    second.unmount();
    expect(live()[0]!.url).toBe("/live?lastEventId=9"); // the last id seen, shown or not
    first.unmount();
    expect(live()).toHaveLength(0);
  });

  it("replays from the page's loader id when it subscribes after the stream opened, each event once per subscriber", () => {
    const log: string[] = [];
    render(<Probe name="nav" log={log} />);
    act(() => live()[0]!.open());
    act(() => live()[0]!.emit(12, changed("a")));
    render(<Probe name="page" since={10} log={log} />);
    expect(live()).toHaveLength(1);
    expect(live()[0]!.url).toBe("/live?lastEventId=10");
    act(() => {
      live()[0]!.emit(11, changed("missed"));
      live()[0]!.emit(12, changed("a"));
      live()[0]!.emit(13, changed("b"));
    });
    expect(log).toEqual(["nav:session.changed:a", "page:session.changed:missed", "page:session.changed:a", "nav:session.changed:b", "page:session.changed:b"]);
  });

  it("shows reconnecting while the stream is down and opens a new one after the browser gives up", async () => {
    const statuses: LiveStatus[] = [];
    render(<Probe name="x" log={[]} statuses={statuses} />);
    const source = live()[0]!;
    act(() => source.open());
    act(() => source.emit(3, changed("s")));
    act(() => source.fail(true));
    expect(statuses.at(-1)).toBe("reconnecting");
    await act(() => new Promise((r) => setTimeout(r, 1_100)));
    expect(live()).toHaveLength(1);
    expect(live()[0]!.url).toBe("/live?lastEventId=3");
    act(() => live()[0]!.open());
    expect(statuses.at(-1)).toBe("open");
  });
});
