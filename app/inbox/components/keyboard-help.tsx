// The "?" overlay listing the inbox's keyboard shortcuts.
export const SHORTCUTS: [string, string][] = [
  ["j / k", "Move down / up"],
  ["Enter", "Open the session"],
  ["x", "Select or unselect the row"],
  ["a", "Assign the session to me"],
  ["e", "Resolve the session"],
  ["z", "Snooze the session for an hour"],
  ["r", "Mark the session read"],
  ["t", "Take the session over (and open it)"],
  ["Tab", "Reach each row's link, then Enter opens it"],
  ["/", "Search users, session ids and messages"],
  ["?", "Show or hide this help"],
  ["Esc", "Close"],
];

export function KeyboardHelp({ onClose }: { onClose: () => void }) {
  return (
    <div
      role="dialog"
      aria-modal="true"
      aria-labelledby="inbox-keys-title"
      className="fixed inset-0 z-20 flex items-center justify-center bg-black/40"
      onClick={onClose}
    >
      <div className="w-80 rounded-lg bg-white p-4 shadow-lg dark:bg-slate-900" onClick={(e) => e.stopPropagation()}>
        <h2 id="inbox-keys-title" className="mb-2 font-semibold">
          Keyboard shortcuts
        </h2>
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
          {SHORTCUTS.map(([key, what]) => (
            <div key={key} className="contents">
              <dt>
                <kbd className="rounded border border-slate-300 px-1 font-mono text-xs dark:border-slate-700">{key}</kbd>
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
        <button type="button" onClick={onClose} className="mt-3 rounded border border-slate-300 px-2 py-1 text-sm dark:border-slate-700" autoFocus>
          Close
        </button>
      </div>
    </div>
  );
}
