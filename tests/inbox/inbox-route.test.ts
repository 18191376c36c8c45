// The inbox page's loader and bulk actions against a seeded index (and the dev server for archive).
import { call, makeOperator, request, type TestOperator } from "../support/auth";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FleetLMRest } from "@fleetlm/client";
import { startFleetlmDev, type FleetlmDevServer } from "@fleetlm/dev";
import { db } from "~/db.server";
import { resetEnvCache } from "~/env.server";
import { resetFleetlm } from "~/fleetlm/fleetlm.server";
import { advanceReadCursor } from "~/inbox/read-cursor.server";
import { unreadTotal } from "~/inbox/inbox-query.server";
import { action, loader } from "~/routes/inbox";
import { loader as totalLoader } from "~/routes/inbox.unread-total";

type Row = { id: string; userId: string; unread: number; labels: string[]; assignee: { id: string } | null; holder: { id: string } | null };
type Page = { rows: Row[]; table: { total: number } };

const tag = randomUUID().slice(0, 6);
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
let dev: FleetlmDevServer;
let alice: TestOperator;
let bob: TestOperator;
let auditor: TestOperator;
const ids: Record<string, string> = {};

async function seed(
  key: string,
  data: { userId: string; headSeq: number; opCount?: number; lastSenderRole?: string; lastActivityAt?: Date; status?: string; id?: string },
) {
  const id = data.id ?? `${tag}-${key}`;
  ids[key] = id;
  await (
    await db()
  ).sessionIndex.create({
    data: {
      id,
      userId: data.userId,
      agentId: `agent-${tag}`,
      status: data.status ?? "active",
      createdAt: minutesAgo(120),
      headSeq: data.headSeq,
      opCount: data.opCount ?? 0,
      // Seeded rows have no agent messages: every non-operator message is the user's.
      userCount: data.headSeq - (data.opCount ?? 0),
      lastActivityAt: data.lastActivityAt ?? minutesAgo(1),
      lastSenderRole: data.lastSenderRole ?? "user",
      lastPreview: `preview ${key}`,
    },
  });
  // The messages as the index records them: the operators' first, the rest from the user.
  const operatorSeqs = data.opCount ?? 0;
  await (
    await db()
  ).indexedMessage.createMany({
    data: Array.from({ length: data.headSeq }, (_, i) => ({
      sessionId: id,
      seq: i + 1,
      role: i < operatorSeqs ? "operator" : "user",
      body: `message ${i + 1}`,
      at: minutesAgo(120),
    })),
  });
}

async function page(as: TestOperator, query = "") {
  const res = await call(() => loader({ request: request(`/inbox?agent=agent-${tag}${query}`, { as }), params: {}, context: {} }));
  return res as { status: number; body: Page };
}

const post = (as: TestOperator, form: Record<string, string | string[]>) =>
  call(() => action({ request: request(`/inbox?agent=agent-${tag}`, { as, form }), params: {}, context: {} }));

async function auditCount(action: string, targetId: string) {
  return (await db()).auditEvent.count({ where: { action, targetId } });
}

beforeAll(async () => {
  dev = await startFleetlmDev({ port: 0 });
  process.env.FLEETLM_URL = dev.url;
  resetEnvCache();
  resetFleetlm();
  [alice, bob, auditor] = [await makeOperator("operator"), await makeOperator("operator"), await makeOperator("auditor")];
  const real = await new FleetLMRest({ baseUrl: dev.url }).createSession({ userId: `real-${tag}`, agentId: `agent-${tag}` });
  await seed("busy", { userId: `busy-${tag}`, headSeq: 10, opCount: 2 });
  await seed("waiting", { userId: `waiting-${tag}`, headSeq: 3, lastActivityAt: minutesAgo(60) });
  await seed("answered", { userId: `answered-${tag}`, headSeq: 4, lastSenderRole: "agent", lastActivityAt: minutesAgo(90) });
  await seed("real", { id: real.id, userId: `real-${tag}`, headSeq: 0, lastActivityAt: minutesAgo(200) });
});

afterAll(async () => {
  await dev?.close();
});

