import { call, makeOperator, request, type TestOperator } from "../support/auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { liveBus } from "~/live/bus.server";
import type { TakeoverEvent } from "~/live/events";
import { action as logoutAction } from "~/routes/logout";
import { endOperatorSessions } from "~/operators/operators.server";
import { activeTakeover, expireIdleTakeovers } from "~/takeover/takeover.server";
import { newSession, panel, startWorld, takeover, type World } from "./support";

let world: World;
let alice: TestOperator;
let bob: TestOperator;
let admin: TestOperator;
let auditor: TestOperator;

beforeAll(async () => {
  world = await startWorld();
  [alice, bob, admin, auditor] = await Promise.all([makeOperator("operator"), makeOperator("operator"), makeOperator("admin"), makeOperator("auditor")]);
});
afterAll(async () => {
  await world.server.close();
});

async function activeRows(sessionId: string) {
  return (await db()).takeover.findMany({ where: { sessionId, activeSessionId: { not: null } } });
}
async function auditActions(sessionId: string) {
  const rows = await (await db()).auditEvent.findMany({ where: { targetId: sessionId }, orderBy: { id: "asc" } });
  return rows.map((r) => r.action);
}

describe("claiming a session", () => {
  it("gives the claim to the first operator; the second learns who holds it (409)", async () => {
    const { id } = await newSession(world);
    const first = await takeover(alice, id, { intent: "claim", reason: "angry customer" });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ ok: true, takeover: { holder: { id: alice.id, name: alice.name }, reason: "angry customer" } });
    const second = await takeover(bob, id, { intent: "claim" });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ ok: false, holder: { id: alice.id, name: alice.name } });
    expect((second.body as { reason: string }).reason).toContain(alice.name);
    const view = await panel(bob, id);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      takeover: { holder: { id: alice.id } },
      timeline: [{ operator: { id: alice.id }, reason: "angry customer", active: true }],
    });
    expect(await auditActions(id)).toEqual(["takeover.claim"]);
  });

  it("claiming again while holding is a no-op success", async () => {
    const { id } = await newSession(world);
    await takeover(alice, id, { intent: "claim" });
    const again = await takeover(alice, id, { intent: "claim" });
    expect(again.status).toBe(200);
    expect(await activeRows(id)).toHaveLength(1);
  });

  it("100 rounds of two operators claiming at once: exactly one winner each round", async () => {
    const { id } = await newSession(world);
    const wins = { alice: 0, bob: 0 };
    for (let round = 0; round < 100; round++) {
      const [a, b] = await Promise.all([takeover(alice, id, { intent: "claim" }), takeover(bob, id, { intent: "claim" })]);
      const statuses = [a.status, b.status].sort();
      expect(statuses, `round ${round}`).toEqual([200, 409]);
      const winner = a.status === 200 ? alice : bob;
      const loser = winner === alice ? b : a;
      expect((loser.body as { holder: { id: string } }).holder.id).toBe(winner.id);
      expect(await activeRows(id)).toHaveLength(1);
      wins[winner === alice ? "alice" : "bob"] += 1;
      expect((await takeover(winner, id, { intent: "release" })).status).toBe(200);
    }
    expect(wins.alice + wins.bob).toBe(100);
    const prisma = await db();
    expect(await prisma.takeover.count({ where: { sessionId: id } })).toBe(100);
    expect(await prisma.auditEvent.count({ where: { targetId: id, action: "takeover.claim" } })).toBe(100);
  });

  it("refuses an unknown session with 404 and writes nothing", async () => {
    const res = await takeover(alice, "no-such-session", { intent: "claim" });
    expect(res.status).toBe(404);
    expect(await (await db()).takeover.count({ where: { sessionId: "no-such-session" } })).toBe(0);
  });

  it("refuses bad input with 400 and field errors", async () => {
    const { id } = await newSession(world);
    const unknown = await takeover(alice, id, { intent: "steal" });
    expect(unknown.status).toBe(400);
    const long = await takeover(alice, id, { intent: "claim", reason: "x".repeat(501) });
    expect(long.status).toBe(400);
    // conform's reply, with the panel's own notice around it.
    expect(long.body).toMatchObject({
      ok: false,
      intent: "invalid",
      status: "error",
      error: { reason: ["At most 500 characters"] },
      reason: "At most 500 characters",
    });
    expect(await activeRows(id)).toHaveLength(0);
  });

  it("refuses a cross-site POST (403)", async () => {
    const { id } = await newSession(world);
    const res = await takeover(alice, id, { intent: "claim" }, null);
    expect(res.status).toBe(403);
    expect(await activeRows(id)).toHaveLength(0);
  });

  it("auditors cannot take over or send (403) but can see who holds a session", async () => {
    const { id } = await newSession(world);
    expect((await takeover(auditor, id, { intent: "claim" })).status).toBe(403);
    expect((await takeover(auditor, id, { intent: "send", clientMessageId: "auditor-0001", body: "hi" })).status).toBe(403);
    expect(await activeRows(id)).toHaveLength(0);
    await takeover(alice, id, { intent: "claim" });
    const view = await panel(auditor, id);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ takeover: { holder: { id: alice.id } } });
    expect((await takeover(auditor, id, { intent: "release" })).status).toBe(403);
    expect((await takeover(auditor, id, { intent: "force-release" })).status).toBe(403);
    expect(await activeRows(id)).toHaveLength(1);
  });

  it("publishes takeover live events on claim and release", async () => {
    const { id } = await newSession(world);
    const seen: TakeoverEvent[] = [];
    const off = liveBus().subscribe(({ event }) => {
      if (event.type === "takeover" && event.sessionId === id) seen.push(event);
    });
    await takeover(alice, id, { intent: "claim" });
    await takeover(alice, id, { intent: "release" });
    off();
    expect(seen.map((e) => e.holder?.id ?? null)).toEqual([alice.id, null]);
    expect(seen[0]!.expiresAt).not.toBeNull();
  });
});

