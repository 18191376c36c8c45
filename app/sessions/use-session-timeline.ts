// The session page's message list in the browser: the loader's page, older/newer pages through the same
// loader (useFetcher), live messages appended in seq order with duplicates dropped and gaps filled from
// the loader first, and the agent's reply assembled from chunks exactly as FleetLM will store it.
import { useFetcher } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState } from "react";
import { MessageAssembler, StreamRefusedError } from "@fleetlm/client/assembler";
import type { LiveEvent } from "~/live/events";
import { INTERRUPTED_CHUNK_TYPE, STREAM_STALL_MS } from "~/messages/live-markers";
import { createLiveReplyStore } from "./live-reply-store";
import { mergeBySeq } from "./paging";
import type { HistoryPage, ViewMessage } from "./types";

export type { LiveReply } from "./live-reply-store";

type PageData = { history?: HistoryPage | null; degraded?: { reason: string } | null };

export function useSessionTimeline(sessionId: string, initial: HistoryPage | null, resetKey: string) {
  const [messages, setMessages] = useState<ViewMessage[]>(initial?.messages ?? []);
  // Seqs FleetLM lost: shown as markers, and counted as "there" when deciding whether a seq is missing.
  const [lost, setLost] = useState<number[]>(initial?.lost ?? []);
  const lostSet = useRef(new Set<number>(initial?.lost ?? []));
  const addLost = useCallback((seqs: readonly number[] | undefined) => {
    if (!seqs || seqs.every((s) => lostSet.current.has(s))) return;
    for (const s of seqs) lostSet.current.add(s);
    setLost([...lostSet.current].sort((a, b) => a - b));
  }, []);
  const [hasOlder, setHasOlder] = useState(initial?.hasOlder ?? false);
  const [hasNewer, setHasNewer] = useState(initial?.hasNewer ?? false);
  const [headSeq, setHeadSeq] = useState(initial?.headSeq ?? 0);
  // Not state: a chunk must not re-render everything that uses this hook (useLiveReply reads it).
  const [liveReply] = useState(createLiveReplyStore);
  const [fetchError, setFetchError] = useState<string | null>(null);
  // Counts the times the loader's page replaced what was held (a new URL): the list re-places its view then.
  const [generation, setGeneration] = useState(0);
  const older = useFetcher<PageData>({ key: `older:${sessionId}` });
  const newer = useFetcher<PageData>({ key: `newer:${sessionId}` });
  const assembler = useRef(new MessageAssembler());
  const pending = useRef(new Map<number, ViewMessage>());
  const state = useRef({ messages, hasNewer, newerBusy: false, wantFill: false });
  state.current.messages = messages;
  state.current.hasNewer = hasNewer;
  state.current.newerBusy = newer.state !== "idle";

  // A new URL (another session, ?seq=, ?before=) starts over from the loader's page.
  const lastKey = useRef(resetKey);
  useEffect(() => {
    if (lastKey.current === resetKey) {
      // A revalidation of the same page (after a note was saved): merge, never reset what was paged in.
      if (initial && !state.current.hasNewer) setMessages((current) => mergeBySeq(current, initial.messages, "start"));
      return;
    }
    lastKey.current = resetKey;
    pending.current.clear();
    assembler.current.reset();
    setMessages(initial?.messages ?? []);
    lostSet.current = new Set(initial?.lost ?? []);
    setLost([...lostSet.current]);
    setHasOlder(initial?.hasOlder ?? false);
    setHasNewer(initial?.hasNewer ?? false);
    setHeadSeq(initial?.headSeq ?? 0);
    liveReply.set(null);
    setGeneration((n) => n + 1);
  }, [resetKey, initial, liveReply]);

  /** The last seq accounted for: the newest message held, and any lost seqs right after it. */
  const lastSeq = () => {
    let last = state.current.messages.at(-1)?.seq ?? 0;
    while (lostSet.current.has(last + 1)) last += 1;
    return last;
  };

  // useFetcher returns a new object every render; the callbacks read it through refs to stay stable.
  const fetchers = useRef({ older, newer });
  fetchers.current = { older, newer };
  const processed = useRef<{ older: unknown; newer: unknown }>({ older: null, newer: null });

  const loadNewer = useCallback(() => {
    if (state.current.newerBusy) {
      state.current.wantFill = true;
      return;
    }
    state.current.newerBusy = true;
    fetchers.current.newer.load(`/sessions/${encodeURIComponent(sessionId)}?after=${lastSeq()}&part=messages`);
  }, [sessionId]);

  const loadOlder = useCallback(() => {
    const first = state.current.messages[0]?.seq;
    if (!first || first <= 1 || fetchers.current.older.state !== "idle") return;
    fetchers.current.older.load(`/sessions/${encodeURIComponent(sessionId)}?before=${first}&part=messages`);
  }, [sessionId]);

  // Older page arrived: prepend; beyond the bound the newest end is dropped, so the view leaves the tail.
  useEffect(() => {
    const page = older.data?.history;
    if (older.state !== "idle" || !older.data || processed.current.older === older.data) return;
    processed.current.older = older.data;
    if (!page) {
      setFetchError(older.data.degraded?.reason ?? "Could not load older messages.");
      return;
    }
    setFetchError(null);
    addLost(page.lost);
    setMessages((current) => {
      const merged = mergeBySeq(current, page.messages, "end");
      if ((merged.at(-1)?.seq ?? 0) < (current.at(-1)?.seq ?? 0)) setHasNewer(true);
      return merged;
    });
    setHasOlder(page.hasOlder);
  }, [older.data, older.state, addLost]);

  // Newer page arrived (scrolling down from the middle, a gap fill, or a catch-up after a reconnect).
  useEffect(() => {
    if (newer.state !== "idle" || !newer.data || processed.current.newer === newer.data) return;
    processed.current.newer = newer.data;
    const page = newer.data.history;
    if (!page) {
      setFetchError(newer.data.degraded?.reason ?? "Could not load newer messages.");
      return;
    }
    setFetchError(null);
    addLost(page.lost);
    const combined = [...page.messages];
    const last = Math.max(page.messages.at(-1)?.seq ?? state.current.messages.at(-1)?.seq ?? 0, page.lost?.at(-1) ?? 0);
    // Live messages held back behind the gap join now when they continue the page; lost seqs are no gap.
    let next = last + 1;
    for (;;) {
      if (lostSet.current.has(next)) {
        next += 1;
        continue;
      }
      const held = pending.current.get(next);
      if (!held) break;
      combined.push(held);
      pending.current.delete(next);
      next += 1;
    }
    for (const seq of [...pending.current.keys()]) if (seq < next) pending.current.delete(seq);
    setMessages((current) => mergeBySeq(current, combined, "start"));
    setHeadSeq((head) => Math.max(head, next - 1));
    setHasNewer(page.hasNewer);
    if (page.hasNewer || pending.current.size > 0 || state.current.wantFill) {
      state.current.wantFill = false;
      // Still behind: read on from the new end on the next tick.
      setTimeout(() => loadNewer(), 0);
    }
  }, [newer.data, newer.state, loadNewer, addLost]);

  const onMessage = useCallback(
    (message: ViewMessage) => {
      setHeadSeq((head) => Math.max(head, message.seq));
      if (message.kind === "assistant") liveReply.set((current) => (current && current.status !== "streaming" ? null : current));
      if (state.current.hasNewer) return; // reading the middle: the "newer" button brings it in
      const last = lastSeq();
      if (message.seq <= last || pending.current.has(message.seq)) return; // a duplicate
      if (message.seq === last + 1 && pending.current.size === 0) {
        state.current.messages = mergeBySeq(state.current.messages, [message], "start");
        setMessages(state.current.messages);
        return;
      }
      // A gap: hold this one until the missing seqs came from the loader.
      pending.current.set(message.seq, message);
      loadNewer();
    },
    [loadNewer, liveReply],
  );

  const onChunk = useCallback(
    (agentId: string, chunk: Record<string, unknown>) => {
      if (chunk.type === INTERRUPTED_CHUNK_TYPE) {
        assembler.current.reset();
        liveReply.set((current) => (current && current.status === "streaming" ? { ...current, status: "interrupted" } : current));
        return;
      }
      try {
        const completed = assembler.current.apply(chunk);
        const content = completed ? completed.content : assembler.current.current();
        liveReply.set({ agentId, content, metadata: completed?.metadata ?? null, status: completed ? "finished" : "streaming", lastChunkAt: Date.now() });
      } catch (error) {
        if (!(error instanceof StreamRefusedError)) throw error;
        // FleetLM fails the call at this chunk and stores nothing: say so rather than "finished" or a spinner.
        const content = assembler.current.current();
        assembler.current.reset();
        liveReply.set({ agentId, content, metadata: null, status: "refused", refusedReason: error.reason, lastChunkAt: Date.now() });
      }
    },
    [liveReply],
  );

  const onEvent = useCallback(
    (event: LiveEvent) => {
      if (event.type === "message" && event.sessionId === sessionId) onMessage(event.message as ViewMessage);
      else if (event.type === "lost" && event.sessionId === sessionId) {
        addLost(event.seqs);
        // Messages held behind the lost seqs can be shown now: the fill read says the same.
        if (pending.current.size > 0) loadNewer();
      } else if (event.type === "chunk" && event.sessionId === sessionId) onChunk(event.agentId, event.chunk);
    },
    [onMessage, onChunk, sessionId, addLost, loadNewer],
  );

  const onOpen = useCallback(() => {
    // Whatever happened while the feed was away is read back from persisted messages (chunks are never replayed).
    if (!state.current.hasNewer) loadNewer();
  }, [loadNewer]);

  const onDrop = useCallback(() => {
    assembler.current.reset();
    liveReply.set((current) => (current && current.status === "streaming" ? { ...current, status: "interrupted" } : current));
  }, [liveReply]);

  // A reply that stops without finish or abort is shown as interrupted, never left spinning.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(timer);
      if (liveReply.get()?.status !== "streaming") return;
      timer = setTimeout(() => {
        assembler.current.reset();
        liveReply.set((current) =>
          current && current.status === "streaming" && Date.now() - current.lastChunkAt >= STREAM_STALL_MS ? { ...current, status: "interrupted" } : current,
        );
      }, STREAM_STALL_MS + 50);
    };
    const unsubscribe = liveReply.subscribe(arm);
    arm();
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [liveReply]);

  return {
    messages,
    generation,
    lost,
    hasOlder,
    hasNewer,
    headSeq,
    liveReply,
    fetchError,
    loadingOlder: older.state !== "idle",
    loadingNewer: newer.state !== "idle",
    loadOlder,
    loadNewer,
    handlers: { onEvent, onOpen, onDrop },
  };
}