describe("inbox loader", () => {
  it("lists sessions by last activity with my own unread counts", async () => {
    await advanceReadCursor(bob.id, ids.busy!, 10);
    const forAlice = await page(alice);
    expect(forAlice.status).toBe(200);
    expect(forAlice.body.rows.map((r) => r.id)).toEqual([ids.busy, ids.waiting, ids.answered, ids.real]);
    expect(forAlice.body.rows[0]!.unread).toBe(8); // 10 messages, 2 written by operators
    const forBob = await page(bob);
    expect(forBob.body.rows[0]!.unread).toBe(0);
    expect(await unreadTotal(bob.id)).toBe((await unreadTotal(alice.id)) - 1); // sessions, not messages
    const total = await call(() => totalLoader({ request: request("/inbox/unread-total", { as: bob }), params: {}, context: {} }));
    expect(total.body).toMatchObject({ unread: await unreadTotal(bob.id), hidden: false });
  });

  it("filters: unread only, needs a human, user prefix, sort", async () => {
    expect((await page(bob, "&unread=1")).body.rows.map((r) => r.id)).toEqual([ids.waiting, ids.answered]);
    // Needs a human: the user wrote last and nobody answered for NEEDS_HUMAN_MINUTES (5).
    expect((await page(alice, "&needsHuman=1")).body.rows.map((r) => r.id)).toEqual([ids.waiting, ids.real]);
    expect((await page(alice, `&q=waiting-${tag}`)).body.rows.map((r) => r.id)).toEqual([ids.waiting]);
    expect((await page(alice, "&sort=user.asc")).body.rows.map((r) => r.id)).toEqual([ids.answered, ids.busy, ids.real, ids.waiting]);
  });

  it("never answers a bad URL with a 400 page: each bad value is a problem on the page, the rest of the view intact", async () => {
    const plain = (await page(alice)).body.rows.map((r) => r.id);
    for (const query of [
      "&sort=passwordHash.desc",
      "&sort=unread.desc",
      "&sort=user",
      "&status=deleted",
      "&assigned=someone",
      "&pageSize=1000",
      "&unread=yes",
      "&view=everything",
    ]) {
      const res = await page(alice, query);
      expect(res.status, query).toBe(200);
      const body = res.body as Page & { problems: { key: string; message: string }[] };
      expect(body.problems.length, query).toBeGreaterThan(0);
      expect(
        body.rows.map((r) => r.id),
        query,
      ).toEqual(plain);
    }
    // Unknown keys are ignored altogether (links from chat tools carry them).
    const tracked = await page(alice, "&utm_source=slack&fbclid=x");
    expect(tracked.status).toBe(200);
    expect((tracked.body as unknown as { problems: unknown[] }).problems).toEqual([]);
  });

  it("needs a signed-in operator", async () => {
    const res = await call(() => loader({ request: request("/inbox"), params: {}, context: {} }));
    expect(res.status).toBe(302);
  });
});

