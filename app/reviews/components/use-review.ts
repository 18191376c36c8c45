// Browser side of one reply's review: loads my review + flag state from the review resource route and
// saves with plain fetch() (see the route for why not a Remix fetcher), keeping an editable draft.
import { useCallback, useEffect, useRef, useState } from "react";
import { errorsByField } from "~/lib/forms";
import type { ActionResult, LabelDef, Rating, ReplyView } from "../review-types";

export type Draft = { rating: Rating | null; labels: string[]; comment: string };
export type SaveState = { status: "idle" | "saving" | "saved" | "error"; message?: string; errors?: Record<string, string[]> };

export function replyUrl(sessionId: string, seq: number) {
  return `/reviews/${encodeURIComponent(sessionId)}/${seq}`;
}

const emptyDraft: Draft = { rating: null, labels: [], comment: "" };

export function useReview(sessionId: string, seq: number, options: { context?: number; enabled?: boolean } = {}) {
  const { context = 0, enabled = true } = options;
  const [view, setView] = useState<ReplyView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [dirty, setDirty] = useState(false);
  const [save, setSave] = useState<SaveState>({ status: "idle" });
  const generation = useRef(0);

  const load = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const res = await fetch(`${replyUrl(sessionId, seq)}${context ? `?context=${context}` : ""}`, { headers: { accept: "application/json" } });
      if (!res.ok) throw new Error(res.status === 404 ? "This reply is not in FleetLM." : `The Console answered ${res.status}.`);
      const next = (await res.json()) as ReplyView;
      if (mine !== generation.current) return;
      setView(next);
      setLoadError(null);
      const m = next.state.mine;
      setDraft(m ? { rating: m.rating, labels: m.labels, comment: m.comment } : emptyDraft);
      setDirty(false);
    } catch (error) {
      if (mine === generation.current) setLoadError(error instanceof Error ? error.message : String(error));
    }
  }, [sessionId, seq, context]);

  useEffect(() => {
    setView(null);
    setSave({ status: "idle" });
    if (enabled) void load();
  }, [load, enabled]);

  const post = useCallback(
    async (fields: [string, string][]): Promise<ActionResult> => {
      const body = new URLSearchParams(fields);
      const res = await fetch(replyUrl(sessionId, seq), {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body,
      });
      const json = (await res.json().catch(() => null)) as ActionResult | null;
      if (json && (json.ok || json.status === "error")) return json;
      return { status: "error", error: { "": [res.status === 404 ? "This reply or review no longer exists." : `The Console answered ${res.status}.`] } };
    },
    [sessionId, seq],
  );

  const submit = useCallback(
    async (override?: Partial<Draft>) => {
      const next = { ...draft, ...override };
      setDraft(next);
      if (!next.rating) {
        setSave({ status: "error", message: "Rate it good or bad first.", errors: { rating: ["Rate it good or bad first."] } });
        return false;
      }
      setSave({ status: "saving" });
      const fields: [string, string][] = [
        ["intent", "review"],
        ["rating", next.rating],
        ["comment", next.comment],
      ];
      for (const label of next.labels) fields.push(["labels", label]);
      const result = await post(fields);
      if (!result.ok) {
        const errors = errorsByField(result);
        setSave({ status: "error", message: Object.values(errors).flat()[0] ?? "Not saved.", errors });
        return false;
      }
      setSave({ status: "saved" });
      setDirty(false);
      await load();
      return true;
    },
    [draft, post, load],
  );

  const setFlag = useCallback(
    async (flagged: boolean, reason?: string): Promise<boolean> => {
      const fields: [string, string][] = [["intent", flagged ? "flag" : "unflag"]];
      if (reason) fields.push(["reason", reason]);
      const result = await post(fields);
      if (!result.ok) {
        const errors = errorsByField(result);
        setSave({ status: "error", message: Object.values(errors).flat()[0] ?? "Not saved.", errors });
      }
      await load();
      return result.ok === true;
    },
    [post, load],
  );

  const edit = useCallback((patch: Partial<Draft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setDirty(true);
    setSave({ status: "idle" });
  }, []);

  const toggleLabel = useCallback((name: string) => {
    setDraft((d) => ({ ...d, labels: d.labels.includes(name) ? d.labels.filter((l) => l !== name) : [...d.labels, name] }));
    setDirty(true);
    setSave({ status: "idle" });
  }, []);

  const labels: LabelDef[] = view?.labels ?? [];
  return { view, labels, loadError, draft, dirty, save, edit, toggleLabel, submit, setFlag, reload: load };
}
