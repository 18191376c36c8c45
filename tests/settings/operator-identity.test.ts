// What end users see of an operator (ADR 120): the policy's fields, the admin setting (roles, bad input, audit),
// and a real send and a real stopped reply through the FleetLM dev server under each policy.
import { call, makeOperator, request, type TestOperator } from "../support/auth";
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "~/db.server";
import { action, loader } from "~/routes/admin.settings";
import {
  DEFAULT_OPERATOR_IDENTITY,
  OPERATOR_IDENTITY_KEY,
  operatorIdentityPolicy,
  operatorMessageMetadata,
  setOperatorIdentityPolicy,
  stoppedByMetadata,
} from "~/settings/operator-identity.server";
import { newSession, startWorld, takeover, type World } from "../takeover/support";

let world: World;
let admin: TestOperator;
let dana: TestOperator;
let auditor: TestOperator;

beforeAll(async () => {
  world = await startWorld();
  [admin, dana, auditor] = await Promise.all([makeOperator("admin"), makeOperator("operator", { name: "Dana" }), makeOperator("auditor")]);
});
afterAll(() => world.server.close());
afterEach(async () => {
  await (await db()).consoleSetting.deleteMany({ where: { key: OPERATOR_IDENTITY_KEY } });
  await setOperatorIdentityPolicy(DEFAULT_OPERATOR_IDENTITY, admin); // also refreshes the in-process cache
  await (await db()).consoleSetting.deleteMany({ where: { key: OPERATOR_IDENTITY_KEY } });
});

const context = { operator: { id: "op-1", name: "Dana" }, takeoverId: "t-1", clientMessageId: "c-1" };
const settings = (as: TestOperator, form?: Record<string, string>) =>
  form
    ? call(() => action({ request: request("/admin/settings", { as, form }), params: {}, context: {} }))
    : call(() => loader({ request: request("/admin/settings", { as }), params: {}, context: {} }));

describe("the policy", () => {
  it("none / display name / full decide exactly which fields leave the Console", () => {
    expect(operatorMessageMetadata("none", context)).toEqual({ source: "operator", client_message_id: "c-1" });
    expect(operatorMessageMetadata("display-name", context)).toEqual({ source: "operator", operator_name: "Dana", client_message_id: "c-1" });
    expect(operatorMessageMetadata("full", context)).toEqual({
      source: "operator",
      operator_id: "op-1",
      operator_name: "Dana",
      takeover_id: "t-1",
      client_message_id: "c-1",
    });
    expect(stoppedByMetadata("none", context.operator)).toEqual({ source: "operator" });
    expect(stoppedByMetadata("display-name", context.operator)).toEqual({ source: "operator", operator_name: "Dana" });
    expect(stoppedByMetadata("full", context.operator)).toEqual({ source: "operator", operator_id: "op-1", operator_name: "Dana" });
  });

  it("defaults to the display name; an unknown stored value falls back to the default", async () => {
    expect(await operatorIdentityPolicy()).toBe("display-name");
    await setOperatorIdentityPolicy("none", admin);
    // A value this version does not know, written behind the Console's back: once the one-second cache of the
    // setting runs out, the default applies (not "none", not a crash).
    await (await db()).consoleSetting.update({ where: { key: OPERATOR_IDENTITY_KEY }, data: { value: "everything" } });
    await vi.waitFor(async () => expect(await operatorIdentityPolicy()).toBe("display-name"), { timeout: 5_000, interval: 100 });
  });
});

describe("the admin setting", () => {
  it("admins change it (audited); operators and auditors are refused; bad input is a 400 with nothing written", async () => {
    expect((await settings(admin)).body).toMatchObject({ operatorIdentity: "display-name" });
    for (const who of [dana, auditor]) {
      expect((await settings(who)).status).toBe(403);
      expect((await settings(who, { intent: "operator-identity", operatorIdentity: "full" })).status).toBe(403);
    }
    const forms: Record<string, string>[] = [
      { intent: "operator-identity", operatorIdentity: "everything" },
      { intent: "operator-identity" },
      { intent: "other", operatorIdentity: "none" },
    ];
    for (const form of forms) {
      const res = await settings(admin, form);
      expect(res.status).toBe(400);
    }
    expect(await (await db()).consoleSetting.count({ where: { key: OPERATOR_IDENTITY_KEY } })).toBe(0);

    const saved = await settings(admin, { intent: "operator-identity", operatorIdentity: "none" });
    expect(saved.status).toBe(302);
    expect(await operatorIdentityPolicy()).toBe("none");
    const audit = await (
      await db()
    ).auditEvent.findFirstOrThrow({ where: { action: "settings.operator_identity", actorId: admin.id }, orderBy: { at: "desc" } });
    expect(JSON.parse(audit.details)).toEqual({ from: "display-name", to: "none" });
  });
});

describe("what the end user receives", () => {
  it.each(["none", "display-name", "full"] as const)("a reply sent under %s", async (policy) => {
    await setOperatorIdentityPolicy(policy, admin);
    const session = await newSession(world);
    expect((await takeover(dana, session.id, { intent: "claim" })).status).toBe(200);
    const clientMessageId = randomUUID();
    expect((await takeover(dana, session.id, { intent: "send", clientMessageId, body: "Hi, a person here." })).status).toBe(200);
    const [message] = (await world.rest.listMessages(session.id)).filter((m) => m.metadata?.client_message_id === clientMessageId);
    const takeoverRow = await (await db()).takeover.findUniqueOrThrow({ where: { activeSessionId: session.id } });
    expect(message!.metadata).toEqual(
      operatorMessageMetadata(policy, { operator: { id: dana.id, name: "Dana" }, takeoverId: takeoverRow.id, clientMessageId }),
    );
  });
});
