// Authorship of a batch of messages against the send ledger (SentMessage): a message is an operator's only
// when the Console itself sent it — the ledger holds its (session, seq) or its client message id. Messages
// that claim nothing about operators cost no query (ADR 087).
import { db } from "~/db.server";
import { authorOf, claimsOf, clientMessageIdOf, type Authorship } from "./authorship";

type MessageLike = { seq: number; sender_id: string; kind: string; metadata?: Record<string, unknown> | null };
type SessionLike = { id: string; userId?: string | null; agentId: string };

/** Lookups per query: well inside both databases' bind limits. */
const SLICE = 400;

function slices<T>(values: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += SLICE) out.push(values.slice(i, i + SLICE));
  return out;
}

/** Authorship per seq for messages of one session. */
export async function authorshipOf(session: SessionLike, messages: readonly MessageLike[]): Promise<Map<number, Authorship>> {
  const result = new Map<number, Authorship>();
  // Only a message sent as the agent can be an operator's (the Console posts with agent_id); only those
  // whose metadata says so, or whose seq the ledger may hold, are looked up.
  const asAgent = messages.filter((m) => m.sender_id === session.agentId);
  const ledger = asAgent.length > 0 && asAgent.some((m) => claimsOf(m).operator) ? await ledgerFor(session.id, asAgent) : null;
  for (const message of messages) {
    result.set(message.seq, authorOf(session, message, ledger?.(message)));
  }
  return result;
}

async function ledgerFor(sessionId: string, messages: MessageLike[]) {
  const prisma = await db();
  const clientIds = [...new Set(messages.map(clientMessageIdOf).filter((id): id is string => id !== null))];
  const seqs = [...new Set(messages.map((m) => m.seq))];
  const rows: { clientMessageId: string; seq: number | null; operatorId: string }[] = [];
  for (const part of slices(clientIds)) {
    rows.push(
      ...(await prisma.sentMessage.findMany({
        where: { sessionId, clientMessageId: { in: part } },
        select: { clientMessageId: true, seq: true, operatorId: true },
      })),
    );
  }
  for (const part of slices(seqs)) {
    rows.push(
      ...(await prisma.sentMessage.findMany({ where: { sessionId, seq: { in: part } }, select: { clientMessageId: true, seq: true, operatorId: true } })),
    );
  }
  const operatorIds = [...new Set(rows.map((r) => r.operatorId))];
  const names = new Map<string, string>();
  if (operatorIds.length > 0) {
    for (const op of await prisma.operator.findMany({ where: { id: { in: operatorIds } }, select: { id: true, name: true } })) names.set(op.id, op.name);
  }
  const byClientId = new Map(rows.map((r) => [r.clientMessageId, r]));
  const bySeq = new Map(rows.filter((r) => r.seq !== null).map((r) => [r.seq!, r]));
  return (message: MessageLike): { name: string | null } | undefined => {
    // The seq the ledger recorded is proof; a client id proves it only while the ledger has no other seq for it
    // (a send whose answer is still on its way, or was lost to a timeout).
    const row = bySeq.get(message.seq) ?? byClientId.get(clientMessageIdOf(message) ?? "");
    if (!row || (row.seq !== null && row.seq !== message.seq)) return undefined;
    return { name: names.get(row.operatorId) ?? null };
  };
}
