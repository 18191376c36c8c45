// The index write path on SQLite's own prepared statements (ADR 221): a batch written that way leaves exactly the
// rows Prisma's path leaves (every column, as Prisma reads it back and as SQLite stores it), each seq is applied once
// when batches of the same sessions run at once (either path), and the synchronous transaction never mixes with
// one of Prisma's on the shared connection.
import { makeOperator, type TestOperator } from "../support/auth";
import { beforeAll, describe, expect, it } from "vitest";
import { db, isPostgresUrl } from "~/db.server";
import { applyIndexWrites, applyIndexWritesThroughPrisma, type IndexedSession, type IndexWrite } from "~/inbox/session-index.server";
import { current, indexedSession, message } from "./support/index-fixture";

const isPg = isPostgresUrl(process.env.DATABASE_URL!);
const NOW_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/;
type Apply = (writes: readonly IndexWrite[]) => Promise<(IndexedSession | null)[]>;

let alice: TestOperator;

beforeAll(async () => {
  alice = await makeOperator("operator");
});

/** One kind of session a batch may hold: how it starts, and its two rounds of writes. */
type Scenario = {
  name: string;
  setup?: (s: IndexedSession) => Promise<void>;
  rounds: ((s: IndexedSession) => Omit<IndexWrite, "row">)[];
};

const prismaOf = () => db();

const SCENARIOS: Scenario[] = [
  {
    name: "plain: user, agent, user; then more",
    rounds: [
      (s) => ({ messages: [message(s, 1, "user"), message(s, 2, "agent"), message(s, 3, "user")] }),
      (s) => ({ messages: [message(s, 3, "user"), message(s, 4, "user", "second round")] }),
    ],
  },
  {
    name: "resolved, reopened by the user (state change, audit)",
    setup: async (s) =>
      void (await (await prismaOf()).sessionIndex.update({ where: { id: s.id }, data: { state: "resolved", stateChangedAt: new Date(Date.UTC(2026, 0, 1)) } })),
    rounds: [(s) => ({ messages: [message(s, 1, "user", "back again")] }), (s) => ({ messages: [message(s, 2, "agent")] })],
  },
  {
    name: "snoozed, then a handoff phrase (waiting, reason, audit)",
    setup: async (s) =>
      void (await (await prismaOf()).sessionIndex.update({ where: { id: s.id }, data: { state: "snoozed", snoozedUntil: new Date(Date.UTC(2027, 0, 1)) } })),
    rounds: [(s) => ({ messages: [message(s, 1, "user", "can I talk to a human please?")] }), (s) => ({ messages: [message(s, 2, "user", "hello?")] })],
  },
  {
    name: "an operator's message on the ledger, cursors ahead of the index",
    setup: async (s) => {
      const prisma = await prismaOf();
      await prisma.sentMessage.create({
        data: { clientMessageId: `cm-${s.id}`, sessionId: s.id, takeoverId: "t", operatorId: alice.id, body: "a human", status: "sent", seq: 2 },
      });
      await prisma.readCursor.create({ data: { operatorId: alice.id, sessionId: s.id, lastSeq: 5, opCountAtCursor: 0, userCountAtCursor: 0 } });
    },
    rounds: [
      (s) => ({ messages: [message(s, 1, "user"), message(s, 2, "operator", "a human", { client_message_id: `cm-${s.id}` }), message(s, 3, "user")] }),
      (s) => ({ messages: [message(s, 4, "agent", "the AI again"), message(s, 5, "user"), message(s, 6, "user")] }),
    ],
  },
  {
    name: "lost seqs only, then lost past the messages",
    rounds: [() => ({ messages: [], lostUpTo: 3 }), (s) => ({ messages: [message(s, 4, "user")], lostUpTo: 6 })],
  },
  {
    name: "stale messages above the head are replaced",
    setup: async (s) =>
      void (await (await prismaOf()).indexedMessage.create({ data: { sessionId: s.id, seq: 2, role: "agent", body: "stale", at: new Date(0) } })),
    rounds: [(s) => ({ messages: [message(s, 1, "user"), message(s, 2, "user", "fresh")] }), (s) => ({ messages: [message(s, 3, "agent")] })],
  },
  {
    name: "NUL and controls in the text, an agent's handoff, ms timestamps",
    rounds: [
      (s) => ({ messages: [{ ...message(s, 1, "user", "nul\u0000here\u0007 and ␀ too"), insertedAt: new Date(Date.UTC(2026, 10, 30, 12, 0, 1, 987)) }] }),
      (s) => ({ messages: [message(s, 2, "agent", "passing you on", { handoff: true, handoff_reason: "refund\u0000over limit" })] }),
    ],
  },
];

