// The session page's keyboard layer: the shortcuts (use-session-keys.ts), their "?" help dialog, and a polite
// note when a shortcut's control is not on the page right now ("Hand back is not available here").
import { useCallback, useEffect, useState } from "react";
import { ShortcutsDialog } from "~/components/shortcuts-dialog";
import { SESSION_SHORTCUTS, useSessionKeys } from "../use-session-keys";

const NOTE_SHOWN_MS = 4_000;

export function WorkspaceKeys({ onFind }: { onFind: () => void }) {
  const [help, setHelp] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => {
    if (!note) return;
    const timer = setTimeout(() => setNote(null), NOTE_SHOWN_MS);
    return () => clearTimeout(timer);
  }, [note]);
  const unavailable = useCallback((what: string) => setNote(`${what} is not available here right now.`), []);
  useSessionKeys({ help: () => setHelp((open) => !open), find: onFind, unavailable });
  return (
    <>
      <p aria-live="polite" className="sr-only" data-testid="shortcut-note">
        {note ?? ""}
      </p>
      {note ? (
        <p className="fixed bottom-4 left-1/2 z-20 -translate-x-1/2 rounded bg-slate-800 px-3 py-1.5 text-sm text-white shadow" aria-hidden="true">
          {note}
        </p>
      ) : null}
      {help ? <ShortcutsDialog title="Keyboard shortcuts" shortcuts={SESSION_SHORTCUTS} onClose={() => setHelp(false)} /> : null}
      <button type="button" onClick={() => setHelp(true)} className="sr-only focus:not-sr-only" aria-keyshortcuts="?">
        Keyboard shortcuts
      </button>
    </>
  );
}
