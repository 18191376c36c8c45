// Row counts of every Prisma model in one query (SQLite and PostgreSQL alike), to prove "nothing half-written".
import { db } from "~/db.server";
import { Prisma } from "~/generated/prisma/client";

export type Counts = Record<string, number>;

const TABLES = Object.values(Prisma.ModelName) as string[];
const SQL = `SELECT ${TABLES.map((t) => `(SELECT COUNT(*) FROM "${t}") AS "${t}"`).join(", ")}`;

export async function tableCounts(): Promise<Counts> {
  const prisma = await db();
  const [row] = await prisma.$queryRawUnsafe<Array<Record<string, bigint | number>>>(SQL);
  return Object.fromEntries(TABLES.map((t) => [t, Number(row[t])]));
}
