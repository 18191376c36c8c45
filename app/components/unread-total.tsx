// The total of my unread messages, kept live by the inbox's event stream (filled in by the inbox feature).
export function UnreadTotal() {
  return null;
}
