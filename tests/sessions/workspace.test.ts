// The session page as a workspace: previous/next within the inbox view it was opened from (its query carried in
// `?inbox=`), the user's other sessions, and the side panel's in-place edits with their bad input and roles.
import { call, makeOperator, request, type TestOperator } from "../support/auth";
import { randomUUID } from "node:crypto";
import type { FleetLMRest } from "@fleetlm/client";
import type { FleetlmDevServer } from "@fleetlm/dev";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { action, loader } from "~/routes/sessions.$id";
import { inboxNeighbours, inboxQueryFrom } from "~/sessions/workspace.server";
import { startFleetlm } from "./fleetlm-fixture";

const tag = randomUUID().slice(0, 6);
const agentId = `agent-${tag}`;
let server: FleetlmDevServer;
let rest: FleetLMRest;
let alice: TestOperator;
let auditor: TestOperator;
/** FleetLM sessions, newest activity first (the inbox's default order). */
const ordered: string[] = [];
const userId = `user-${tag}`;

beforeAll(async () => {
  ({ server, rest } = await startFleetlm());
  [alice, auditor] = await Promise.all([makeOperator("operator", { name: "Alice Desk" }), makeOperator("auditor")]);
  const prisma = await db();
  // 12 sessions of one agent (so a page of 10 has a neighbour on the next page), the first three of one user.
  for (let i = 0; i < 12; i++) {
    const session = await rest.createSession({ userId: i < 3 ? userId : `${userId}-${i}`, agentId });
    ordered.push(session.id);
    await prisma.sessionIndex.create({
      data: {
        id: session.id,
        userId: session.user_id,
        agentId,
        status: "active",
        createdAt: new Date(),
        headSeq: 0,
        lastActivityAt: new Date(Date.now() - i * 60_000),
      },
    });
  }
});
afterAll(async () => {
  await server.close();
});

const open = (id: string, query = "", as: TestOperator = alice) =>
  call(() => loader({ request: request(`/sessions/${id}${query}`, { as }), params: { id }, context: {} }));
const post = (id: string, form: Record<string, string>, as: TestOperator = alice) =>
  call(() => action({ request: request(`/sessions/${id}`, { as, form }), params: { id }, context: {} }));
const inboxQuery = (extra: Record<string, string> = {}) => new URLSearchParams({ agent: agentId, pageSize: "10", ...extra }).toString();

describe("previous / next in the inbox view", () => {
  it("follows the filtered inbox order, across a page boundary, and back to the inbox keeps the filters", async () => {
    const middle = await inboxNeighbours(ordered[4]!, inboxQuery(), alice.id);
    expect(middle).toMatchObject({ inboxHref: `/inbox?${inboxQuery()}`, position: 5, previous: { id: ordered[3] }, next: { id: ordered[5] } });
    expect(new URL(middle.next!.href, "http://x").searchParams.get("inbox")).toBe(inboxQuery());

    const first = await inboxNeighbours(ordered[0]!, inboxQuery(), alice.id);
    expect(first.previous).toBeNull();
    expect(first.next?.id).toBe(ordered[1]);

    // The last row of page 1: its next is the first row of page 2, and following it moves the remembered page.
    const last = await inboxNeighbours(ordered[9]!, inboxQuery(), alice.id);
    expect(last.next?.id).toBe(ordered[10]);
    expect(new URLSearchParams(new URL(last.next!.href, "http://x").searchParams.get("inbox")!).get("page")).toBe("2");
    const onPage2 = await inboxNeighbours(ordered[10]!, inboxQuery({ page: "2" }), alice.id);
    expect(onPage2).toMatchObject({ position: 11, previous: { id: ordered[9] }, next: { id: ordered[11] } });
    expect(new URLSearchParams(new URL(onPage2.previous!.href, "http://x").searchParams.get("inbox")!).get("page")).toBeNull();
  });

  it("another sort gives other neighbours; a session outside the view has none but keeps the way back", async () => {
    const oldestFirst = await inboxNeighbours(ordered[4]!, inboxQuery({ sort: "lastActivity.asc" }), alice.id);
    expect([oldestFirst.previous?.id, oldestFirst.next?.id]).toEqual([ordered[5], ordered[3]]);
    const outside = await inboxNeighbours(ordered[4]!, new URLSearchParams({ agent: "nobody" }).toString(), alice.id);
    expect(outside).toMatchObject({ previous: null, next: null, position: null, inboxHref: "/inbox?agent=nobody" });
  });

  it("a bad inbox query is read as the inbox reads it, an oversized one is dropped; never a failure of the session page", async () => {
    // The inbox shows a bad value in place and falls back to its default order: the neighbours do the same.
    expect(inboxQueryFrom(new URLSearchParams({ inbox: "sort=nope.desc" }))).toBe("sort=nope.desc");
    const forgiven = await inboxNeighbours(ordered[4]!, inboxQuery({ sort: "nope.desc" }), alice.id);
    expect([forgiven.previous?.id, forgiven.next?.id]).toEqual([ordered[3], ordered[5]]);
    expect(inboxQueryFrom(new URLSearchParams({ inbox: `q=${"x".repeat(3000)}` }))).toBe("");
    expect(inboxQueryFrom(new URLSearchParams({ inbox: "?status=active&agent=a" }))).toBe("status=active&agent=a");
    const res = await open(ordered[4]!, `?inbox=${encodeURIComponent(`q=${"x".repeat(3000)}`)}`);
    expect(res.status).toBe(200);
    expect((res.body as { nav: { inboxHref: string } }).nav.inboxHref).toBe("/inbox");
    expect((await open(ordered[4]!, `?inbox=${encodeURIComponent("pageSize=7")}`)).status).toBe(200);
  });

  it("the page's loader carries the view, the user's other sessions and who may be assigned", async () => {
    const res = await open(ordered[1]!, `?inbox=${encodeURIComponent(inboxQuery())}`);
    expect(res.status).toBe(200);
    const body = res.body as { nav: { previous: { id: string }; next: { id: string } }; otherSessions: { id: string }[]; operators: { id: string }[] };
    expect([body.nav.previous.id, body.nav.next.id]).toEqual([ordered[0], ordered[2]]);
    expect(body.otherSessions.map((s) => s.id).sort()).toEqual([ordered[0], ordered[2]].sort());
    expect(body.operators.map((o) => o.id)).toContain(alice.id);
    expect(body.operators.map((o) => o.id)).not.toContain(auditor.id);
    // Auditors read the page but get nobody to assign to.
    expect(((await open(ordered[1]!, "", auditor)).body as { operators: unknown[] }).operators).toEqual([]);
  });
});

