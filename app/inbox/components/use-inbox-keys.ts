// j/k/Enter/x/"/"/? and a/e/z/r/t on the inbox list. Keys typed into a form field are left alone.
import { useEffect, useRef } from "react";

export type InboxKeyHandlers = {
  move: (delta: 1 | -1) => void;
  open: () => void;
  toggle: () => void;
  search: () => void;
  help: () => void;
  escape: () => void;
  /** Shortcuts on the focused session: a assign to me, e resolve, z snooze an hour, r mark read, t take over. */
  act: (what: "assign-me" | "resolve" | "snooze" | "mark-read" | "take-over") => void;
};

function typing(target: EventTarget | null) {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

export function useInboxKeys(handlers: InboxKeyHandlers) {
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") return latest.current.escape();
      if (event.metaKey || event.ctrlKey || event.altKey || typing(event.target)) return;
      const actions: Record<string, () => void> = {
        j: () => latest.current.move(1),
        k: () => latest.current.move(-1),
        Enter: () => latest.current.open(),
        x: () => latest.current.toggle(),
        "/": () => latest.current.search(),
        "?": () => latest.current.help(),
        a: () => latest.current.act("assign-me"),
        e: () => latest.current.act("resolve"),
        z: () => latest.current.act("snooze"),
        r: () => latest.current.act("mark-read"),
        t: () => latest.current.act("take-over"),
      };
      const action = actions[event.key];
      if (!action) return;
      // Enter on a focused link or button keeps its own meaning.
      if (event.key === "Enter" && event.target instanceof HTMLElement && ["A", "BUTTON"].includes(event.target.tagName)) return;
      event.preventDefault();
      action();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
}
