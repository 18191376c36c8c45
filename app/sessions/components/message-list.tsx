// The virtualised conversation: only the messages in view are in the DOM, so a page of hundreds stays light.
// Opens at the tail (or centred on a deep-linked seq), keeps its place when older pages are prepended,
// follows new messages while at the bottom, and shows a "new messages" marker when scrolled up.
import { useVirtualizer } from "@tanstack/react-virtual";
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from "react";
import { useHasLiveReply, type LiveReplyStore } from "../live-reply-store";
import type { ViewMessage } from "../types";
import { LiveBubble } from "./live-bubble";
import { LostMarker, lostBetween } from "./lost-marker";
import { MessageView } from "./message-view";
import { authorOf, isAgentReply } from "~/messages/authorship";
import { buttonClass } from "~/components/ui/button";

/** Review controls sit under the agent's AI replies: never under a message that only claims to be one. */
function isReviewable(message: ViewMessage, session: { userId: string; agentId: string }) {
  const author = message.author ?? authorOf(session, { sender_id: message.senderId, kind: message.kind, metadata: message.metadata });
  return message.kind === "assistant" && isAgentReply(author, message.kind);
}

const useIsoLayoutEffect = typeof window === "undefined" ? useEffect : useLayoutEffect;

type Props = {
  messages: ViewMessage[];
  /** Seqs FleetLM lost, ascending: a marker takes their place between the messages around them. */
  lost?: number[];
  /** The streaming reply: only its bubble re-renders on a chunk; the list, when one starts or ends. */
  live: LiveReplyStore;
  session: { userId: string; agentId: string };
  highlight: number | null;
  hasOlder: boolean;
  hasNewer: boolean;
  loadingOlder: boolean;
  loadingNewer: boolean;
  onLoadOlder: () => void;
  onLoadNewer: () => void;
  /** Called with the last seq while the bottom of the list is in view. */
  onAtTail: (seq: number) => void;
  actionsFor: (message: ViewMessage) => ReactNode;
  /** A find hit to bring into view and mark (`n` changes on every jump, so the same hit can be shown again). */
  focus?: { seq: number; n: number } | null;
};

