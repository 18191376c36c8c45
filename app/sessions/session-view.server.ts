// Everything the session page's loader shows: the FleetLM session, one page of history, and the Console's
// own state for the header. FleetLM failing is a degraded page, never a 500; an unknown session is a 404.
import { FleetLMError, FleetLMHttpError, type Session } from "@fleetlm/client";
import { z } from "zod";
import { db, driverRows } from "~/db.server";
import { fleetlm } from "~/fleetlm/fleetlm.server";
import { reportFleetlmFailure } from "~/fleetlm/health.server";
import { fleetlmProblem } from "~/fleetlm/problem";
import { currentViewers } from "~/fleetlm-sync/session-watch.server";
import { activeTakeover, type TakeoverView } from "~/takeover/takeover.server";
import { fromStored, toStored } from "~/lib/stored-text";
import { singleton } from "~/lib/singleton.server";
import { withAuthorship } from "~/messages/view-message.server";
import { readHistoryPage, type PageQuery } from "./history.server";
import type { HistoryPage, SessionSummary } from "./types";

export type SessionHeader = {
  assignee: { id: string; name: string } | null;
  labels: string[];
  takeover: TakeoverView | null;
  viewers: { id: string; name: string }[];
};

export type SessionView = {
  session: SessionSummary;
  history: HistoryPage | null;
  /** Set when FleetLM could not be read: the page shows what the Console knows and says so. */
  degraded: { reason: string } | null;
  header: SessionHeader;
};

const notFound = () => new Response("Session not found", { status: 404 });

function summaryFromFleetlm(session: Session): SessionSummary {
  return {
    id: session.id,
    userId: session.user_id,
    agentId: session.agent_id,
    status: session.status,
    createdAt: session.insertedAt.toISOString(),
    createdAtRaw: session.inserted_at,
  };
}

function isNotFound(error: unknown) {
  return error instanceof FleetLMHttpError && error.status === 404;
}

const describeFailure = fleetlmProblem;

export async function loadSessionView(sessionId: string, query: PageQuery): Promise<SessionView> {
  const prisma = await db();
  // Everything independent runs side by side; only the tail needs the index's head before reading FleetLM.
  const indexPromise = prisma.sessionIndex.findUnique({ where: { id: toStored(sessionId) }, include: { labels: { select: { label: true } } } });
  const isTail = query.before === undefined && query.after === undefined && query.seq === undefined;
  const headOf = (row: Awaited<typeof indexPromise>) => (row && row.headSeq > 0 ? row.headSeq : null);
  // The index head places the tail, and on every page says which seqs were appended (a lost one is marked).
  const historyPromise = indexPromise.then((row) => readHistoryPage(sessionId, query, { knownHead: headOf(row) }));
  const assigneePromise = indexPromise.then((row) =>
    row?.assigneeId ? prisma.operator.findUnique({ where: { id: row.assigneeId }, select: { id: true, name: true } }) : null,
  );
  // A session the index knows costs no FleetLM session read (its user, agent, status and creation are in the row,
  // kept by the gateway), so the tail of an indexed session is one FleetLM round trip; the read only confirms a
  // session whose history came back empty (FleetLM reset under the index: a 404, not an empty page).
  const sessionPromise = indexPromise.then((row) => (row ? null : fleetlm().getSession(sessionId)));
  const [sessionRead, historyResult, indexRow, assignee, takeover] = await Promise.all([
    settle(sessionPromise),
    settle(historyPromise),
    indexPromise,
    assigneePromise,
    activeTakeover(sessionId),
  ]);
  const emptied =
    indexRow && historyResult.status === "fulfilled" && historyResult.value.messages.length === 0 && (historyResult.value.lost?.length ?? 0) === 0;
  const sessionResult = emptied ? await settle(fleetlm().getSession(sessionId)) : sessionRead;
  const failures = [sessionResult, historyResult].flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
  if (failures.some(isNotFound)) throw notFound();
  for (const failure of failures) if (!(failure instanceof FleetLMError)) throw failure;

  let session: SessionSummary;
  let degraded: SessionView["degraded"] = null;
  if (sessionResult.status === "fulfilled" && sessionResult.value) session = summaryFromFleetlm(sessionResult.value);
  else if (indexRow) {
    session = {
      id: sessionId,
      userId: fromStored(indexRow.userId),
      agentId: fromStored(indexRow.agentId),
      status: indexRow.status,
      createdAt: indexRow.createdAt.toISOString(),
      createdAtRaw: null,
    };
  } else session = { id: sessionId, userId: "unknown", agentId: "unknown", status: "unknown", createdAt: null, createdAtRaw: null };
  if (failures.length > 0) {
    reportFleetlmFailure(failures[0]);
    degraded = { reason: describeFailure(failures[0]) };
  }

  let history = historyResult.status === "fulfilled" ? historyResult.value : null;
  if (history && !isTail) history = { ...history, headSeq: Math.max(history.headSeq, headOf(indexRow) ?? 0) };
  if (history) history = { ...history, messages: await withAuthorship(session, history.messages) };
  return {
    session,
    history,
    degraded,
    header: { assignee, labels: indexRow?.labels.map((l) => l.label) ?? [], takeover, viewers: currentViewers(sessionId) },
  };
}

