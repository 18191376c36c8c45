import { TEST_DATABASE_URL } from "../support/db";
import { afterAll, describe, expect, it, vi } from "vitest";
import { createPrisma, driverRows } from "~/db.server";

// The hot-path read straight on the driver adapter (ADR 181) must answer what Prisma's own raw query answers,
// on SQLite and PostgreSQL alike, before Prisma has connected, while connected, and after a disconnect.
const client = createPrisma(TEST_DATABASE_URL);
const SQL = `SELECT "id", "headSeq", "userId" FROM "SessionIndex" WHERE "id" = ? OR "userId" = ? ORDER BY "id"`;

afterAll(() => client.$disconnect());

describe("driverRows", () => {
  it("answers as $queryRaw does, with bound parameters, before and after Prisma connects and disconnects", async () => {
    const before = await driverRows(client, SQL, ["none", "nobody"]);
    expect(before).toEqual([]);
    await client.sessionIndex.createMany({
      data: [
        { id: "s-1", userId: "u'1", agentId: "a", status: "active", createdAt: new Date(), headSeq: 7 },
        { id: "s-2", userId: "u-2", agentId: "a", status: "active", createdAt: new Date(), headSeq: 0 },
        { id: "s-3", userId: "u-2", agentId: "a", status: "active", createdAt: new Date(), headSeq: 12 },
      ],
    });
    const expected = [
      { id: "s-1", headSeq: 7, userId: "u'1" },
      { id: "s-2", headSeq: 0, userId: "u-2" },
      { id: "s-3", headSeq: 12, userId: "u-2" },
    ];
    const viaPrisma = await client.$queryRaw<
      unknown[]
    >`SELECT "id", "headSeq", "userId" FROM "SessionIndex" WHERE "id" = ${"s-1"} OR "userId" = ${"u-2"} ORDER BY "id"`;
    const normalise = (rows: unknown[]) => rows.map((r) => ({ ...(r as Record<string, unknown>), headSeq: Number((r as { headSeq: unknown }).headSeq) }));
    expect(normalise(viaPrisma)).toEqual(expected);
    // Connected: the driver answers, not Prisma's raw query.
    const prismaRaw = vi.spyOn(client, "$queryRawUnsafe");
    expect(normalise(await driverRows(client, SQL, ["s-1", "u-2"]))).toEqual(expected);
    expect(prismaRaw).not.toHaveBeenCalled();
    // A quote in a parameter stays a value (bound, never interpolated).
    expect(await driverRows(client, SQL, ["x", "u'1"])).toHaveLength(1);
    expect(await driverRows(client, SQL, ["' OR 1=1 --", "nobody"])).toEqual([]);

    await client.$disconnect();
    expect(normalise(await driverRows(client, SQL, ["s-1", "u-2"]))).toEqual(expected);
    expect(prismaRaw).toHaveBeenCalledTimes(1);
    // And once reconnected, the driver path again.
    expect(normalise(await driverRows(client, SQL, ["s-1", "u-2"]))).toEqual(expected);
    expect(prismaRaw).toHaveBeenCalledTimes(1);
  });
});
