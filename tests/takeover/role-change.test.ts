// A takeover must never outlive its holder's right to hold it: demoting the holder to auditor (who can neither
// send nor hand back) or deactivating them releases what they held, in the same transaction, audited as the
// admin's doing — and a claim racing the change either loses or is released by it.
import { call, makeOperator, request, type TestOperator } from "../support/auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { liveBus } from "~/live/bus.server";
import type { TakeoverEvent } from "~/live/events";
import { changeRole } from "~/operators/operators.server";
import { action as operatorsAction } from "~/routes/admin.operators";
import { newSession, startWorld, takeover, type World } from "./support";

let world: World;
let admin: TestOperator;

beforeAll(async () => {
  world = await startWorld();
  admin = await makeOperator("admin");
});
afterAll(async () => {
  await world.server.close();
});

const adminPost = (form: Record<string, string>) =>
  call(() => operatorsAction({ request: request("/admin/operators", { as: admin, form }), params: {}, context: {} }));
const held = async (operatorId: string) => (await db()).takeover.findMany({ where: { operatorId, activeSessionId: { not: null } } });
const releases = async (sessionId: string) =>
  (await (await db()).auditEvent.findMany({ where: { targetId: sessionId, action: "takeover.release" }, orderBy: { id: "asc" } })).map((r) => ({
    ...r,
    details: JSON.parse(r.details) as Record<string, unknown>,
  }));

describe("a role change releases what the new role cannot hold", () => {
  it("demoting a holder to auditor releases all their takeovers, audited as the admin, announced live", async () => {
    const holder = await makeOperator("operator");
    const s1 = await newSession(world);
    const s2 = await newSession(world);
    expect((await takeover(holder, s1.id, { intent: "claim" })).status).toBe(200);
    expect((await takeover(holder, s2.id, { intent: "claim" })).status).toBe(200);
    const seen: TakeoverEvent[] = [];
    const off = liveBus().subscribe(({ event }) => {
      if (event.type === "takeover") seen.push(event);
    });
    try {
      const res = await adminPost({ intent: "change-role", id: holder.id, role: "auditor" });
      expect(res.status).toBe(302);
    } finally {
      off();
    }
    expect(await held(holder.id)).toEqual([]);
    const rows = await (await db()).takeover.findMany({ where: { operatorId: holder.id } });
    for (const row of rows) expect(row).toMatchObject({ releaseReason: "role_change", releasedById: admin.id });
    for (const s of [s1, s2]) {
      const [audit] = await releases(s.id);
      expect(audit).toMatchObject({ actorId: admin.id, details: { reason: "role_change", holderId: holder.id, from: "operator", to: "auditor" } });
    }
    expect(
      seen
        .filter((e) => e.holder === null)
        .map((e) => e.sessionId)
        .sort(),
    ).toEqual([s1.id, s2.id].sort());
    // The session is free for someone else at once.
    const next = await makeOperator("operator");
    expect((await takeover(next, s1.id, { intent: "claim" })).status).toBe(200);
  });

  it("keeps the takeovers of a holder moved between roles that can hold them (operator → admin)", async () => {
    const holder = await makeOperator("operator");
    const s = await newSession(world);
    await takeover(holder, s.id, { intent: "claim" });
    await changeRole(admin, holder.id, "admin");
    expect(await held(holder.id)).toHaveLength(1);
    expect(await releases(s.id)).toEqual([]);
  });

  it("deactivating a holder releases their takeovers, audited as the admin", async () => {
    const holder = await makeOperator("operator");
    const s = await newSession(world);
    await takeover(holder, s.id, { intent: "claim" });
    expect((await adminPost({ intent: "deactivate", id: holder.id })).status).toBe(302);
    expect(await held(holder.id)).toEqual([]);
    const [row] = await (await db()).takeover.findMany({ where: { operatorId: holder.id } });
    expect(row).toMatchObject({ releaseReason: "deactivated", releasedById: admin.id });
    const audits = await releases(s.id);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorId: admin.id, details: { reason: "deactivated", holderId: holder.id } });
  });

  it("refuses a claim by someone whose role changed a moment ago (the guard's cached role is not trusted)", async () => {
    const holder = await makeOperator("operator");
    const s = await newSession(world);
    // The role changes in the database; the guard may still see "operator" for up to a second (ADR 035).
    await (await db()).operator.update({ where: { id: holder.id }, data: { role: "auditor" } });
    const { claimTakeover } = await import("~/takeover/takeover.server");
    const result = await claimTakeover({ sessionId: s.id, actor: { id: holder.id, email: holder.email, name: holder.name, role: "operator" } });
    expect(result).toMatchObject({ ok: false, status: 403 });
    expect(await held(holder.id)).toEqual([]);
  });

  it("a claim racing a demotion ends unheld, whichever runs first", async () => {
    for (let round = 0; round < 5; round++) {
      const holder = await makeOperator("operator");
      const s = await newSession(world);
      const [claim] = await Promise.all([takeover(holder, s.id, { intent: "claim" }), changeRole(admin, holder.id, "auditor")]);
      expect([200, 403]).toContain(claim.status);
      expect(await held(holder.id), `round ${round}, claim answered ${claim.status}`).toEqual([]);
    }
  });
});
