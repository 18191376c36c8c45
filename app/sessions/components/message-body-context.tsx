// What the parts of one message need to show what the server cut from it (ADR 085): the list of cuts, and a
// loader of the whole message (one fetch per message, on demand, from /sessions/:id/messages/:seq).
import { createContext, useContext, useMemo, useRef, type ReactNode } from "react";
import { omissionAt, valueAt, type Omission } from "~/messages/bounds";

export type FullMessage = { seq: number; kind: string; content: Record<string, unknown>; metadata: Record<string, unknown> };

type Value = { omitted: readonly Omission[] | undefined; loadFull: () => Promise<FullMessage> };

const Context = createContext<Value>({ omitted: undefined, loadFull: () => Promise.reject(new Error("Nothing to load")) });

export function fullMessageUrl(sessionId: string, seq: number) {
  return `/sessions/${encodeURIComponent(sessionId)}/messages/${seq}`;
}

export function MessageBodyProvider({
  sessionId,
  seq,
  omitted,
  children,
}: {
  sessionId: string;
  seq: number;
  omitted: readonly Omission[] | undefined;
  children: ReactNode;
}) {
  const pending = useRef<Promise<FullMessage> | null>(null);
  const value = useMemo<Value>(
    () => ({
      omitted,
      loadFull: () => {
        pending.current ??= fetch(fullMessageUrl(sessionId, seq), { headers: { accept: "application/json" } }).then(async (response) => {
          if (!response.ok) throw new Error(`The Console answered ${response.status}`);
          return (await response.json()) as FullMessage;
        });
        // A failed load may be retried.
        pending.current.catch(() => (pending.current = null));
        return pending.current;
      },
    }),
    [sessionId, seq, omitted],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

/** The cut at `path` of this message's content, and a loader of the whole string there. */
export function useCutText(path: (string | number)[]): { fullLength?: number; loadFull?: () => Promise<string> } {
  const { omitted, loadFull } = useContext(Context);
  const cut = omissionAt(omitted, path);
  if (!cut || cut.kind !== "text") return {};
  return { fullLength: cut.chars, loadFull: () => loadFull().then((m) => String(valueAt(m.content, path) ?? "")) };
}

export function useFullMessage() {
  return useContext(Context).loadFull;
}
