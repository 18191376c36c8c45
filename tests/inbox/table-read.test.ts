// The inbox's rows-only read (GET /inbox/rows, ADR 207): the same rows and count as the page's loader for the same
// URL, whatever the view, filter, sort or page; and the page never lets an older read replace a newer one.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { call, makeOperator, request, type TestOperator } from "../support/auth";
import { db } from "~/db.server";
import { keepNewer, parseTableRead, shownRead, type FetchedRead, type TableRead } from "~/inbox/components/table-read";
import type { InboxRow } from "~/inbox/inbox-query.server";
import { loader as pageLoader } from "~/routes/inbox";
import { loader as rowsLoader } from "~/routes/inbox.rows";

const tag = randomUUID().slice(0, 6);
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
let alice: TestOperator;

type PageBody = { rows: InboxRow[]; table: { total: number }; capped: boolean };
type RowsBody = { rows: InboxRow[]; total: number; capped: boolean; liveId: number };

async function both(query: string, as = alice) {
  const url = `/inbox?agent=agent-${tag}${query}`;
  const page = await call(() => pageLoader({ request: request(url, { as }), params: {}, context: {} }));
  const rows = await call(() => rowsLoader({ request: request(url.replace("/inbox?", "/inbox/rows?"), { as }), params: {}, context: {} }));
  return { page: page as { status: number; body: PageBody }, rows: rows as { status: number; body: RowsBody } };
}

beforeAll(async () => {
  alice = await makeOperator("operator");
  const prisma = await db();
  for (let i = 0; i < 12; i++) {
    const waiting = i % 3 === 0;
    await prisma.sessionIndex.create({
      data: {
        id: `${tag}-s${i}`,
        userId: `user-${tag}-${String.fromCharCode(112 - i)}`, // user order is the reverse of the ids'
        agentId: `agent-${tag}`,
        status: "active",
        createdAt: minutesAgo(300),
        headSeq: i + 1,
        opCount: 0,
        userCount: i + 1,
        lastActivityAt: minutesAgo(10 * i + 1),
        lastSenderRole: i % 2 === 0 ? "user" : "agent", // the odd ones answered: not waiting by the unanswered rule
        lastPreview: `preview ${i}`,
        state: waiting ? "waiting" : "pending",
        waitingSince: waiting ? minutesAgo(100 - i) : null,
        handoffReason: waiting ? "asked for a person" : null,
      },
    });
  }
});

describe("GET /inbox/rows", () => {
  it.each([
    ["the default view", ""],
    ["waiting on a human (its own order)", "&view=waiting"],
    ["a filter", "&unread=1"],
    ["another sort", "&sort=user"],
    ["a later page", "&pageSize=10&page=2"],
    ["unknown and bad parameters, as the page reads them", "&utm_source=x&pageSize=nope"],
  ])("reads the same rows and count as the page's loader: %s", async (_name, query) => {
    const { page, rows } = await both(query);
    expect(page.status).toBe(200);
    expect(rows.status).toBe(200);
    expect(rows.body.rows.length).toBeGreaterThan(0);
    expect(rows.body.rows).toEqual(page.body.rows);
    expect(rows.body.total).toBe(page.body.table.total);
    expect(rows.body.capped).toBe(page.body.capped);
  });

  it("follows a session entering a view, as the loader does", async () => {
    const before = await both("&view=waiting");
    const prisma = await db();
    await prisma.sessionIndex.update({
      where: { id: `${tag}-s1` },
      data: { state: "waiting", waitingSince: minutesAgo(1), handoffReason: "asked for a person" },
    });
    const after = await both("&view=waiting");
    expect(before.rows.body.rows.map((r) => r.id)).not.toContain(`${tag}-s1`);
    expect(after.rows.body.rows.map((r) => r.id)).toContain(`${tag}-s1`);
    expect(after.rows.body.rows).toEqual(after.page.body.rows);
    expect(after.rows.body.total).toBe(before.rows.body.total + 1);
  });

  it("asks a signed-out visitor to sign in and reads nothing", async () => {
    const res = await call(() => rowsLoader({ request: request(`/inbox/rows?agent=agent-${tag}`), params: {}, context: {} }));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/^\/login/);
  });
});

const row = (id: string, headSeq = 1) => ({ id, headSeq }) as InboxRow;
const read = (liveId: number, ids: string[]): TableRead => ({ rows: ids.map((id) => row(id)), total: ids.length, capped: false, liveId, viewers: {} });
const fetched = (liveId: number, ids: string[], search = "?view=waiting"): FetchedRead => ({ ...read(liveId, ids), search });

describe("which read the page shows", () => {
  it("shows a rows-only read only while it is newer than the loader's, and only for its own URL", () => {
    const loader = read(10, ["a"]);
    expect(shownRead(loader, fetched(11, ["b", "a"]), "?view=waiting").rows.map((r) => r.id)).toEqual(["b", "a"]);
    expect(shownRead(loader, fetched(10, ["b", "a"]), "?view=waiting")).toBe(loader); // a tie: the loader
    expect(shownRead(loader, fetched(11, ["b", "a"]), "?view=all")).toBe(loader); // the user navigated since
    expect(shownRead(read(12, ["a"]), fetched(11, ["b", "a"]), "?view=waiting").rows.map((r) => r.id)).toEqual(["a"]);
  });

  it("never lets a response that arrives late replace a newer one", () => {
    const newer = fetched(20, ["b", "a"]);
    expect(keepNewer(newer, fetched(19, ["a"]))).toBe(newer);
    expect(keepNewer(newer, fetched(20, ["a"]))).toBe(newer);
    expect(keepNewer(newer, fetched(21, ["a"]))!.liveId).toBe(21);
    expect(keepNewer(newer, fetched(5, ["c"], "?view=all"))!.search).toBe("?view=all");
  });

  it("takes only a well-formed body as a read (a sign-in page or an error is not one)", () => {
    expect(parseTableRead(null)).toBeNull();
    expect(parseTableRead("<html>")).toBeNull();
    expect(parseTableRead({ rows: [], total: "3", capped: false, liveId: 1 })).toBeNull();
    expect(parseTableRead({ rows: [], total: 0, capped: false, liveId: 1 })).toEqual({ rows: [], total: 0, capped: false, liveId: 1, viewers: {} });
  });
});
