// Notifications (issue 17): which change raises which notification for whom, the per-operator choices (stored,
// zod-checked, audited), and the notifier on a bus: one `notify` per operator, only to that operator.
import { call, makeOperator, request, type TestOperator } from "../support/auth";
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { LiveBus, type Delivered } from "~/live/bus.server";
import type { SessionChangedEvent } from "~/live/events";
import { isVisible } from "~/live/sse.server";
import { notificationsFor, startNotifier, type NotifierMemory } from "~/notifications/notifier.server";
import { DEFAULT_NOTIFICATION_PREFS, notificationPrefs } from "~/notifications/preferences.server";
import { action, loader } from "~/routes/account";

let holder: TestOperator;
let assignee: TestOperator;
let bystander: TestOperator;
let auditor: TestOperator;

beforeAll(async () => {
  [holder, assignee, bystander, auditor] = await Promise.all([
    makeOperator("operator", { name: "Hana Holder" }),
    makeOperator("operator", { name: "Asa Assignee" }),
    makeOperator("operator", { name: "Bea Bystander" }),
    makeOperator("auditor"),
  ]);
});

async function session(data: { state?: string; assigneeId?: string | null; lastSenderRole?: string; userCount?: number; held?: string } = {}) {
  const id = `notify-${randomUUID().slice(0, 8)}`;
  const prisma = await db();
  await prisma.sessionIndex.create({
    data: {
      id,
      userId: `user-${id}`,
      agentId: "agent-notify",
      status: "active",
      createdAt: new Date(),
      headSeq: 3,
      userCount: data.userCount ?? 1,
      lastSenderRole: data.lastSenderRole ?? "user",
      lastActivityAt: new Date(),
      lastPreview: "Where is my parcel?",
      state: data.state ?? "pending",
      stateChangedAt: new Date(),
      assigneeId: data.assigneeId ?? null,
    },
  });
  if (data.held) await prisma.takeover.create({ data: { sessionId: id, activeSessionId: id, operatorId: data.held } });
  return id;
}

async function userWrites(id: string, extra: { state?: string } = {}) {
  const prisma = await db();
  const row = await prisma.sessionIndex.update({
    where: { id },
    data: { headSeq: { increment: 1 }, userCount: { increment: 1 }, lastSenderRole: "user", lastActivityAt: new Date(), ...extra, stateChangedAt: new Date() },
  });
  return changed(row.id, row.headSeq);
}

function changed(sessionId: string, headSeq = 3): SessionChangedEvent {
  return {
    type: "session.changed",
    sessionId,
    userId: `user-${sessionId}`,
    agentId: "agent-notify",
    headSeq,
    lastActivityAt: null,
    lastSenderRole: "user",
    lastPreview: null,
  };
}

const audiences = (items: { audience: string; event: { reason: string } }[]) => items.map((i) => [i.audience, i.event.reason]).sort();