export function MessageList(props: Props) {
  const { messages, session, hasOlder, hasNewer, focus } = props;
  const live = useHasLiveReply(props.live);
  const highlight = focus?.seq ?? props.highlight;
  const lost = props.lost ?? [];
  const scrollRef = useRef<HTMLDivElement>(null);
  const count = messages.length + (live ? 1 : 0);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 110,
    overscan: 6,
    initialRect: { width: 800, height: 600 }, // lets the server render the first rows
    getItemKey: (index) => (index < messages.length ? messages[index]!.seq : "live"),
  });
  const [atBottom, setAtBottom] = useState(true);
  const [unseen, setUnseen] = useState(0);
  // Where the reader is, updated on every scroll. A ref, not state: an older page can land between a scroll (a
  // jump to the newest message while that page was loading) and the re-render that would tell React about it.
  const place = useRef<{ atBottom: boolean; topSeq: number | null }>({ atBottom: true, topSeq: null });
  const previous = useRef<{ first: number | null; last: number | null; initialised: boolean }>({ first: null, last: null, initialised: false });

  // Place the view once: the deep-linked message in the middle, else the tail.
  useIsoLayoutEffect(() => {
    if (previous.current.initialised || messages.length === 0) return;
    previous.current.initialised = true;
    const index = highlight !== null ? messages.findIndex((m) => m.seq >= highlight) : -1;
    if (index >= 0) virtualizer.scrollToIndex(index, { align: "center" });
    else virtualizer.scrollToIndex(count - 1, { align: "end" });
  });

  // Older messages prepended: keep the message the reader has on top where it is (or stay at the newest one if
  // they jumped there while the page was loading). New ones at the end: follow them when at the bottom, else
  // count them for the marker.
  useIsoLayoutEffect(() => {
    const first = messages[0]?.seq ?? null;
    const last = messages.at(-1)?.seq ?? null;
    const before = previous.current;
    if (before.first !== null && first !== null && first < before.first) {
      if (place.current.atBottom) virtualizer.scrollToIndex(count - 1, { align: "end" });
      else {
        const anchor = place.current.topSeq ?? before.first;
        const index = messages.findIndex((m) => m.seq === anchor);
        if (index > 0) virtualizer.scrollToIndex(index, { align: "start" });
      }
    }
    if (before.last !== null && last !== null && last > before.last) {
      if (atBottom) virtualizer.scrollToIndex(count - 1, { align: "end" });
      else setUnseen((n) => n + (last - before.last!));
    }
    previous.current = { ...previous.current, first, last };
  }, [messages]);

  // A find hit held in this window: centre it (a hit outside it comes with a new page, placed above).
  useEffect(() => {
    if (!focus) return;
    const index = messages.findIndex((m) => m.seq === focus.seq);
    if (index < 0) return;
    place.current = { atBottom: false, topSeq: focus.seq };
    virtualizer.scrollToIndex(index, { align: "center" });
  }, [focus?.seq, focus?.n]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (live && atBottom) virtualizer.scrollToIndex(count - 1, { align: "end" });
  }, [live, atBottom, count, virtualizer]);
  // The bubble grew by a chunk (a render of its own, not of this list): follow it while at the bottom.
  const follow = useRef({ atBottom, count });
  follow.current = { atBottom, count };
  const onLiveGrew = useCallback(() => {
    if (follow.current.atBottom) virtualizer.scrollToIndex(follow.current.count - 1, { align: "end" });
  }, [virtualizer]);

  // The list shrinks when something appears under it (the composer on a takeover): stay at the newest message.
  const stick = useRef({ atBottom, count });
  stick.current = { atBottom, count };
  useEffect(() => {
    const el = scrollRef.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    let height = el.clientHeight; // only a change of size counts (the observer also fires once at the start)
    const observer = new ResizeObserver(() => {
      const shrunk = el.clientHeight < height;
      height = el.clientHeight;
      if (shrunk && stick.current.atBottom && stick.current.count > 0) virtualizer.scrollToIndex(stick.current.count - 1, { align: "end" });
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [virtualizer]);

  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    const top = virtualizer.getVirtualItems().find((item) => item.end > el.scrollTop);
    place.current = { atBottom: bottom, topSeq: top && top.index < messages.length ? messages[top.index]!.seq : null };
    if (bottom !== atBottom) setAtBottom(bottom);
    if (bottom) setUnseen(0);
    if (el.scrollTop < 200 && hasOlder && !props.loadingOlder) props.onLoadOlder();
  };

  const lastSeq = messages.at(-1)?.seq;
  useEffect(() => {
    if (atBottom && !hasNewer && lastSeq !== undefined) props.onAtTail(lastSeq);
  }, [atBottom, hasNewer, lastSeq]); // eslint-disable-line react-hooks/exhaustive-deps

  const jumpToEnd = () => {
    place.current = { atBottom: true, topSeq: null }; // before the scroll event: a page landing first must not undo it
    virtualizer.scrollToIndex(count - 1, { align: "end" });
    setUnseen(0);
  };

  return (
    <div className="relative min-h-0 flex-1">
      <div
        ref={scrollRef}
        onScroll={onScroll}
        data-testid="message-scroller"
        tabIndex={0}
        role="region"
        aria-label="Conversation"
        className="h-[65vh] overflow-y-auto lg:h-full rounded-lg border border-slate-200 bg-slate-50 p-2 dark:border-slate-800 dark:bg-slate-950"
      >
        <div className="mb-2 flex justify-center">
          {hasOlder ? (
            <button type="button" onClick={props.onLoadOlder} disabled={props.loadingOlder} className={buttonClass({ variant: "secondary" })}>
              {props.loadingOlder ? "Loading…" : "Load older messages"}
            </button>
          ) : messages.length > 0 ? (
            <span className="text-xs text-slate-600 dark:text-slate-400" data-testid="start-of-conversation">
              Start of the conversation
            </span>
          ) : (
            <span className="text-sm text-slate-600 dark:text-slate-400">No messages yet.</span>
          )}
        </div>
        <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
          {virtualizer.getVirtualItems().map((item) => {
            const message = messages[item.index];
            return (
              <div
                key={item.key}
                data-index={item.index}
                ref={virtualizer.measureElement}
                className="absolute left-0 top-0 w-full pb-2"
                style={{ transform: `translateY(${item.start}px)` }}
              >
                {message ? (
                  <>
                    <LostMarker seqs={lostBetween(lost, item.index === 0 ? (lost[0] ?? 1) - 1 : messages[item.index - 1]!.seq, message.seq)} />
                    <MessageView
                      message={message}
                      session={session}
                      highlighted={message.seq === highlight}
                      actions={isReviewable(message, session) ? props.actionsFor(message) : undefined}
                    />
                    {item.index === messages.length - 1 ? <LostMarker seqs={lostBetween(lost, message.seq, Number.MAX_SAFE_INTEGER)} /> : null}
                  </>
                ) : live ? (
                  <LiveBubble store={props.live} onChange={onLiveGrew} />
                ) : null}
              </div>
            );
          })}
        </div>
        {hasNewer ? (
          <div className="mt-2 flex justify-center">
            <button type="button" onClick={props.onLoadNewer} disabled={props.loadingNewer} className={buttonClass({ variant: "secondary" })}>
              {props.loadingNewer ? "Loading…" : "Load newer messages"}
            </button>
          </div>
        ) : null}
      </div>
      {unseen > 0 && !atBottom ? (
        <button
          type="button"
          onClick={jumpToEnd}
          data-testid="new-messages"
          className="absolute bottom-4 left-1/2 -translate-x-1/2 rounded-full bg-blue-600 px-4 py-1.5 text-sm font-medium text-white shadow"
        >
          {unseen} new message{unseen === 1 ? "" : "s"} ↓
        </button>
      ) : null}
    </div>
  );
}