describe("inbox bulk actions", () => {
  it("assigns, labels and audits; filters by them", async () => {
    const assign = await post(alice, { intent: "assign", ids: [ids.busy!, ids.waiting!], assignee: "me" });
    expect(assign.status).toBe(302);
    expect(await auditCount("inbox.assign", ids.busy!)).toBe(1);
    expect((await page(alice, "&assigned=me")).body.rows.map((r) => r.id)).toEqual([ids.busy, ids.waiting]);
    expect((await page(bob, "&assigned=none")).body.rows.map((r) => r.id)).toEqual([ids.answered, ids.real]);

    expect((await post(alice, { intent: "assign", ids: [ids.busy!], assignee: bob.id })).status).toBe(302);
    expect((await page(bob, "&assigned=me")).body.rows.map((r) => r.id)).toEqual([ids.busy]);
    expect((await post(alice, { intent: "assign", ids: [ids.busy!], assignee: "no-such-operator" })).status).toBe(400);

    expect((await post(bob, { intent: "label-add", ids: [ids.answered!], label: "billing" })).status).toBe(302);
    expect((await post(bob, { intent: "label-add", ids: [ids.answered!], label: "billing" })).status).toBe(302); // idempotent
    expect(await auditCount("inbox.label_add", ids.answered!)).toBe(2);
    const labelled = await page(alice, "&label=billing");
    expect(labelled.body.rows.map((r) => [r.id, r.labels])).toEqual([[ids.answered, ["billing"]]]);
    expect((await post(bob, { intent: "label-remove", ids: [ids.answered!], label: "billing" })).status).toBe(302);
    expect((await page(alice, "&label=billing")).body.rows).toEqual([]);
  });

  it("refuses assign, label and archive to auditors (403, nothing written), but lets them mark read", async () => {
    const before = await (await db()).auditEvent.count({ where: { actorId: auditor.id } });
    const refused: Record<string, string | string[]>[] = [
      { intent: "assign", ids: [ids.answered!], assignee: "me" },
      { intent: "label-add", ids: [ids.answered!], label: "x" },
      { intent: "archive", ids: [ids.real!], confirm: "archive" },
    ];
    for (const form of refused) {
      expect((await post(auditor, form)).status).toBe(403);
    }
    expect(await (await db()).sessionLabel.count({ where: { sessionId: ids.answered!, label: "x" } })).toBe(0);
    expect(await (await db()).auditEvent.count({ where: { actorId: auditor.id } })).toBe(before);

    expect((await post(auditor, { intent: "mark-read", ids: [ids.waiting!, ids.answered!] })).status).toBe(302);
    expect(await auditCount("inbox.mark_read", ids.waiting!)).toBe(1);
    expect((await page(auditor, "&unread=1")).body.rows.map((r) => r.id)).toEqual([ids.busy]);
  });

  it("marks one session unread (the last message becomes unread again)", async () => {
    expect((await post(alice, { intent: "mark-read", ids: [ids.waiting!] })).status).toBe(302);
    expect((await post(alice, { intent: "mark-unread", ids: [ids.waiting!, ids.busy!] })).status).toBe(400);
    expect((await post(alice, { intent: "mark-unread", ids: [ids.waiting!] })).status).toBe(302);
    expect((await page(alice, `&q=waiting-${tag}`)).body.rows[0]!.unread).toBe(1);
    expect(await auditCount("inbox.mark_unread", ids.waiting!)).toBe(1);
  });

  it("rejects bad input with 400 and field errors, writing nothing", async () => {
    const none = await post(alice, { intent: "assign", assignee: "me" });
    expect(none.status).toBe(400);
    // conform's reply: the field named, with the schema's message.
    expect((none.body as { error: Record<string, string[]> }).error.ids).toEqual(["select at least one session"]);
    const unknown = await post(alice, { intent: "explode", ids: [ids.busy!] });
    expect(unknown.status).toBe(400);
    expect(
      Object.values((unknown.body as { error: Record<string, string[]> }).error)
        .flat()
        .join(" "),
    ).toMatch(/[A-Za-z]{3}/);
    const script = await post(alice, { intent: "label-add", ids: [ids.busy!], label: "<script>" });
    expect(script.status).toBe(400);
    expect((script.body as { error: Record<string, string[]> }).error.label).toEqual(["may use letters, digits, space and . : _ -"]);
    expect(await (await db()).sessionLabel.count({ where: { sessionId: ids.busy!, label: "<script>" } })).toBe(0);
    expect((await post(alice, { intent: "mark-read", ids: ["does-not-exist"] })).status).toBe(404);
  });

  it("archives in FleetLM only after confirmation, and audits it", async () => {
    const unconfirmed = await post(alice, { intent: "archive", ids: [ids.real!] });
    expect(unconfirmed.status).toBe(400);
    expect((await new FleetLMRest({ baseUrl: dev.url }).getSession(ids.real!)).status).toBe("active");
    expect((await post(alice, { intent: "archive", ids: [ids.real!], confirm: "archive" })).status).toBe(302);
    expect((await new FleetLMRest({ baseUrl: dev.url }).getSession(ids.real!)).status).toBe("archived");
    expect(await auditCount("inbox.archive", ids.real!)).toBe(1);
    expect((await page(alice, "&status=archived")).body.rows.map((r) => r.id)).toEqual([ids.real]);
  });
});
