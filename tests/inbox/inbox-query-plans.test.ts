// The inbox query reads a page two ways (ADR 024): through the filter's index when few rows match, along the
// order's index when more than COUNT_CAP do. Both must give exactly the rows and order a plain reading of the
// URL gives: checked here against a reference sort and filter in JavaScript over 3,000 indexed sessions, with
// read cursors (mine and a colleague's), operator-written messages and takeovers (active and released) seeded
// so that every filter, "unread" and "taken over" included, keeps some rows and drops others.
import { beforeAll, describe, expect, it } from "vitest";
import { makeOperator } from "../support/auth";
import { db } from "~/db.server";
import { COUNT_CAP, parseInboxParams, queryInbox } from "~/inbox/inbox-query.server";

type Seeded = {
  id: string;
  userId: string;
  agentId: string;
  status: string;
  lastActivityAt: Date | null;
  lastSenderRole: string;
  assigneeId: string | null;
  headSeq: number;
  opCount: number;
  userCount: number;
};
type Cursor = { lastSeq: number; opCountAtCursor: number; userCountAtCursor: number };

const TOTAL = 3_000;
const now = Date.now();
let me: string;
let rows: Seeded[] = [];
const labelled = new Set<string>();
const myCursors = new Map<string, Cursor>();
const takenOver = new Set<string>();

beforeAll(async () => {
  me = (await makeOperator("operator")).id;
  const colleague = (await makeOperator("operator")).id;
  const prisma = await db();
  // Letters and digits of one width only, so binary (SQLite) and locale (PostgreSQL) text order agree.
  rows = Array.from({ length: TOTAL }, (_, i) => ({
    id: `plan${String((i * 7_919) % TOTAL).padStart(5, "0")}`,
    userId: `u${String(i % 400).padStart(4, "0")}`,
    agentId: `agent${i % 5}`,
    status: i % 9 === 0 ? "archived" : "active",
    lastActivityAt: i % 97 === 0 ? null : new Date(now - ((i * 31) % 4_000) * 60_000),
    lastSenderRole: ["user", "agent", "user", "operator"][i % 4]!,
    assigneeId: i % 6 === 0 ? me : null,
    headSeq: 1 + (i % 5),
    opCount: i % 5 >= 2 && i % 3 === 0 ? 1 : 0,
    userCount: 0,
  }));
  for (const r of rows) r.userCount = r.headSeq - r.opCount; // every other message is the end user's
  for (let start = 0; start < TOTAL; start += 500) {
    await prisma.sessionIndex.createMany({
      data: rows.slice(start, start + 500).map((r) => ({ ...r, createdAt: new Date(now - 86_400_000), lastPreview: `p ${r.id}`, lastSenderId: "x" })),
    });
  }
  for (const r of rows.filter((_, i) => i % 2 === 1)) labelled.add(r.id);
  await prisma.sessionLabel.createMany({ data: [...labelled].map((sessionId) => ({ sessionId, label: "billing" })) });
  // My cursors: read to the head, one short of it, or read before an operator's reply (which is not unread).
  rows.forEach((r, i) => {
    if (i % 4 === 0) myCursors.set(r.id, { lastSeq: r.headSeq, opCountAtCursor: r.opCount, userCountAtCursor: r.userCount });
    else if (i % 4 === 1 && r.headSeq > 1) myCursors.set(r.id, { lastSeq: r.headSeq - 1, opCountAtCursor: 0, userCountAtCursor: r.userCount - 1 });
    else if (i % 4 === 2 && r.opCount > 0) myCursors.set(r.id, { lastSeq: r.headSeq - r.opCount, opCountAtCursor: 0, userCountAtCursor: r.userCount });
  });
  await prisma.readCursor.createMany({ data: [...myCursors].map(([sessionId, c]) => ({ operatorId: me, sessionId, ...c })) });
  // A colleague has read everything: their cursors must not change my unread.
  await prisma.readCursor.createMany({
    data: rows.map((r) => ({ operatorId: colleague, sessionId: r.id, lastSeq: r.headSeq, opCountAtCursor: r.opCount, userCountAtCursor: r.userCount })),
  });
  // Active takeovers on every 7th session; released ones (history, not a hold) on every 11th.
  rows.forEach((r, i) => i % 7 === 0 && takenOver.add(r.id));
  await prisma.takeover.createMany({ data: [...takenOver].map((sessionId) => ({ sessionId, activeSessionId: sessionId, operatorId: colleague })) });
  await prisma.takeover.createMany({
    data: rows
      .filter((_, i) => i % 11 === 0)
      .map((r) => ({ sessionId: r.id, activeSessionId: null, operatorId: me, releasedAt: new Date(now - 60_000), releaseReason: "handback" })),
  });
});

