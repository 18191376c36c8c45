// Our Lucia adapter: the Prisma adapter's shape, but the session id column holds SHA-256(token).
import type { Adapter, DatabaseSession, DatabaseUser } from "lucia";
import { db } from "~/db.server";
import { cachedSession, rememberSession, sessionGeneration } from "./session-cache.server";
import { hashToken } from "./token-hash.server";

type SessionRow = { id: string; operatorId: string; expiresAt: Date; createdAt: Date; ip: string | null; userAgent: string | null };
type OperatorRow = { id: string; email: string; name: string; role: string; active: boolean };
// One statement for the guard's lookup ($queryRaw: Prisma's `include` costs a second query here).
type JoinedRow = { id: string; operatorId: string; expiresAt: Date | string; createdAt: Date | string; ip: string | null; userAgent: string | null } & {
  email: string;
  name: string;
  role: string;
  active: boolean | number;
};

function toSession(row: SessionRow, token: string): DatabaseSession {
  return {
    id: token,
    userId: row.operatorId,
    expiresAt: row.expiresAt,
    attributes: { createdAt: row.createdAt, ip: row.ip, userAgent: row.userAgent },
  };
}

function toUser(row: OperatorRow): DatabaseUser {
  return { id: row.id, attributes: { email: row.email, name: row.name, role: row.role, active: row.active } };
}

export class HashedTokenAdapter implements Adapter {
  async getSessionAndUser(token: string): Promise<[DatabaseSession | null, DatabaseUser | null]> {
    const hash = hashToken(token);
    const cached = cachedSession(hash);
    if (cached) return cached;
    const readAt = sessionGeneration();
    const prisma = await db();
    const [row] = await prisma.$queryRaw<JoinedRow[]>`
      SELECT a."id", a."operatorId", a."expiresAt", a."createdAt", a."ip", a."userAgent", o."email", o."name", o."role", o."active"
      FROM "AuthSession" a JOIN "Operator" o ON o."id" = a."operatorId" WHERE a."id" = ${hash}`;
    if (!row) return [null, null];
    const session = toSession({ ...row, expiresAt: new Date(row.expiresAt), createdAt: new Date(row.createdAt) }, token);
    const user = toUser({ id: row.operatorId, email: row.email, name: row.name, role: row.role, active: Boolean(row.active) });
    rememberSession(hash, [session, user], readAt);
    return [session, user];
  }

  async getUserSessions(operatorId: string): Promise<DatabaseSession[]> {
    const prisma = await db();
    const rows = await prisma.authSession.findMany({ where: { operatorId } });
    // Only hashes are stored, so listed sessions carry the hash as their id.
    return rows.map((row) => toSession(row, row.id));
  }

  async setSession(session: DatabaseSession): Promise<void> {
    const prisma = await db();
    const attributes = session.attributes as { ip?: string | null; userAgent?: string | null };
    await prisma.authSession.create({
      data: {
        id: hashToken(session.id),
        operatorId: session.userId,
        expiresAt: session.expiresAt,
        ip: attributes.ip ?? null,
        userAgent: attributes.userAgent ?? null,
      },
    });
  }

  async updateSessionExpiration(token: string, expiresAt: Date): Promise<void> {
    const prisma = await db();
    await prisma.authSession.updateMany({ where: { id: hashToken(token) }, data: { expiresAt } });
  }

  async deleteSession(token: string): Promise<void> {
    const prisma = await db();
    await prisma.authSession.deleteMany({ where: { id: hashToken(token) } });
  }

  async deleteUserSessions(operatorId: string): Promise<void> {
    const prisma = await db();
    await prisma.authSession.deleteMany({ where: { operatorId } });
  }

  async deleteExpiredSessions(): Promise<void> {
    const prisma = await db();
    await prisma.authSession.deleteMany({ where: { expiresAt: { lte: new Date() } } });
  }
}
