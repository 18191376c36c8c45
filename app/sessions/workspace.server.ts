// The session page's side panel data beyond the header: the user's other sessions, and the previous/next session of the inbox view the operator came from (its query string travels
// in `?inbox=`, so "back to the inbox" keeps the filters and the neighbours follow the same order).
import { db } from "~/db.server";
import { parseInboxParams, queryInbox } from "~/inbox/inbox-query.server";
import { fromStored, toStored, visibleControls } from "~/lib/stored-text";
import { sessionLink as sessionHref } from "~/inbox/session-link";

export type Neighbour = { id: string; userId: string; href: string } | null;
export type InboxNav = { inboxHref: string; inboxQuery: string; previous: Neighbour; next: Neighbour; position: number | null };
export type OtherSession = { id: string; agentId: string; status: string; lastActivityAt: string | null };

const OTHER_SESSIONS = 10;
const INBOX_QUERY_MAX = 2_000;

/**
 * The inbox query a session page was opened from. The inbox reads any query forgivingly (a bad value is shown in
 * place, not refused), so it is carried as it is; only an oversized one is dropped, and "back" goes to the plain
 * inbox. The neighbours are read with what the inbox itself makes of it (parseInboxParams).
 */
export function inboxQueryFrom(search: URLSearchParams): string {
  const raw = search.get("inbox") ?? "";
  if (!raw || raw.length > INBOX_QUERY_MAX) return "";
  return new URLSearchParams(raw.startsWith("?") ? raw.slice(1) : raw).toString();
}

/**
 * Previous and next in the inbox's own order (same filters, sort and page), read as one window of the page
 * widened by one row on each side, so the neighbour of the first or last row of a page is found too. A session
 * that is no longer in the view (filtered out since) has no neighbours; the link back still works.
 */
export async function inboxNeighbours(sessionId: string, inboxQuery: string, operatorId: string): Promise<InboxNav> {
  const inboxHref = inboxQuery ? `/inbox?${inboxQuery}` : "/inbox";
  const params = parseInboxParams(new URLSearchParams(inboxQuery));
  const skip = Math.max(0, params.skip - 1);
  const windowed = { ...params, skip, take: params.take + (params.skip - skip) + 1 };
  const { rows } = await queryInbox(windowed, operatorId);
  const index = rows.findIndex((row) => row.id === sessionId);
  if (index < 0) return { inboxHref, inboxQuery, previous: null, next: null, position: null };
  // A neighbour on another page moves the remembered page along, so "back" lands where that session is.
  const pageOf = (i: number) => Math.floor((skip + i) / params.pageSize) + 1;
  const withPage = (i: number) => {
    const query = new URLSearchParams(inboxQuery);
    if (pageOf(i) === 1) query.delete("page");
    else query.set("page", String(pageOf(i)));
    return query.toString();
  };
  const at = (i: number): Neighbour => {
    const row = rows[i];
    return row ? { id: row.id, userId: row.userId, href: sessionHref(row.id, withPage(i)) } : null;
  };
  return { inboxHref, inboxQuery, previous: at(index - 1), next: at(index + 1), position: skip + index + 1 };
}

/** The same end user's other sessions, newest activity first. */
export async function otherSessionsOf(userId: string, sessionId: string): Promise<OtherSession[]> {
  const prisma = await db();
  const rows = await prisma.sessionIndex.findMany({
    where: { userId: toStored(userId), id: { not: sessionId } },
    orderBy: { lastActivityAt: "desc" },
    take: OTHER_SESSIONS,
    select: { id: true, agentId: true, status: true, lastActivityAt: true },
  });
  return rows.map((row) => ({
    id: row.id,
    agentId: visibleControls(fromStored(row.agentId)),
    status: row.status,
    lastActivityAt: row.lastActivityAt?.toISOString() ?? null,
  }));
}
