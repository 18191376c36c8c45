// The Console's copy of reply texts (ReplySnapshot): taken when a reply is indexed or shown to a reviewer, so
// list rows have a preview and a review saves while FleetLM is down; and small look-ups the reviewing view needs.
import { db } from "~/db.server";
import { previewText, snapshotText } from "~/messages/message-text";
import { isUniqueViolation } from "~/lib/db-errors.server";

/** Stores (or refreshes) the text of an indexed reply as shown to a reviewer. */
export async function rememberReplyText(sessionId: string, seq: number, text: string) {
  const prisma = await db();
  await prisma.replySnapshot.upsert({ where: { sessionId_seq: { sessionId, seq } }, create: { sessionId, seq, text }, update: { text } });
}

/** Previews for queue rows: the first `length` characters of the copy, when the Console has one. */
export async function replyPreviews(keys: { sessionId: string; seq: number }[], length = 160): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (keys.length === 0) return out;
  const prisma = await db();
  const bySession = new Map<string, number[]>();
  for (const k of keys) bySession.set(k.sessionId, [...(bySession.get(k.sessionId) ?? []), k.seq]);
  const rows = await prisma.replySnapshot.findMany({ where: { OR: [...bySession].map(([sessionId, seqs]) => ({ sessionId, seq: { in: seqs } })) } });
  for (const r of rows) out.set(`${r.sessionId}:${r.seq}`, previewText(r.text, length));
  return out;
}

export async function sessionUser(sessionId: string): Promise<string | null> {
  const prisma = await db();
  return (await prisma.sessionIndex.findUnique({ where: { id: sessionId }, select: { userId: true } }))?.userId ?? null;
}

export async function sessionUsers(sessionIds: string[]): Promise<Map<string, string>> {
  if (sessionIds.length === 0) return new Map();
  const prisma = await db();
  const rows = await prisma.sessionIndex.findMany({ where: { id: { in: [...new Set(sessionIds)] } }, select: { id: true, userId: true } });
  return new Map(rows.map((r) => [r.id, r.userId]));
}

/**
 * Copies the text of newly indexed replies (called by the reply index with the messages it already holds, so no
 * extra FleetLM read): list previews, and a save while FleetLM is down. Derived from FleetLM, rebuildable.
 */
export async function rememberNewReplies(sessionId: string, messages: { seq: number; content: Record<string, unknown> | null }[], seqs: Set<number>) {
  const prisma = await db();
  const rows = new Map<number, { sessionId: string; seq: number; text: string }>();
  for (const message of messages) if (seqs.has(message.seq)) rows.set(message.seq, { sessionId, seq: message.seq, text: snapshotText(message.content) });
  const all = [...rows.values()];
  // A catch-up can carry thousands of replies: one look-up and one insert per slice (the bind limit allows 500).
  for (let i = 0; i < all.length; i += 500) {
    const slice = all.slice(i, i + 500);
    const present = new Set(
      (await prisma.replySnapshot.findMany({ where: { sessionId, seq: { in: slice.map((r) => r.seq) } }, select: { seq: true } })).map((r) => r.seq),
    );
    const fresh = slice.filter((r) => !present.has(r.seq));
    if (fresh.length === 0) continue;
    try {
      await prisma.replySnapshot.createMany({ data: fresh });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // A reviewer's view stored one of them meanwhile: insert one by one, skipping those.
      for (const row of fresh)
        await prisma.replySnapshot.create({ data: row }).catch((e: unknown) => {
          if (!isUniqueViolation(e)) throw e;
        });
    }
  }
}