describe("who is told what", () => {
  it("a new user message in a held and assigned session tells the holder and the assignee, once", async () => {
    const id = await session({ held: holder.id, assigneeId: assignee.id });
    const memory: NotifierMemory = new Map();
    const first = await notificationsFor(changed(id), memory);
    expect(audiences(first)).toEqual(
      [
        [assignee.id, "message"],
        [holder.id, "message"],
      ].sort(),
    );
    expect(first[0]!.event).toMatchObject({
      type: "notify",
      sessionId: id,
      title: `New message from user-${id}`,
      body: "Where is my parcel?",
      seq: 3,
      sound: false,
    });
    // The same change again (an assignment, a label) is not a new message.
    expect(await notificationsFor(changed(id), memory)).toEqual([]);
    expect(audiences(await notificationsFor(await userWrites(id), memory))).toHaveLength(2);
  });

  it("nobody is told of an agent's reply, or of a message in a session nobody holds or is assigned", async () => {
    const agentLast = await session({ held: holder.id, lastSenderRole: "agent" });
    expect(await notificationsFor(changed(agentLast), new Map())).toEqual([]);
    const nobodys = await session();
    expect(await notificationsFor(changed(nobodys), new Map())).toEqual([]);
  });

  it("a session entering waiting on a human tells everyone who can pick it up (not auditors), once", async () => {
    const id = await session();
    const memory: NotifierMemory = new Map();
    expect(await notificationsFor(changed(id), memory)).toEqual([]);
    const told = await notificationsFor(await userWrites(id, { state: "waiting" }), memory);
    const ids = told.map((item) => item.audience);
    expect(ids).toEqual(expect.arrayContaining([holder.id, assignee.id, bystander.id]));
    expect(ids).not.toContain(auditor.id);
    expect(told.every((item) => item.event.reason === "waiting" && item.event.title === `Waiting on a human: user-${id}`)).toBe(true);
    // Still waiting: no second wait notification.
    const again = await notificationsFor(await userWrites(id), memory);
    expect(again.filter((item) => item.event.reason === "waiting")).toEqual([]);
  });

  it("the holder of a session that starts waiting gets one notification, the message one", async () => {
    const id = await session({ held: holder.id });
    const memory: NotifierMemory = new Map();
    await notificationsFor(changed(id), memory);
    const told = await notificationsFor(await userWrites(id, { state: "waiting" }), memory);
    expect(told.filter((item) => item.audience === holder.id).map((item) => item.event.reason)).toEqual(["message"]);
  });

  it("follows each operator's choices: off means not told; sound is carried", async () => {
    const id = await session({ held: holder.id, assigneeId: assignee.id });
    const prisma = await db();
    await prisma.notificationPreference.create({ data: { operatorId: assignee.id, mine: false, waiting: true, sound: false } });
    await prisma.notificationPreference.upsert({
      where: { operatorId: holder.id },
      create: { operatorId: holder.id, mine: true, waiting: true, sound: true },
      update: { sound: true },
    });
    const told = await notificationsFor(changed(id), new Map());
    expect(told.map((item) => [item.audience, item.event.sound])).toEqual([[holder.id, true]]);
    await prisma.notificationPreference.deleteMany({ where: { operatorId: { in: [holder.id, assignee.id] } } });
  });

  it("a deactivated holder is not told", async () => {
    const gone = await makeOperator("operator");
    const id = await session({ held: gone.id });
    await (await db()).operator.update({ where: { id: gone.id }, data: { active: false } });
    expect(await notificationsFor(changed(id), new Map())).toEqual([]);
  });

  it("a holder whose claim has idled out is not told; one active a moment ago is", async () => {
    const idle = await session({ held: holder.id });
    const lapsed = new Date(Date.now() - 16 * 60_000); // TAKEOVER_IDLE_MINUTES is 15
    await (await db()).takeover.updateMany({ where: { activeSessionId: idle }, data: { lastActivityAt: lapsed } });
    expect(await notificationsFor(changed(idle), new Map())).toEqual([]);
    const active = await session({ held: holder.id });
    expect(audiences(await notificationsFor(changed(active), new Map()))).toEqual([[holder.id, "message"]]);
  });
});

describe("on the bus", () => {
  it("publishes one notify per operator with that operator as the audience, which only their tabs see", async () => {
    const bus = new LiveBus();
    const stop = startNotifier(bus);
    const got: Delivered[] = [];
    bus.subscribe((delivered) => delivered.event.type === "notify" && got.push(delivered));
    const id = await session({ held: holder.id });
    bus.publish(changed(id));
    await expect.poll(() => got.length).toBe(1);
    stop();
    expect(got[0]!.audience).toBe(holder.id);
    expect(isVisible(got[0]!, { operatorId: holder.id, watched: new Set() })).toBe(true);
    expect(isVisible(got[0]!, { operatorId: bystander.id, watched: new Set() })).toBe(false);
    expect(isVisible({ id: 1, event: got[0]!.event }, { operatorId: holder.id, watched: new Set() })).toBe(false);
  });
});

describe("the setting on /account", () => {
  const post = (as: TestOperator, form: Record<string, string>) => call(() => action({ request: request("/account", { as, form }), params: {}, context: {} }));
  const load = (as: TestOperator) => call(() => loader({ request: request("/account", { as }), params: {}, context: {} }));

  it("defaults, saves what was ticked (unticked = off), audits, and shows it on the page", async () => {
    const me = await makeOperator("operator");
    expect((await load(me)).body).toMatchObject({ notifications: DEFAULT_NOTIFICATION_PREFS });
    const saved = await post(me, { intent: "notifications", waiting: "on", sound: "on" });
    expect(saved.status).toBe(302);
    expect(await notificationPrefs(me.id)).toEqual({ mine: false, waiting: true, sound: true });
    expect((await load(me)).body).toMatchObject({ notifications: { mine: false, waiting: true, sound: true } });
    const audits = await (await db()).auditEvent.findMany({ where: { actorId: me.id, action: "account.notifications" } });
    expect(audits).toHaveLength(1);
  });

  it("bad input is a 400 and nothing is written", async () => {
    const me = await makeOperator("operator");
    const refused = await post(me, { intent: "notifications", mine: "maybe" });
    expect(refused.status).toBe(400);
    expect(await (await db()).notificationPreference.findUnique({ where: { operatorId: me.id } })).toBeNull();
  });
});