/** Every column of a row but those named, for comparing the same write on two sessions. */
function without<T extends Record<string, unknown>>(row: T, ...keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([key]) => !keys.includes(key)));
}

/** What Prisma reads back of one session's rows, the session's own id and the clock's "now" values masked. */
async function readBack(id: string) {
  const prisma = await db();
  const row = (await prisma.sessionIndex.findUnique({ where: { id } }))!;
  const messages = await prisma.indexedMessage.findMany({ where: { sessionId: id }, orderBy: { seq: "asc" } });
  const cursors = await prisma.readCursor.findMany({ where: { sessionId: id }, orderBy: { operatorId: "asc" } });
  const operatorSeqs = await prisma.operatorMessage.findMany({ where: { sessionId: id }, orderBy: { seq: "asc" } });
  const audits = await prisma.auditEvent.findMany({ where: { targetId: id }, orderBy: { id: "asc" } });
  return {
    row: {
      ...without(row, "id", "updatedAt", "stateChangedAt", "indexedAt", "createdAt", "userId"),
      changed: row.stateChangedAt?.getTime() === Date.UTC(2026, 0, 1) ? "kept" : row.stateChangedAt ? "now" : null,
    },
    messages: messages.map((m) => without(m, "id", "sessionId")),
    cursors: cursors.map((c) => without(c, "sessionId", "updatedAt")),
    operatorSeqs: operatorSeqs.map((o) => o.seq),
    audits: audits.map((a) => without(a, "id", "targetId", "at")),
  };
}

/** How SQLite stores one session's rows: each value's storage class and text, the clock's values as their format. */
async function stored(id: string) {
  const prisma = await db();
  const tables: [string, string][] = [
    ["SessionIndex", `"id" = ?`],
    ["IndexedMessage", `"sessionId" = ?`],
    ["ReadCursor", `"sessionId" = ?`],
    ["OperatorMessage", `"sessionId" = ?`],
    ["AuditEvent", `"targetId" = ?`],
  ];
  const clock = new Set(["updatedAt", "stateChangedAt", "indexedAt", "createdAt", "AuditEvent.at"]);
  const out: Record<string, string[][]> = {};
  for (const [table, where] of tables) {
    const columns = (await prisma.$queryRawUnsafe<{ name: string }[]>(`SELECT "name" FROM pragma_table_info('${table}')`)).map((c) => c.name);
    const select = columns.map((c) => `typeof("${c}") || ':' || coalesce(CAST("${c}" AS TEXT), '')`).join(", ");
    const rows = await prisma.$queryRawUnsafe<Record<string, string>[]>(`SELECT ${select} FROM "${table}" WHERE ${where} ORDER BY rowid`, id);
    out[table] = rows.map((row) =>
      Object.values(row).map((value, i) => {
        const name = columns[i]!;
        if (name === "id" || name === "sessionId" || name === "targetId" || name === "userId") return `${name}:masked`;
        const [type, ...rest] = value.split(":");
        const text = rest.join(":");
        if ((clock.has(name) || clock.has(`${table}.${name}`)) && type === "text") return `${name}:${type}:${NOW_ISO.test(text) ? "iso" : text}`;
        return `${name}:${value}`;
      }),
    );
  }
  return out;
}