describe("handing back", () => {
  it("only the holder can hand back; the row records when and how", async () => {
    const { id } = await newSession(world);
    await takeover(alice, id, { intent: "claim" });
    expect((await takeover(bob, id, { intent: "release" })).status).toBe(409);
    const res = await takeover(alice, id, { intent: "release" });
    expect(res.status).toBe(200);
    const [row] = await (await db()).takeover.findMany({ where: { sessionId: id } });
    expect(row).toMatchObject({ activeSessionId: null, releaseReason: "handback", releasedById: alice.id });
    expect(row!.releasedAt).toBeInstanceOf(Date);
    expect(await auditActions(id)).toEqual(["takeover.claim", "takeover.release"]);
    // The session can be claimed again by someone else.
    expect((await takeover(bob, id, { intent: "claim" })).status).toBe(200);
  });

  it("only an admin can force-release", async () => {
    const { id } = await newSession(world);
    await takeover(alice, id, { intent: "claim" });
    expect((await takeover(bob, id, { intent: "force-release" })).status).toBe(403);
    const res = await takeover(admin, id, { intent: "force-release" });
    expect(res.status).toBe(200);
    const [row] = await (await db()).takeover.findMany({ where: { sessionId: id } });
    expect(row).toMatchObject({ activeSessionId: null, releaseReason: "forced", releasedById: admin.id });
    expect(await auditActions(id)).toEqual(["takeover.claim", "takeover.force_release"]);
    expect((await takeover(admin, id, { intent: "force-release" })).status).toBe(409);
    const timeline = (await panel(alice, id)).body as { timeline: { releaseReason: string; releasedBy: { id: string } }[] };
    expect(timeline.timeline[0]).toMatchObject({ releaseReason: "forced", releasedBy: { id: admin.id } });
  });
});

