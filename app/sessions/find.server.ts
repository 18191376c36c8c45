// Find in transcript (issue 17): every seq of one session whose text contains the query, from the Console's
// message index (IndexedMessage, kept in step by the gateway), so a hit far outside the browser's window of
// messages is found without reading the whole session from FleetLM. Case-insensitive substring, like a browser's
// find; the index keeps the first SEARCH_BODY_CHARS of each message, so text beyond that is not found.
import { z } from "zod";
import { db, isPostgresUrl } from "~/db.server";
import { env } from "~/env.server";
import { toStored } from "~/lib/stored-text";

export const FIND_LIMIT = 1_000;

export const FindQuerySchema = z.object({
  q: z.string().trim().min(1, "Type something to find").max(200, "At most 200 characters"),
});

export type FindResult = { q: string; seqs: number[]; capped: boolean; indexedUpTo: number };

export async function findInSession(sessionId: string, q: string): Promise<FindResult> {
  const prisma = await db();
  const stored = toStored(sessionId);
  const needle = toStored(q);
  // instr/strpos, not LIKE: the query's % and _ are text to find, not wildcards.
  const rows = isPostgresUrl(env().DATABASE_URL)
    ? await prisma.$queryRaw<
        { seq: number }[]
      >`SELECT "seq" FROM "IndexedMessage" WHERE "sessionId" = ${stored} AND strpos(lower("body"), lower(${needle})) > 0 ORDER BY "seq" LIMIT ${FIND_LIMIT + 1}`
    : await prisma.$queryRaw<
        { seq: number }[]
      >`SELECT "seq" FROM "IndexedMessage" WHERE "sessionId" = ${stored} AND instr(lower("body"), lower(${needle})) > 0 ORDER BY "seq" LIMIT ${FIND_LIMIT + 1}`;
  const head = await prisma.sessionIndex.findUnique({ where: { id: stored }, select: { headSeq: true } });
  const seqs = rows.map((row) => Number(row.seq));
  return { q, seqs: seqs.slice(0, FIND_LIMIT), capped: seqs.length > FIND_LIMIT, indexedUpTo: head?.headSeq ?? 0 };
}