describe("index writes on SQLite's prepared statements (ADR 221)", () => {
  it("write exactly the rows Prisma's path writes, every column, in two rounds of one batch each", async () => {
    const pairs: { scenario: Scenario; prisma: IndexedSession; driver: IndexedSession }[] = [];
    for (const scenario of SCENARIOS) {
      const userId = `user-${scenario.name.slice(0, 12)}`;
      const [a, b] = [await indexedSession({ userId }), await indexedSession({ userId })];
      await scenario.setup?.(a);
      await scenario.setup?.(b);
      pairs.push({ scenario, prisma: await current(a.id), driver: await current(b.id) });
    }
    for (let round = 0; round < 2; round++) {
      const batch = async (apply: Apply, side: "prisma" | "driver") => {
        const rows = await Promise.all(pairs.map(async (pair) => current(pair[side].id)));
        return apply(pairs.map((pair, i) => ({ row: rows[i]!, ...pair.scenario.rounds[round]!(rows[i]!) })));
      };
      const viaPrisma = await batch(applyIndexWritesThroughPrisma, "prisma");
      const viaDriver = await batch(applyIndexWrites, "driver");
      pairs.forEach((pair, i) => {
        expect(viaDriver[i] && { ...viaDriver[i], id: "masked" }, `${pair.scenario.name}: returned row, round ${round}`).toEqual(
          viaPrisma[i] && { ...viaPrisma[i], id: "masked" },
        );
      });
    }
    for (const pair of pairs) {
      const [viaPrisma, viaDriver] = [await readBack(pair.prisma.id), await readBack(pair.driver.id)];
      expect(viaDriver, pair.scenario.name).toEqual(viaPrisma);
      if (!isPg) expect(await stored(pair.driver.id), pair.scenario.name).toEqual(await stored(pair.prisma.id));
    }
    // The scenarios reach what they are about (so the comparison above compares something).
    const byName: Record<string, Awaited<ReturnType<typeof readBack>>> = Object.fromEntries(
      await Promise.all(pairs.map(async (p) => [p.scenario.name.split(":")[0]!.split(",")[0]!, await readBack(p.driver.id)])),
    );
    expect(byName["resolved"]!.audits).toHaveLength(1);
    expect(byName["snoozed"]!.row).toMatchObject({ state: "waiting", snoozedUntil: null });
    expect(byName["an operator's message on the ledger"]!).toMatchObject({ operatorSeqs: [2], cursors: [{ opCountAtCursor: 1, userCountAtCursor: 3 }] });
    expect(byName["lost seqs only"]!.row).toMatchObject({ headSeq: 6, userCount: 1 });
    expect(byName["stale messages above the head are replaced"]!.messages.map((m) => m.body)).toEqual(["user says 1", "fresh", "agent says 3"]);
  });

  it("applies each seq once when two batches of the same sessions run at once, on either path", async () => {
    for (const [first, second] of [
      [applyIndexWrites, applyIndexWrites],
      [applyIndexWrites, applyIndexWritesThroughPrisma],
      [applyIndexWritesThroughPrisma, applyIndexWrites],
    ] as [Apply, Apply][]) {
      const sessions = await Promise.all(Array.from({ length: 8 }, () => indexedSession()));
      const writes = (upTo: number) =>
        sessions.map((s) => ({ row: s, messages: Array.from({ length: upTo }, (_, i) => message(s, i + 1, i % 3 === 1 ? "agent" : "user")) }));
      const [a, b] = await Promise.all([first(writes(2)), second(writes(3))]);
      for (const [i, s] of sessions.entries()) {
        const row = await current(s.id);
        expect(row.headSeq).toBe(3);
        expect(row.userCount).toBe(2); // seqs 1 and 3
        const seqs = (await (await db()).indexedMessage.findMany({ where: { sessionId: s.id }, select: { seq: true } })).map((m) => m.seq).sort();
        expect(seqs).toEqual([1, 2, 3]);
        // Whichever ran second saw the first's head: only what was still new, or nothing.
        expect(a[i] !== null || b[i] !== null).toBe(true);
      }
    }
  });

  // PostgreSQL's transactions run side by side (a pool, row locks): only SQLite shares one connection.
  it.skipIf(isPg)("waits for a Prisma transaction open on the connection, and is not rolled back with it", async () => {
    const prisma = await db();
    const s = await indexedSession();
    const bystander = await indexedSession();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const order: string[] = [];
    const failing = prisma
      .$transaction(async (tx) => {
        await tx.sessionIndex.update({ where: { id: bystander.id }, data: { lastPreview: "rolled back" } });
        order.push("prisma tx wrote");
        await held;
        throw new Error("rolled back on purpose");
      })
      .catch((error: Error) => order.push(error.message));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const writing = applyIndexWrites([{ row: s, messages: [message(s, 1, "user")] }]).then(() => order.push("driver batch committed"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(order).toEqual(["prisma tx wrote"]); // the batch waits for the transaction's lock
    release();
    await Promise.all([failing, writing]);
    expect(order.slice(1).sort()).toEqual(["driver batch committed", "rolled back on purpose"]);
    expect((await current(s.id)).headSeq).toBe(1);
    expect((await current(bystander.id)).lastPreview).toBeNull();
  });

  it("rolls the whole batch back when one of its statements fails", async () => {
    const good = await indexedSession();
    const bad = await indexedSession();
    const broken = { ...message(bad, 1, "user"), insertedAt: new Date(Number.NaN) };
    await expect(
      applyIndexWrites([
        { row: good, messages: [message(good, 1, "user")] },
        { row: bad, messages: [broken] },
      ]),
    ).rejects.toThrow();
    expect((await current(good.id)).headSeq).toBe(0);
    expect(await (await db()).indexedMessage.count({ where: { sessionId: good.id } })).toBe(0);
    // The connection is usable afterwards, inside and outside transactions.
    expect((await applyIndexWrites([{ row: good, messages: [message(good, 1, "user")] }]))[0]?.headSeq).toBe(1);
  });
});