describe("expiry", () => {
  async function ageClaim(sessionId: string, minutes: number) {
    await (await db()).takeover.updateMany({ where: { activeSessionId: sessionId }, data: { lastActivityAt: new Date(Date.now() - minutes * 60_000) } });
  }

  it("expires a claim idle longer than TAKEOVER_IDLE_MINUTES when it is read", async () => {
    const { id } = await newSession(world);
    await takeover(alice, id, { intent: "claim" });
    await ageClaim(id, env().TAKEOVER_IDLE_MINUTES - 1);
    expect(await activeTakeover(id)).not.toBeNull();
    await ageClaim(id, env().TAKEOVER_IDLE_MINUTES + 1);
    expect(await activeTakeover(id)).toBeNull();
    const [row] = await (await db()).takeover.findMany({ where: { sessionId: id } });
    expect(row).toMatchObject({ activeSessionId: null, releaseReason: "expired" });
    expect(await auditActions(id)).toEqual(["takeover.claim", "takeover.expire"]);
    // An expired claim cannot send, and someone else can claim.
    expect((await takeover(alice, id, { intent: "send", clientMessageId: "expired-0001", body: "late" })).status).toBe(409);
    expect((await takeover(bob, id, { intent: "claim" })).status).toBe(200);
  });

  it("the sweep expires idle claims of sessions nobody reads", async () => {
    const { id } = await newSession(world);
    await takeover(alice, id, { intent: "claim" });
    await ageClaim(id, env().TAKEOVER_IDLE_MINUTES + 5);
    expect(await expireIdleTakeovers()).toBeGreaterThanOrEqual(1);
    expect(await activeRows(id)).toHaveLength(0);
  });

  it("a heartbeat from the holder pushes the expiry back; others cannot heartbeat", async () => {
    const { id } = await newSession(world);
    await takeover(alice, id, { intent: "claim" });
    await ageClaim(id, env().TAKEOVER_IDLE_MINUTES - 1);
    const before = (await activeTakeover(id))!.expiresAt;
    expect((await takeover(bob, id, { intent: "heartbeat" })).status).toBe(409);
    const beat = await takeover(alice, id, { intent: "heartbeat" });
    expect(beat.status).toBe(200);
    const after = (beat.body as { takeover: { expiresAt: string } }).takeover.expiresAt;
    expect(Date.parse(after)).toBeGreaterThan(Date.parse(before));
  });
});

describe("sign-out and deactivation", () => {
  it("signing out releases every takeover the operator holds", async () => {
    const carol = await makeOperator("operator");
    const s1 = await newSession(world);
    const s2 = await newSession(world);
    await takeover(carol, s1.id, { intent: "claim" });
    await takeover(carol, s2.id, { intent: "claim" });
    await takeover(alice, (await newSession(world)).id, { intent: "claim" });
    const res = await call(() => logoutAction({ request: request("/logout", { as: carol, method: "POST" }), params: {}, context: {} }));
    expect(res.status).toBe(302);
    const prisma = await db();
    const rows = await prisma.takeover.findMany({ where: { operatorId: carol.id } });
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatchObject({ activeSessionId: null, releaseReason: "signout" });
    expect(await auditActions(s1.id)).toEqual(["takeover.claim", "takeover.release"]);
    expect(await prisma.takeover.count({ where: { operatorId: alice.id, activeSessionId: { not: null } } })).toBeGreaterThan(0);
  });

  it("deactivation releases them with reason deactivated", async () => {
    const dave = await makeOperator("operator");
    const s = await newSession(world);
    await takeover(dave, s.id, { intent: "claim" });
    await endOperatorSessions(dave.id, "deactivated");
    const [row] = await (await db()).takeover.findMany({ where: { operatorId: dave.id } });
    expect(row).toMatchObject({ activeSessionId: null, releaseReason: "deactivated" });
  });
});
