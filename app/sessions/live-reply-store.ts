// The agent's reply while it streams, held outside React state: a chunk re-renders the live bubble alone (and
// the message list only when a reply starts or ends), never the whole session page (ADR 206).
import { useSyncExternalStore } from "react";
import type { AssistantContent } from "@fleetlm/client/assembler";

export type LiveReply = {
  agentId: string;
  content: AssistantContent;
  metadata: Record<string, unknown> | null;
  /** "refused": FleetLM's assembler rejects a chunk of this stream, so it stores nothing (protocol §13.3). */
  status: "streaming" | "finished" | "interrupted" | "refused";
  refusedReason?: string;
  lastChunkAt: number;
};

type Next = LiveReply | null | ((current: LiveReply | null) => LiveReply | null);

export type LiveReplyStore = {
  get: () => LiveReply | null;
  set: (next: Next) => void;
  subscribe: (listener: () => void) => () => void;
};

export function createLiveReplyStore(): LiveReplyStore {
  let value: LiveReply | null = null;
  const listeners = new Set<() => void>();
  return {
    get: () => value,
    set(next) {
      const resolved = typeof next === "function" ? next(value) : next;
      if (resolved === value) return;
      value = resolved;
      for (const listener of [...listeners]) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The reply itself: re-renders its caller on every chunk. */
export function useLiveReply(store: LiveReplyStore): LiveReply | null {
  return useSyncExternalStore(store.subscribe, store.get, store.get);
}

/** Whether a reply is shown at all: re-renders its caller only when one starts or goes away. */
export function useHasLiveReply(store: LiveReplyStore): boolean {
  const has = () => store.get() !== null;
  return useSyncExternalStore(store.subscribe, has, has);
}
