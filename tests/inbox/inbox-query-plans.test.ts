// The inbox query reads a page two ways (ADR 024): through the filter's index when few rows match, along the
// order's index when more than COUNT_CAP do. Both must give exactly the rows and order a plain reading of the
// URL gives: checked here against a reference sort and filter in JavaScript over 3,000 indexed sessions.
import { beforeAll, describe, expect, it } from "vitest";
import { makeOperator } from "../support/auth";
import { db } from "~/db.server";
import { COUNT_CAP, parseInboxParams, queryInbox } from "~/inbox/inbox-query.server";

type Seeded = { id: string; userId: string; agentId: string; status: string; lastActivityAt: Date | null; lastSenderRole: string; assigneeId: string | null; headSeq: number };

const TOTAL = 3_000;
const now = Date.now();
let me: string;
let rows: Seeded[] = [];
const labelled = new Set<string>();

beforeAll(async () => {
  me = (await makeOperator("operator")).id;
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
  }));
  for (let start = 0; start < TOTAL; start += 500) {
    await prisma.sessionIndex.createMany({
      data: rows.slice(start, start + 500).map((r) => ({ ...r, createdAt: new Date(now - 86_400_000), lastPreview: `p ${r.id}`, lastSenderId: "x" })),
    });
  }
  for (const r of rows.filter((_, i) => i % 2 === 1)) labelled.add(r.id);
  await prisma.sessionLabel.createMany({ data: [...labelled].map((sessionId) => ({ sessionId, label: "billing" })) });
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
const needsHuman = (r: Seeded) => r.lastSenderRole === "user" && r.lastActivityAt !== null && r.lastActivityAt.getTime() < now - 5 * 60_000;
const FILTERS: Record<string, (r: Seeded) => boolean> = {
  "status=active": (r) => r.status === "active",
  "needsHuman=1": needsHuman,
  "assigned=none": (r) => r.assigneeId === null,
  "label=billing": (r) => labelled.has(r.id),
  "unread=1": () => true, // no read cursors: every session with messages is unread
  "takenOver=no": () => true,
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
    expect(got.map((r) => r.id)).toEqual(matching.slice((page - 1) * 50, page * 50).map((r) => r.id));
  });

  it("exercises both plans: some filters match more than COUNT_CAP rows, some fewer", () => {
    const sizes = Object.values(FILTERS).map((f) => rows.filter(f).length);
    expect(sizes.some((n) => n > COUNT_CAP)).toBe(true);
    expect(sizes.some((n) => n <= COUNT_CAP)).toBe(true);
  });
});
