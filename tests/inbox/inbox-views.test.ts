// Filters without surprises (issue 16): one set of views, each meaning exactly what the page says; facets narrow
// any view; bad values are messages on an intact page; saved views per operator and admin-pinned team views.
import { call, makeOperator, request, type TestOperator } from "../support/auth";
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { action, loader } from "~/routes/inbox";

const tag = randomUUID().slice(0, 6);
const AGENT = `views-${tag}`;
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
let alice: TestOperator;
let bob: TestOperator;
let admin: TestOperator;
let auditor: TestOperator;
const ids: Record<string, string> = {};

type Row = { id: string; state: string };
type Page = {
  rows: Row[];
  problems: { key: string; message: string }[];
  view: string;
  views: { id: string; label: string; definition: string }[];
  saved: { mine: { id: string; name: string; search: string }[]; team: { id: string; name: string; search: string }[] };
};

async function seed(
  key: string,
  data: { state?: string; assigneeId?: string | null; lastSenderRole?: string; lastActivityAt?: Date; waitingSince?: Date | null; status?: string },
) {
  const id = `${tag}-${key}`;
  ids[key] = id;
  await (
    await db()
  ).sessionIndex.create({
    data: {
      id,
      userId: `u-${key}-${tag}`,
      agentId: AGENT,
      status: data.status ?? "active",
      createdAt: minutesAgo(300),
      headSeq: 2,
      userCount: 1,
      lastActivityAt: data.lastActivityAt ?? minutesAgo(1),
      lastSenderRole: data.lastSenderRole ?? "agent",
      state: data.state ?? "pending",
      assigneeId: data.assigneeId ?? null,
      waitingSince: data.waitingSince ?? null,
    },
  });
}

async function page(as: TestOperator, query = "") {
  const res = await call(() => loader({ request: request(`/inbox?agent=${AGENT}${query}`, { as }), params: {}, context: {} }));
  return res as { status: number; body: Page };
}
const idsOf = async (as: TestOperator, query: string) => (await page(as, query)).body.rows.map((r) => r.id);
const post = (as: TestOperator, form: Record<string, string>) => call(() => action({ request: request(`/inbox`, { as, form }), params: {}, context: {} }));

beforeAll(async () => {
  [alice, bob, admin, auditor] = [await makeOperator("operator"), await makeOperator("operator"), await makeOperator("admin"), await makeOperator("auditor")];
  await seed("asked", { state: "waiting", waitingSince: minutesAgo(3), lastSenderRole: "agent", lastActivityAt: minutesAgo(2) });
  await seed("longest", { state: "waiting", waitingSince: minutesAgo(40), lastSenderRole: "user", lastActivityAt: minutesAgo(40) });
  await seed("unanswered", { state: "pending", waitingSince: minutesAgo(20), lastSenderRole: "user", lastActivityAt: minutesAgo(20) });
  await seed("fresh", { state: "pending", waitingSince: minutesAgo(1), lastSenderRole: "user", lastActivityAt: minutesAgo(1) });
  await seed("aliceOpen", { state: "open" });
  await seed("snoozed", { state: "snoozed", lastActivityAt: minutesAgo(5) });
  await seed("resolved", { state: "resolved", lastActivityAt: minutesAgo(6) });
  await seed("aliceResolved", { state: "resolved", lastActivityAt: minutesAgo(7) });
  await seed("archived", { status: "archived", lastActivityAt: minutesAgo(8) });
  const prisma = await db();
  await prisma.sessionIndex.updateMany({ where: { id: { in: [ids.aliceOpen!, ids.aliceResolved!] } }, data: { assigneeId: alice.id } });
  await prisma.takeover.create({ data: { sessionId: ids.fresh!, activeSessionId: ids.fresh!, operatorId: bob.id } });
});

describe("views", () => {
  it("each view lists exactly what its definition says", async () => {
    expect(await idsOf(alice, "&view=waiting")).toEqual([ids.longest, ids.unanswered, ids.asked]); // longest wait first
    expect(await idsOf(alice, "&view=mine")).toEqual([ids.aliceOpen]);
    expect(await idsOf(bob, "&view=mine")).toEqual([]);
    expect(new Set(await idsOf(alice, "&view=unassigned"))).toEqual(new Set([ids.asked, ids.longest, ids.unanswered, ids.fresh]));
    expect(await idsOf(alice, "&view=takenOver")).toEqual([ids.fresh]);
    expect(await idsOf(alice, "&view=snoozed")).toEqual([ids.snoozed]);
    expect(await idsOf(alice, "&view=resolved")).toEqual([ids.resolved, ids.aliceResolved]);
    expect((await idsOf(alice, "")).length).toBe(9);
    const { body } = await page(alice, "&view=waiting");
    expect(body.view).toBe("waiting");
    expect(body.views.map((v) => v.label)).toEqual(["All", "Waiting on a human", "Mine", "Unassigned", "Taken over", "Snoozed", "Resolved"]);
    expect(body.views.find((v) => v.id === "waiting")!.definition).toMatch(/unanswered for 5 minutes/);
  });

  it("facets narrow a view, and an explicit sort wins over the view's own order", async () => {
    expect(await idsOf(alice, "&view=waiting&sort=lastActivity.desc")).toEqual([ids.asked, ids.unanswered, ids.longest]);
    expect(await idsOf(alice, "&view=resolved&status=archived")).toEqual([]);
    expect(await idsOf(alice, "&status=archived")).toEqual([ids.archived]);
  });
});