const activity = (r: Seeded) => r.lastActivityAt?.getTime() ?? -Infinity; // empty activity is the oldest
const byKeys = (keys: ((r: Seeded) => string | number)[], desc: boolean) => (a: Seeded, b: Seeded) => {
  for (const key of keys) {
    const x = key(a);
    const y = key(b);
    if (x !== y) return (x < y ? -1 : 1) * (desc ? -1 : 1);
  }
  return 0;
};
const ORDERS: Record<string, ((r: Seeded) => string | number)[]> = {
  lastActivity: [activity, (r) => r.id],
  user: [(r) => r.userId, (r) => r.id],
  agent: [(r) => r.agentId, activity, (r) => r.id],
  status: [(r) => r.status, activity, (r) => r.id],
};
/** The end user's messages after my cursor: operator-written ones are activity, not unread (ADRs 021, 100). */
const unreadOf = (r: Seeded) => Math.max(0, r.userCount - (myCursors.get(r.id)?.userCountAtCursor ?? 0));
const needsHuman = (r: Seeded) => r.lastSenderRole === "user" && r.lastActivityAt !== null && r.lastActivityAt.getTime() < now - 5 * 60_000;
const FILTERS: Record<string, (r: Seeded) => boolean> = {
  "view=all": () => true,
  "status=active": (r) => r.status === "active",
  "needsHuman=1": needsHuman,
  "assigned=none": (r) => r.assigneeId === null,
  "label=billing": (r) => labelled.has(r.id),
  "unread=1": (r) => unreadOf(r) > 0,
  "takenOver=yes": (r) => takenOver.has(r.id),
  "takenOver=no": (r) => !takenOver.has(r.id),
  "unread=1&takenOver=no": (r) => unreadOf(r) > 0 && !takenOver.has(r.id),
  "status=active&assigned=none": (r) => r.status === "active" && r.assigneeId === null,
  "needsHuman=1&status=archived": (r) => needsHuman(r) && r.status === "archived",
};

describe("inbox query plans", () => {
  const cases = Object.keys(FILTERS).flatMap((filter) =>
    Object.keys(ORDERS).flatMap((sort) => ["asc", "desc"].flatMap((dir) => [1, 7].map((page) => ({ filter, sort, dir, page })))),
  );

  it.each(cases)("$filter sorted by $sort.$dir, page $page: the same rows as a plain reading", async ({ filter, sort, dir, page }) => {
    const params = parseInboxParams(new URL(`http://console.test/inbox?${filter}&sort=${sort}.${dir}&page=${page}&pageSize=50`));
    const { rows: got, total, capped } = await queryInbox(params, me, new Date(now));
    const matching = rows.filter(FILTERS[filter]!).sort(byKeys(ORDERS[sort]!, dir === "desc"));
    expect(capped).toBe(matching.length > COUNT_CAP);
    expect(total).toBe(Math.min(matching.length, COUNT_CAP));
    const expected = matching.slice((page - 1) * 50, page * 50);
    expect(got.map((r) => r.id)).toEqual(expected.map((r) => r.id));
    expect(got.map((r) => r.unread)).toEqual(expected.map(unreadOf));
    expect(got.map((r) => r.holder !== null)).toEqual(expected.map((r) => takenOver.has(r.id)));
  });

  it("exercises both plans: some filters match more than COUNT_CAP rows, some fewer", () => {
    const sizes = Object.values(FILTERS).map((f) => rows.filter(f).length);
    expect(sizes.some((n) => n > COUNT_CAP)).toBe(true);
    expect(sizes.some((n) => n <= COUNT_CAP)).toBe(true);
  });

  it("every filter keeps some rows and drops others, so none of its oracles could pass by accepting everything", () => {
    // "view=all" is no filter: its oracle is the sort and the capped count alone.
    for (const [name, f] of Object.entries(FILTERS).filter(([name]) => name !== "view=all")) {
      const n = rows.filter(f).length;
      expect(n, name).toBeGreaterThan(0);
      expect(n, name).toBeLessThan(TOTAL);
    }
  });
});