/**
 * Only a page of messages, for the browser's paging and gap fills: the page already shows the header, so this
 * costs one index read and one FleetLM read (more only for holes, losses, or a tail far ahead of the index).
 */
export async function loadMessagesPage(sessionId: string, query: PageQuery): Promise<{ history: HistoryPage | null; degraded: SessionView["degraded"] }> {
  try {
    // One index read: the head (places the tail, marks lost newest seqs) and the identity authorship needs.
    const row = await indexedHead(sessionId);
    const knownHead = row && row.headSeq > 0 ? row.headSeq : null;
    const identity = row ? { id: sessionId, userId: fromStored(row.userId), agentId: fromStored(row.agentId) } : unindexedIdentity(sessionId);
    const [history, who] = await Promise.all([readHistoryPage(sessionId, query, { knownHead }), identity]);
    return { history: { ...history, messages: await withAuthorship(who, history.messages) }, degraded: null };
  } catch (error) {
    if (isNotFound(error)) throw notFound();
    if (!(error instanceof FleetLMError)) throw error;
    reportFleetlmFailure(error);
    return { history: null, degraded: { reason: describeFailure(error) } };
  }
}

const HeadRow = z.object({ headSeq: z.coerce.number().int(), userId: z.string(), agentId: z.string() });

/**
 * The index's head and identity of one session, read on the driver: the browser asks for a page each time the
 * operator scrolls, and Prisma 6.19's query compiler costs about 1.5 ms of CPU per findUnique and 0.5 per
 * $queryRaw where the driver's read costs a few microseconds (ADR 180, 181). The quoted names are the same on
 * SQLite and PostgreSQL (one schema, prisma/postgres is generated).
 */
async function indexedHead(sessionId: string): Promise<z.infer<typeof HeadRow> | null> {
  const rows = await driverRows(await db(), `SELECT "headSeq", "userId", "agentId" FROM "SessionIndex" WHERE "id" = ?`, [toStored(sessionId)]);
  return rows.length ? HeadRow.parse(rows[0]) : null;
}

type Identity = { id: string; userId: string; agentId: string };
// A session's user and agent never change: a session not indexed yet costs one FleetLM lookup per process,
// not one per page the browser fetches.
const identities = () => singleton("unindexedSessionIdentities", () => new Map<string, Identity>());
const IDENTITY_CACHE_LIMIT = 10_000;

/** The user and agent of a session the index does not have yet, from FleetLM. */
async function unindexedIdentity(sessionId: string): Promise<Identity> {
  const cache = identities();
  const cached = cache.get(sessionId);
  if (cached) return cached;
  const session = await fleetlm().getSession(sessionId);
  if (cache.size >= IDENTITY_CACHE_LIMIT) cache.clear();
  const identity = { id: sessionId, userId: session.user_id, agentId: session.agent_id };
  cache.set(sessionId, identity);
  return identity;
}

function settle<T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  return promise.then(
    (value) => ({ status: "fulfilled", value }) as const,
    (reason: unknown) => ({ status: "rejected", reason }) as const,
  );
}