describe("in-place edits from the side panel", () => {
  const row = async (id: string) => (await db()).sessionIndex.findUniqueOrThrow({ where: { id }, include: { labels: true } });
  const audits = async (id: string) => (await db()).auditEvent.count({ where: { targetId: id } });

  it("assigns (me, someone, nobody) and labels, each audited", async () => {
    const id = ordered[6]!;
    expect(await post(id, { intent: "assign", assignee: "me" })).toMatchObject({ status: 200, body: { ok: true, intent: "assign" } });
    expect((await row(id)).assigneeId).toBe(alice.id);
    expect(await post(id, { intent: "label-add", label: "billing" })).toMatchObject({ status: 200, body: { ok: true } });
    expect(await post(id, { intent: "label-add", label: "billing" })).toMatchObject({ status: 200 }); // twice is once
    expect((await row(id)).labels.map((l) => l.label)).toEqual(["billing"]);
    expect(await post(id, { intent: "label-remove", label: "billing" })).toMatchObject({ status: 200 });
    expect(await post(id, { intent: "assign", assignee: "none" })).toMatchObject({ status: 200 });
    const after = await row(id);
    expect(after.assigneeId).toBeNull();
    expect(after.labels).toEqual([]);
    const actions = (await (await db()).auditEvent.findMany({ where: { targetId: id }, orderBy: { at: "asc" } })).map((a) => a.action);
    expect(actions).toEqual(["inbox.assign", "inbox.label_add", "inbox.label_add", "inbox.label_remove", "inbox.assign"]);
  });

  it("bad input is a clear 400 and nothing is written", async () => {
    const id = ordered[7]!;
    const before = { row: await row(id), audits: await audits(id) };
    const cases: Record<string, string>[] = [
      { intent: "label-add", label: "<script>" },
      { intent: "label-add", label: "x".repeat(41) },
      { intent: "label-add" },
      { intent: "assign", assignee: "" },
      { intent: "archive" },
      { intent: "archive", confirm: "yes" },
      { intent: "delete-everything" },
    ];
    for (const form of cases) {
      const res = await post(id, form);
      expect(res.status, JSON.stringify(form)).toBe(400);
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/); // no stack
    }
    const unknownOperator = await post(id, { intent: "assign", assignee: "no-such-operator" });
    // The server's own verdict is the form's error in conform's reply (under ""), with the same 400.
    expect(unknownOperator).toMatchObject({ status: 400, body: { status: "error", error: { "": ["That operator does not exist or is deactivated."] } } });
    const long = await post(id, { intent: "label-add", label: "x".repeat(41) });
    expect((long.body as { error: Record<string, string[]> }).error.label).toEqual(["at most 40 characters"]);
    expect(await row(id)).toEqual(before.row);
    expect(await audits(id)).toBe(before.audits);
  });

  it("auditors may not change shared state (403, nothing written)", async () => {
    const id = ordered[8]!;
    const before = { row: await row(id), audits: await audits(id) };
    const forms: Record<string, string>[] = [
      { intent: "assign", assignee: "me" },
      { intent: "label-add", label: "x" },
      { intent: "archive", confirm: "archive" },
    ];
    for (const form of forms) {
      expect((await post(id, form, auditor)).status).toBe(403);
    }
    expect(await row(id)).toEqual(before.row);
    expect(await audits(id)).toBe(before.audits);
  });

  it("an unknown session is a 404, not a half-done edit", async () => {
    expect((await post("no-such-session", { intent: "assign", assignee: "me" })).status).toBe(404);
  });

  it("archive (resolve) archives in FleetLM and the index", async () => {
    const id = ordered[11]!;
    expect(await post(id, { intent: "archive", confirm: "archive" })).toMatchObject({ status: 200, body: { ok: true } });
    expect((await rest.getSession(id)).status).toBe("archived");
    expect((await row(id)).status).toBe("archived");
  });
});
