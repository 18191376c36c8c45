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
