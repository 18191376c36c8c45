// One lock per indexed session, held by every transaction that reads the session's counts and writes from
// them (the index applying messages, a read cursor moving), so neither can act on counts the other is changing.
import type { Prisma } from "~/generated/prisma/client";
import { isPostgresUrl } from "~/db.server";
import { env } from "~/env.server";

/**
 * Takes the session-index row's lock for the rest of the transaction. PostgreSQL: `SELECT … FOR UPDATE`.
 * SQLite: nothing to do — every Console transaction begins IMMEDIATE (db.server.ts), which already holds the
 * database's single write lock from its first statement.
 */
export async function lockSessionRow(tx: Prisma.TransactionClient, sessionId: string): Promise<void> {
  if (!isPostgresUrl(env().DATABASE_URL)) return;
  await tx.$queryRaw`SELECT 1 FROM "SessionIndex" WHERE "id" = ${sessionId} FOR UPDATE`;
}

/**
 * The same lock for several sessions at once (a batch of index writes, ADR 204), taken in id order so two
 * batches that share sessions never wait on each other in a cycle. SQLite: nothing to do, as above.
 */
export async function lockSessionRows(tx: Prisma.TransactionClient, sessionIds: readonly string[]): Promise<void> {
  if (!isPostgresUrl(env().DATABASE_URL) || sessionIds.length === 0) return;
  const ids = [...new Set(sessionIds)].sort();
  const marks = ids.map((_, i) => `$${i + 1}`).join(", ");
  await tx.$queryRawUnsafe(`SELECT 1 FROM "SessionIndex" WHERE "id" IN (${marks}) ORDER BY "id" FOR UPDATE`, ...ids);
}
