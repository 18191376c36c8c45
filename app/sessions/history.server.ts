// Reading a session's history from FleetLM for the session page. FleetLM only pages forward
// (`after_seq`, oldest first), so every view is one forward read placed from a known or probed head seq.
import { z } from "zod";
import type { Message } from "@fleetlm/client";
import { db } from "~/db.server";
import { fleetlm } from "~/fleetlm/fleetlm.server";
import { authorshipOf } from "~/messages/authorship.server";
import { boundMessageBody } from "~/messages/bounds";
import { PAGE_SIZE } from "./paging";
import type { HistoryPage, PageMode, ViewMessage } from "./types";

const Seq = z.coerce.number().int("Must be a whole number").positive("Must be 1 or more").max(Number.MAX_SAFE_INTEGER);

/** How far the index's head may lag FleetLM's before the tail costs a probe (extra messages per tail read). */
export const TAIL_SLACK = 25;

/** `?before=SEQ`, `?after=SEQ`, `?seq=N`: at most one; none means the tail. */
export const PageQuerySchema = z
  .object({ before: Seq.optional(), after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(), seq: Seq.optional() })
  .refine((q) => [q.before, q.after, q.seq].filter((v) => v !== undefined).length <= 1, { message: "Use only one of before, after and seq" });
export type PageQuery = z.infer<typeof PageQuerySchema>;

/** `part=messages`: only the page of messages (the browser's older/newer/gap reads), without the header and notes. */
export function wantsMessagesOnly(params: URLSearchParams): boolean {
  return params.get("part") === "messages";
}

export function parsePageQuery(params: URLSearchParams): PageQuery {
  const raw: Record<string, string> = {};
  for (const key of ["before", "after", "seq"]) {
    const value = params.get(key);
    if (value !== null && value !== "") raw[key] = value;
  }
  const result = PageQuerySchema.safeParse(raw);
  if (!result.success) throw new Response(`Bad page request: ${result.error.issues.map((i) => `${i.path.join(".") || "query"}: ${i.message}`).join("; ")}`, { status: 400 });
  return result.data;
}

/** A FleetLM message as the page gets it: content and metadata within MESSAGE_BOUNDS (ADR 085). */
export function toViewMessage(message: Message): ViewMessage {
  const bounded = boundMessageBody(message.content, message.metadata);
  return {
    id: message.id,
    sessionId: message.session_id,
    seq: message.seq,
    senderId: message.sender_id,
    kind: message.kind,
    content: bounded.content,
    metadata: bounded.metadata,
    omitted: bounded.omitted,
    insertedAt: message.insertedAt.toISOString(),
    insertedAtRaw: message.inserted_at,
  };
}

/** The same page with each message's authorship (sender id and send ledger, never metadata; ADR 087). */
export async function withAuthorship<T extends ViewMessage>(session: { id: string; userId: string; agentId: string }, messages: T[]): Promise<T[]> {
  const authors = await authorshipOf(session, messages.map((m) => ({ seq: m.seq, sender_id: m.senderId, kind: m.kind, metadata: m.metadata })));
  return messages.map((m) => ({ ...m, author: authors.get(m.seq) }));
}

/** The head seq the session index holds, or null when the Console has not indexed the session yet. */
export async function indexedHeadSeq(sessionId: string): Promise<number | null> {
  const row = await (await db()).sessionIndex.findUnique({ where: { id: sessionId }, select: { headSeq: true } });
  return row && row.headSeq > 0 ? row.headSeq : null;
}

/**
 * One page of history. With a known head the tail costs one FleetLM read: it asks for a page plus
 * slack, so an index a little behind FleetLM still lands on the real tail; only a head that moved by
 * more than the slack costs a probe and a second read.
 */
export async function readHistoryPage(sessionId: string, query: PageQuery, options: { knownHead?: number | null; pageSize?: number } = {}): Promise<HistoryPage> {
  const rest = fleetlm();
  const size = options.pageSize ?? PAGE_SIZE;
  const knownHead = options.knownHead ?? null;
  const read = (afterSeq: number, limit: number) => rest.listMessages(sessionId, { afterSeq: Math.max(0, afterSeq), limit }).then((m) => m.map(toViewMessage));
  const page = (mode: PageMode, messages: ViewMessage[], hasNewer: boolean, highlight: number | null = null): HistoryPage => {
    const first = messages[0]?.seq ?? null;
    const last = messages.at(-1)?.seq ?? 0;
    return { mode, messages, headSeq: Math.max(knownHead ?? 0, last), hasOlder: first !== null && first > 1, hasNewer, highlight };
  };

  if (query.before !== undefined) {
    const limit = Math.min(size, query.before - 1);
    const messages = limit > 0 ? (await read(query.before - 1 - limit, limit)).filter((m) => m.seq < query.before!) : [];
    return page("before", messages, true);
  }
  if (query.after !== undefined) {
    const fetched = await read(query.after, size + 1);
    return page("after", fetched.slice(0, size), fetched.length > size);
  }
  if (query.seq !== undefined) {
    const fetched = await read(query.seq - 1 - Math.floor(size / 2), size + 1);
    return page("seq", fetched.slice(0, size), fetched.length > size, query.seq);
  }

  // The tail.
  let head = knownHead;
  if (head === null) head = (await rest.findHeadSeq(sessionId)).headSeq;
  if (head === 0 && knownHead === null) return page("tail", [], false);
  const slack = TAIL_SLACK;
  let fetched = await read(head - size, size + slack);
  if (fetched.length === size + slack || (fetched.length === 0 && knownHead !== null)) {
    // The index is far behind (or ahead of what storage holds): probe the real head and read again.
    head = (await rest.findHeadSeq(sessionId, { from: fetched.at(-1)?.seq })).headSeq;
    fetched = head > 0 ? await read(head - size, size + slack) : [];
  }
  const tail = page("tail", fetched.slice(-size), false);
  return { ...tail, headSeq: tail.messages.at(-1)?.seq ?? head };
}