describe("bad URLs", () => {
  it("ignores unknown keys and shows each bad value as a problem; what was valid still applies", async () => {
    const tracked = await page(alice, "&view=snoozed&utm_source=slack&utm_medium=chat");
    expect(tracked.status).toBe(200);
    expect(tracked.body.problems).toEqual([]);
    expect(tracked.body.rows.map((r) => r.id)).toEqual([ids.snoozed]);

    const bad = await page(alice, "&view=resolved&sort=passwordHash.desc&page=-3&pageSize=7&status=deleted");
    expect(bad.status).toBe(200);
    expect(bad.body.rows.map((r) => r.id)).toEqual([ids.resolved, ids.aliceResolved]); // the view and agent still apply
    const messages = bad.body.problems.map((p) => p.message).join(" | ");
    expect(messages).toMatch(/cannot sort by "passwordHash"/);
    expect(messages).toMatch(/page starts at 1/);
    expect(messages).toMatch(/pageSize must be one of/);
    expect(messages).toMatch(/status must be one of/);
  });

  it("odd input of any kind is a problem or ignored, never a 4xx/5xx page", async () => {
    for (const query of [
      "&view=",
      "&view=waiting&view=mine",
      "&sort=",
      "&sort=user.sideways",
      "&page=1e9",
      "&page=abc",
      `&q=${"x".repeat(500)}`,
      "&label=%3Cscript%3E",
      "&unread=1&unread=1",
      "&q=%E2%80%AE%F0%9F%98%80",
      "&q=%22%27%3B--%20OR%201%3D1",
    ]) {
      const res = await page(alice, query);
      expect(res.status, query).toBe(200);
    }
  });
});

describe("saved views", () => {
  it("an operator saves, lists and deletes their own; others never see it", async () => {
    const saved = await post(alice, { intent: "view-save", name: "My waiting", search: "?view=waiting&agent=x&utm_source=slack&page=3" });
    expect(saved.status).toBe(200);
    const mine = (await page(alice)).body.saved.mine;
    expect(mine).toEqual([expect.objectContaining({ name: "My waiting", search: "?view=waiting&agent=x" })]);
    expect((await page(bob)).body.saved.mine).toEqual([]);
    // Bob cannot delete it: someone else's view looks like a missing one.
    expect((await post(bob, { intent: "view-delete", viewId: mine[0]!.id })).status).toBe(404);
    expect((await post(alice, { intent: "view-delete", viewId: mine[0]!.id })).status).toBe(200);
    expect((await page(alice)).body.saved.mine).toEqual([]);
    expect(await (await db()).auditEvent.count({ where: { action: { in: ["inbox.view_save", "inbox.view_delete"] }, actorId: alice.id } })).toBe(2);
  });

  it("bad views are refused with a message and nothing is written", async () => {
    const prisma = await db();
    const before = await prisma.savedView.count();
    const badSearch = await post(alice, { intent: "view-save", name: "Broken", search: "?sort=passwordHash.desc" });
    expect(badSearch.status).toBe(400);
    // conform's reply: a refusal only the server can give is the form's own error (under "").
    expect(badSearch.body).toMatchObject({ status: "error", error: { "": [expect.stringMatching(/cannot sort by/)] } });
    expect((await post(alice, { intent: "view-save", name: "", search: "" })).status).toBe(400);
    expect((await post(alice, { intent: "view-save", name: "x".repeat(61), search: "" })).status).toBe(400);
    expect((await post(alice, { intent: "view-delete", viewId: "" })).status).toBe(400);
    expect(await prisma.savedView.count()).toBe(before);
  });

  it("only admins pin team views, which everyone sees and only admins unpin", async () => {
    expect((await post(alice, { intent: "view-save", name: "Team waiting", search: "?view=waiting", team: "on" })).status).toBe(403);
    expect((await post(admin, { intent: "view-save", name: "Team waiting", search: "?view=waiting", team: "on" })).status).toBe(200);
    const team = (await page(auditor)).body.saved.team;
    expect(team).toEqual([expect.objectContaining({ name: "Team waiting", search: "?view=waiting" })]);
    expect((await post(alice, { intent: "view-delete", viewId: team[0]!.id })).status).toBe(403);
    expect((await page(alice)).body.saved.team).toHaveLength(1);
    expect((await post(admin, { intent: "view-delete", viewId: team[0]!.id })).status).toBe(200);
    expect((await page(alice)).body.saved.team).toEqual([]);
  });
});
