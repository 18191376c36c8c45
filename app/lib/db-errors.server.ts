// Recognising database errors the code means to handle, the same way on SQLite and PostgreSQL.

/** A unique constraint refused the write (Prisma P2002): someone else created the row first. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "P2002";
}
