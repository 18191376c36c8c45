// A wide search with filters that leave few sessions is read from those sessions (ADR 214) instead of the
// full-text walk: the same rows, order and count either way, checked against a reference in JavaScript. Each
// session holds several matching messages, indexed interleaved with other sessions' messages, so a session's
// place (its newest match descending, its oldest ascending) differs from its place by any single message.
import "../support/db";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { parseInboxParams, queryInbox } from "~/inbox/inbox-query.server";
import { FROM_FILTERED } from "~/inbox/search-by-match.server";
import { RESOLVE_SESSIONS } from "~/inbox/search.server";
import { makeOperator } from "../support/auth";

const SESSIONS = RESOLVE_SESSIONS + 600; // wide: more sessions match than a search lists
const ROUNDS = 4;
type Seeded = { id: string; agentId: string; status: string; matches: number[] };
let me: string;
const sessions: Seeded[] = [];
const defaults = { ...FROM_FILTERED };

beforeAll(async () => {
  me = (await makeOperator("operator")).id;
  const prisma = await db();
  const now = Date.now();
  for (let i = 0; i < SESSIONS; i++)
    sessions.push({
      id: `sf${String((i * 7_919) % SESSIONS).padStart(5, "0")}`,
      agentId: `agent${i % 3}`,
      status: i % 7 === 0 ? "archived" : "active",
      matches: [],
    });
  await prisma.sessionIndex.createMany({
    // userCount 2 and no read cursor: every session is unread to me (`unread=1` joins my cursor into the read).
    data: sessions.map((s, i) => ({
      id: s.id,
      userId: `u${i % 50}`,
      agentId: s.agentId,
      status: s.status,
      createdAt: new Date(now),
      headSeq: ROUNDS,
      userCount: 2,
    })),
  });
  // Round r writes seq r+1 of every session, in a shuffled session order: rowids interleave across sessions.
  let rowid = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const order = sessions.map((_, i) => (i * [3, 7, 9, 11][r]! + r * 11) % SESSIONS); // multipliers prime to SESSIONS
    const data = order.map((i) => {
      const s = sessions[i]!;
      const match = (i + r) % 3 !== 0; // about two of each session's four messages hold the word
      rowid += 1;
      if (match) s.matches.push(rowid);
      return { sessionId: s.id, seq: r + 1, role: "user", body: match ? `the refund for order ${i}` : `plain ${i}`, at: new Date(now) };
    });
    for (let start = 0; start < data.length; start += 500) await prisma.indexedMessage.createMany({ data: data.slice(start, start + 500) });
  }
  const ids = await prisma.$queryRawUnsafe<{ id: number | bigint }[]>(`SELECT MIN("id") AS id FROM "IndexedMessage"`);
  // Rowids as the test counted them (a fresh database numbers from 1); the reference needs only their order.
  expect(Number(ids[0]!.id)).toBe(1);
});

afterEach(() => Object.assign(FROM_FILTERED, defaults));

// Descending, a session's place is its newest match on both databases. Ascending, SQLite's walk meets a session
// at its oldest match; PostgreSQL's grouped read (ADR 200) orders by the newest match, the descending order reversed.
const postgres = /^postgres(ql)?:/.test(process.env.DATABASE_URL ?? "");
const reference = (filter: (s: Seeded) => boolean, desc: boolean) => {
  const newest = (s: Seeded) => Math.max(...s.matches);
  const oldest = (s: Seeded) => Math.min(...s.matches);
  return sessions
    .filter((s) => s.matches.length > 0 && filter(s))
    .sort((a, b) => (desc ? newest(b) - newest(a) : postgres ? newest(a) - newest(b) : oldest(a) - oldest(b)))
    .map((s) => s.id);
};

describe("a wide search with selective filters", () => {
  const cases: [string, (s: Seeded) => boolean][] = [
    ["&agent=agent1", (s) => s.agentId === "agent1"], // ~870 sessions: page and count from the filtered sessions
    ["&status=active", (s) => s.status === "active"], // ~2,230: the count from them, the page by the walk
    ["&agent=agent2&status=archived", (s) => s.agentId === "agent2" && s.status === "archived"],
    ["&agent=agent1&unread=1", (s) => s.agentId === "agent1"], // with my read cursor joined
  ];
  for (const [extra, filter] of cases) {
    for (const read of ["from the filtered sessions where they are few", "by the full-text walk"]) {
      it(`q=refund${extra} ${read}: the reference's rows, order and count, both directions`, async () => {
        if (read.startsWith("by the")) Object.assign(FROM_FILTERED, { count: 0, page: 0 });
        for (const [sort, desc] of [
          ["", true],
          ["&sort=match.asc", false],
        ] as const) {
          const expected = reference(filter, desc);
          for (const page of [1, 4]) {
            const result = await queryInbox(parseInboxParams(new URL(`http://x/inbox?q=refund${extra}${sort}&pageSize=25&page=${page}`)), me);
            expect(result.rows.map((r) => r.id)).toEqual(expected.slice((page - 1) * 25, page * 25));
            expect(result.total).toBe(Math.min(expected.length, 1_000));
          }
        }
      });
    }
  }
});
