// Which read of the inbox table a page shows: the loader's, or a newer rows-only read (/inbox/rows, ADR 207).
// Both come from the same query; a read is as fresh as the live event id taken with it, so the later id wins,
// and the loader (the source of truth) on a tie.
import type { InboxRow } from "~/inbox/inbox-query.server";

export type TableRead = {
  rows: InboxRow[];
  total: number;
  capped: boolean;
  /** The live event id the read is as fresh as. */
  liveId: number;
  viewers: Record<string, { id: string; name: string }[]>;
};

/** A rows-only read with the URL it was made for. */
export type FetchedRead = TableRead & { search: string };

/** What the page shows: the rows-only read of this URL when it is newer than the loader's, else the loader's. */
export function shownRead(loader: TableRead, fetched: FetchedRead | null, search: string): TableRead {
  return fetched && fetched.search === search && fetched.liveId > loader.liveId ? fetched : loader;
}

/** Responses can arrive out of order: a read replaces the one held only when it is newer (or for another URL). */
export function keepNewer(held: FetchedRead | null, incoming: FetchedRead): FetchedRead | null {
  if (held && held.search === incoming.search && held.liveId >= incoming.liveId) return held;
  return incoming;
}

/** The body of GET /inbox/rows, checked before it is shown (a sign-in page or an error is not a read). */
export function parseTableRead(body: unknown): TableRead | null {
  if (!body || typeof body !== "object") return null;
  const read = body as Partial<TableRead>;
  if (!Array.isArray(read.rows) || typeof read.total !== "number" || typeof read.capped !== "boolean" || typeof read.liveId !== "number") return null;
  return { rows: read.rows, total: read.total, capped: read.capped, liveId: read.liveId, viewers: read.viewers ?? {} };
}
