// Re-checks reply-index rows written before authorship came from the sender id and the send ledger (ADR 087).
// Those rows took a message's own claims (kind "assistant", metadata.source "operator") at their word, so an
// end user's forged "AI reply" may sit in the index, counted in the agent's figures with the latency and
// termination it claimed. Each such row is read again from FleetLM (readExact) and judged as new rows are:
// no longer a reply → removed; still one → its facts rewritten; FleetLM lost it → kept as it is. (ADR 067)
import type { Message } from "@fleetlm/client";
import { audit } from "~/audit/audit.server";
import { db } from "~/db.server";
import { readExact } from "~/fleetlm/losses.server";
import { authorshipOf } from "~/messages/authorship.server";
import { replyFacts } from "./reply-index.server";
import { singleton } from "~/lib/singleton.server";

/** Rows judged per pass step; one session's rows are read in ranges of at most SPAN seqs. */
const BATCH = 500;
const SPAN = 200;

export type RecheckResult = { checked: number; removed: number; rewritten: number; unreadable: number };

type Row = { sessionId: string; seq: number; termination: string; latencyMs: number | null; byOperator: boolean };

/** Contiguous-enough ranges covering the seqs (sorted), none longer than SPAN. */
function ranges(seqs: number[]): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  for (const seq of seqs) {
    const last = out[out.length - 1];
    if (last && seq - last.from < SPAN) last.to = seq;
    else out.push({ from: seq, to: seq });
  }
  return out;
}

async function recheckSession(sessionId: string, rows: Row[], result: RecheckResult): Promise<void> {
  const prisma = await db();
  const session = await prisma.sessionIndex.findUnique({ where: { id: sessionId }, select: { id: true, agentId: true } });
  const messages = new Map<number, Message>();
  const lost = new Set<number>();
  if (session) {
    for (const range of ranges(rows.map((r) => r.seq))) {
      const read = await readExact(sessionId, range);
      for (const message of read.messages) messages.set(message.seq, message);
      for (const seq of read.lost) lost.add(seq);
    }
  }
  const authors = session ? await authorshipOf(session, [...messages.values()]) : new Map();
  for (const row of rows) {
    const key = { sessionId_seq: { sessionId, seq: row.seq } };
    const message = messages.get(row.seq);
    if (!session || !message) {
      // Lost by FleetLM, or a session the index no longer has: nothing to judge it by; it stays as it was.
      result.unreadable++;
      await prisma.replyIndex.update({ where: key, data: { authorshipChecked: true } });
      continue;
    }
    const facts = replyFacts(session, message, authors.get(row.seq));
    if (!facts) {
      await prisma.$transaction(async (tx) => {
        await tx.replyIndex.delete({ where: key });
        await audit(
          {
            actor: null,
            action: "reply.unindex",
            targetType: "reply",
            targetId: `${sessionId}:${row.seq}`,
            details: { reason: "not the agent's reply (sender id and send ledger)", senderId: message.sender_id, kind: message.kind },
          },
          tx,
        );
      });
      result.removed++;
      continue;
    }
    const changed = facts.termination !== row.termination || facts.latencyMs !== row.latencyMs || facts.byOperator !== row.byOperator;
    await prisma.replyIndex.update({
      where: key,
      data: { authorshipChecked: true, ...(changed ? { termination: facts.termination, latencyMs: facts.latencyMs, byOperator: facts.byOperator } : {}) },
    });
    if (changed) result.rewritten++;
  }
  result.checked += rows.length;
}

/**
 * One pass over every unchecked row, in (sessionId, seq) order. Throws when FleetLM cannot be read: what was
 * judged stays judged, and the next pass starts with what is left.
 */
export async function recheckAuthorship(): Promise<RecheckResult> {
  const prisma = await db();
  const result: RecheckResult = { checked: 0, removed: 0, rewritten: 0, unreadable: 0 };
  for (;;) {
    const batch = await prisma.replyIndex.findMany({
      where: { authorshipChecked: false },
      select: { sessionId: true, seq: true, termination: true, latencyMs: true, byOperator: true },
      orderBy: [{ sessionId: "asc" }, { seq: "asc" }],
      take: BATCH,
    });
    if (batch.length === 0) return result;
    const bySession = new Map<string, Row[]>();
    for (const row of batch) {
      const rows = bySession.get(row.sessionId);
      if (rows) rows.push(row);
      else bySession.set(row.sessionId, [row]);
    }
    for (const [sessionId, rows] of bySession) await recheckSession(sessionId, rows, result);
  }
}

const RETRY_MS = 60_000;

/** Runs passes in the background until none is left; a pass FleetLM refuses is retried a minute later. */
export function startAuthorshipRecheck(): void {
  const state = singleton<{ started: boolean; timer?: ReturnType<typeof setTimeout> }>("authorshipRecheck", () => ({ started: false }));
  if (state.started) return;
  state.started = true;
  const pass = async () => {
    try {
      const result = await recheckAuthorship();
      if (result.checked > 0) {
        console.log(
          `[reviews] authorship re-check: ${result.checked} old reply rows judged, ${result.removed} removed (not the agent's), ${result.rewritten} rewritten, ${result.unreadable} unreadable`,
        );
      }
    } catch (error) {
      console.warn(`[reviews] authorship re-check paused, retrying in ${RETRY_MS / 1000} s: ${error instanceof Error ? error.message : String(error)}`);
      state.timer = setTimeout(() => void pass(), RETRY_MS);
      state.timer.unref?.();
    }
  };
  void pass();
}
