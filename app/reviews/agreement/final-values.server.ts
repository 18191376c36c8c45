// A reply's final values where an admin settled a disagreement (Adjudication): the newest decision for the reply
// and score, in whichever queue it was made, with who decided and when. The exports read them batch by batch and
// write them beside what the reviewer wrote, never over it.
import { db } from "~/db.server";
import { RATING_KEY } from "./agreement.server";

export type FinalValue = { key: string; value: string; queueId: string; by: string; at: Date };

const SLICE = 500; // SQLite allows 999 bound parameters per statement
const replyKey = (r: { sessionId: string; seq: number }) => `${r.sessionId}:${r.seq}`;

/** Adjudicated values of the given replies: reply key (`sessionId:seq`) → score key (`rating` for good/bad) → decision. */
export async function adjudicatedValues(replies: { sessionId: string; seq: number }[]): Promise<Map<string, Map<string, FinalValue>>> {
  const out = new Map<string, Map<string, FinalValue>>();
  if (replies.length === 0) return out;
  const prisma = await db();
  const wanted = new Set(replies.map(replyKey));
  const sessions = [...new Set(replies.map((r) => r.sessionId))];
  const rows = [];
  // By session, then the seqs here: decisions are few per session, and Prisma builds a list of (session, seqs)
  // pairs tens of times slower than the database answers either.
  for (let i = 0; i < sessions.length; i += SLICE) {
    rows.push(
      ...(await prisma.adjudication.findMany({ where: { sessionId: { in: sessions.slice(i, i + SLICE) } } })).filter((row) => wanted.has(replyKey(row))),
    );
  }
  if (rows.length === 0) return out;
  const admins = await prisma.operator.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.adminId))] } }, select: { id: true, email: true } });
  const email = new Map(admins.map((a) => [a.id, a.email]));
  for (const row of rows) {
    const values = out.get(replyKey(row)) ?? new Map<string, FinalValue>();
    const seen = values.get(row.key);
    // The same reply settled in two queues: the newer decision is the final one.
    if (!seen || row.at > seen.at)
      values.set(row.key, { key: row.key, value: row.value, queueId: row.queueId, by: email.get(row.adminId) ?? row.adminId, at: row.at });
    out.set(replyKey(row), values);
  }
  return out;
}

export const FINAL_COLUMNS = ["final_rating", "final_scores", "adjudicated", "adjudicated_by", "adjudicated_at"];

/**
 * The final-value cells of one export row: the rating and scores with each adjudicated value in place of the
 * reviewer's (`key=value (adjudicated)`; the others keep `(vN)`), the adjudicated keys, and who and when for
 * each of them in the same order (`; `-separated).
 */
export function finalCells(
  own: { rating: string | null; scores: { key: string; value: string; version: number }[] },
  decided: Map<string, FinalValue> | undefined,
): [string | null, string, string, string, string] {
  const settled = [...(decided?.values() ?? [])].sort((a, b) => (a.key === RATING_KEY ? -1 : b.key === RATING_KEY ? 1 : a.key < b.key ? -1 : 1));
  const final = new Map(own.scores.map((s) => [s.key, `${s.key}=${s.value} (v${s.version})`]));
  for (const d of settled) if (d.key !== RATING_KEY) final.set(d.key, `${d.key}=${d.value} (adjudicated)`);
  return [
    decided?.get(RATING_KEY)?.value ?? own.rating,
    [...final]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([, cell]) => cell)
      .join("; "),
    settled.map((d) => d.key).join("; "),
    settled.map((d) => d.by).join("; "),
    settled.map((d) => d.at.toISOString()).join("; "),
  ];
}
