// The session page's keyboard shortcuts (issue 17). Each one presses the control the page already shows for it
// (found by its `data-action`), so a shortcut does exactly what the button does — the same rules, the same
// confirmation — and does nothing when the button is not there (say so instead). Keys typed into a field are
// the field's, except Esc there and Ctrl/⌘+Enter, which the composer handles itself.
import { useEffect, useRef } from "react";
import type { Shortcut } from "~/components/shortcuts-dialog";

export const SESSION_SHORTCUTS: Shortcut[] = [
  ["t", "Take the session over"],
  ["h", "Hand the session back to the AI"],
  ["Ctrl+Enter", "Send the reply (in the composer)"],
  ["c", "Focus the composer"],
  ["a", "Assign the session to me"],
  ["e", "Resolve (archive) the session"],
  ["j / k", "Next / previous session in the inbox view"],
  ["f, Ctrl+F", "Find in the whole transcript (Ctrl+F again: the browser's own find)"],
  ["Enter / Shift+Enter", "Next / previous hit (in the find box)"],
  ["?", "Show or hide this help"],
  ["Esc", "Close the find box or this help"],
];

const ACTION_FOR_KEY: Record<string, { action: string; what: string }> = {
  t: { action: "take-over", what: "Take over" },
  h: { action: "hand-back", what: "Hand back" },
  a: { action: "assign-me", what: "Assign to me" },
  e: { action: "resolve", what: "Resolve" },
  j: { action: "next-session", what: "Next session" },
  k: { action: "previous-session", what: "Previous session" },
};

function typingIn(target: EventTarget | null) {
  return target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

export type SessionKeyHandlers = {
  help: () => void;
  find: () => void;
  /** A shortcut whose control is not on the page right now (e.g. hand back when I hold nothing). */
  unavailable: (what: string) => void;
};

export function useSessionKeys(handlers: SessionKeyHandlers) {
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented) return;
      const findKey = (event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "f";
      if (findKey) {
        // A second Ctrl+F inside the find box is the browser's own find.
        if (event.target instanceof HTMLElement && event.target.dataset.action === "find-input") return;
        event.preventDefault();
        return latest.current.find();
      }
      if (event.ctrlKey || event.metaKey || event.altKey || typingIn(event.target)) return;
      if (event.key === "?") {
        event.preventDefault();
        return latest.current.help();
      }
      if (event.key === "f") {
        event.preventDefault();
        return latest.current.find();
      }
      if (event.key === "c") {
        const composer = document.querySelector<HTMLTextAreaElement>("textarea[data-composer]");
        event.preventDefault();
        if (composer) composer.focus();
        else latest.current.unavailable("The composer");
        return;
      }
      const shortcut = ACTION_FOR_KEY[event.key];
      if (!shortcut) return;
      event.preventDefault();
      const control = document.querySelector<HTMLElement>(`[data-action="${shortcut.action}"]`);
      if (control && !(control as HTMLButtonElement).disabled) control.click();
      else latest.current.unavailable(shortcut.what);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
}
