// Reading a session's history from FleetLM for the session page. FleetLM only pages forward
// (`after_seq`, oldest first), so every view is one forward read placed from a known or probed head seq.
import { z } from "zod";
import { fleetlm } from "~/fleetlm/fleetlm.server";
import { toViewMessage } from "~/messages/view-message.server";
import { readExact } from "~/fleetlm/losses.server";
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
  if (!result.success)
    throw new Response(`Bad page request: ${result.error.issues.map((i) => `${i.path.join(".") || "query"}: ${i.message}`).join("; ")}`, { status: 400 });
  return result.data;
}

/**
 * One page of history, read through readExact: a real FleetLM's page can skip seqs it has (protocol §13.1)
 * and it can lose seqs for good (§13.2), so every page is exactly the seqs of its window, plus the ones
 * FleetLM lost in it (`lost`, shown as markers). With a known head the tail costs one FleetLM read when
 * storage is contiguous: it asks for a page plus slack, so an index a little behind FleetLM still lands on
 * the real tail; only a head that moved by more than the slack costs a probe and a second read.
 * `knownHead` (the index head) also tells which seqs were appended, so a lost newest message is found.
 */
export async function readHistoryPage(
  sessionId: string,
  query: PageQuery,
  options: { knownHead?: number | null; pageSize?: number } = {},
): Promise<HistoryPage> {
  const size = options.pageSize ?? PAGE_SIZE;
  const knownHead = options.knownHead ?? null;
  const existsUpTo = knownHead ?? undefined;
  const read = async (from: number, to: number) => {
    // Each message becomes the page's view in the pass that checks it (no SDK Message in between; ADR 213).
    const result = await readExact(sessionId, { from: Math.max(1, from), to }, { existsUpTo, as: toViewMessage });
    return { messages: result.messages, lost: result.lost, highestSeen: result.highestSeen };
  };
  const page = (mode: PageMode, messages: ViewMessage[], lost: number[], hasNewer: boolean, highlight: number | null = null): HistoryPage => {
    const firstSeq = Math.min(messages[0]?.seq ?? Infinity, lost[0] ?? Infinity);
    const first = Number.isFinite(firstSeq) ? firstSeq : null;
    const last = Math.max(messages.at(-1)?.seq ?? 0, lost.at(-1) ?? 0);
    return { mode, messages, lost, headSeq: Math.max(knownHead ?? 0, last), hasOlder: first !== null && first > 1, hasNewer, highlight };
  };
  const within = (r: { messages: ViewMessage[]; lost: number[] }, from: number, to: number) => ({
    messages: r.messages.filter((m) => m.seq >= from && m.seq <= to),
    lost: r.lost.filter((s) => s >= from && s <= to),
  });

  if (query.before !== undefined) {
    const from = Math.max(1, query.before - size);
    if (query.before <= 1) return page("before", [], [], true);
    const r = await read(from, query.before - 1);
    return page("before", r.messages, r.lost, true);
  }
  if (query.after !== undefined || query.seq !== undefined) {
    const mode: PageMode = query.after !== undefined ? "after" : "seq";
    const from = query.after !== undefined ? query.after + 1 : Math.max(1, query.seq! - Math.floor(size / 2));
    const to = from + size - 1;
    // One seq beyond the page says whether there is a newer one, unless the index's head already says so.
    const headBeyond = (knownHead ?? 0) > to;
    const r = await read(from, headBeyond ? to : to + 1);
    const hasNewer = headBeyond || r.highestSeen > to;
    const w = headBeyond ? r : within(r, from, to);
    return page(mode, w.messages, w.lost, hasNewer, mode === "seq" ? query.seq! : null);
  }

  // The tail.
  let head = knownHead ?? (await fleetlm().findHeadSeq(sessionId)).headSeq;
  if (head === 0 && knownHead === null) return page("tail", [], [], false);
  const slack = TAIL_SLACK;
  let r = await read(head - size + 1, head + slack);
  if (r.highestSeen >= head + slack || (r.highestSeen === 0 && r.lost.length === 0 && knownHead !== null)) {
    // The index is far behind (or ahead of what storage holds): probe the real head and read again.
    head = (await fleetlm().findHeadSeq(sessionId, { from: r.highestSeen || undefined })).headSeq;
    r = head > 0 ? await read(head - size + 1, head + slack) : { messages: [], lost: [], highestSeen: 0 };
  }
  const end = Math.max(r.highestSeen, knownHead ?? 0, head);
  const w = within(r, end - size + 1, end);
  return page("tail", w.messages, w.lost, false);
}
