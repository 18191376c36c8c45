// A link to a session that remembers the inbox view it was opened from (`?inbox=<the inbox's query>`), so the
// session page can offer previous/next in that view and a way back with the same filters.
export function sessionLink(sessionId: string, inboxSearch: string) {
  const base = `/sessions/${encodeURIComponent(sessionId)}`;
  const query = inboxSearch.startsWith("?") ? inboxSearch.slice(1) : inboxSearch;
  return query ? `${base}?${new URLSearchParams({ inbox: query }).toString()}` : base;
}
