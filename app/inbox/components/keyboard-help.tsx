// The "?" overlay listing the inbox's keyboard shortcuts.
import { ShortcutsDialog, type Shortcut } from "~/components/shortcuts-dialog";

export const SHORTCUTS: Shortcut[] = [
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
  return <ShortcutsDialog shortcuts={SHORTCUTS} onClose={onClose} />;
}
