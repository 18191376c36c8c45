// The optional join/leave message (ADR 160): off by default (nothing sent); when on, a message of the admin's
// kind appended as the agent on take over and hand back (and on force release, naming who left); the name as
// the end-user policy allows; not counted as the agent answering; the admin setting's roles and bad input.
import { call, makeOperator, request, type TestOperator } from "../support/auth";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { unansweredUserSeqs } from "~/agent-gate/missed-replies.server";
import { action, loader } from "~/routes/admin.settings";
import { DEFAULT_JOIN_LEAVE, JOIN_LEAVE_KEY, joinLeaveSetting, noticeText, setJoinLeave } from "~/settings/join-leave.server";
import { DEFAULT_OPERATOR_IDENTITY, OPERATOR_IDENTITY_KEY, setOperatorIdentityPolicy } from "~/settings/operator-identity.server";
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
  await setJoinLeave(DEFAULT_JOIN_LEAVE, admin);
  await setOperatorIdentityPolicy(DEFAULT_OPERATOR_IDENTITY, admin);
  await (await db()).consoleSetting.deleteMany({ where: { key: { in: [JOIN_LEAVE_KEY, OPERATOR_IDENTITY_KEY] } } });
});

const settings = (as: TestOperator, form?: Record<string, string>) =>
  form
    ? call(() => action({ request: request("/admin/settings", { as, form }), params: {}, context: {} }))
    : call(() => loader({ request: request("/admin/settings", { as }), params: {}, context: {} }));

const SILENT = "agent-join-leave"; // no webhook: only what the Console appends is there
const messagesOf = (sessionId: string) => world.rest.listMessages(sessionId, { limit: 100 });

describe("join and leave messages", () => {
  it("are off by default: a take over and hand back append nothing", async () => {
    const session = await newSession(world, SILENT);
    expect((await takeover(dana, session.id, { intent: "claim" })).status).toBe(200);
    expect((await takeover(dana, session.id, { intent: "release" })).status).toBe(200);
    expect(await messagesOf(session.id)).toEqual([]);
  });

  it("when on: the admin's kind and text as the agent, on take over, hand back and force release; the name per policy", async () => {
    await setJoinLeave({ enabled: true, kind: "event.person", join: "{name} from support joined", leave: "{name} left" }, admin);
    const session = await newSession(world, SILENT);
    await takeover(dana, session.id, { intent: "claim" });
    await takeover(dana, session.id, { intent: "claim" }); // already held: no second "joined"
    await takeover(dana, session.id, { intent: "release" });
    await takeover(dana, session.id, { intent: "claim" });
    await takeover(admin, session.id, { intent: "force-release" });
    const messages = await messagesOf(session.id);
    expect(messages.map((m) => [m.sender_id, m.kind, m.content.text, m.metadata])).toEqual([
      [SILENT, "event.person", "Dana from support joined", { source: "console", event: "operator_joined" }],
      [SILENT, "event.person", "Dana left", { source: "console", event: "operator_left" }],
      [SILENT, "event.person", "Dana from support joined", { source: "console", event: "operator_joined" }],
      [SILENT, "event.person", "Dana left", { source: "console", event: "operator_left" }], // Dana left, not the admin
    ]);

    await setOperatorIdentityPolicy("none", admin);
    const hidden = await newSession(world, SILENT);
    await takeover(dana, hidden.id, { intent: "claim" });
    expect((await messagesOf(hidden.id)).map((m) => m.content.text)).toEqual(["A person from support joined"]);
  });

  it("a leave notice is not the agent answering: the user's messages before it still count as missed", () => {
    const notice = { seq: 3, sender_id: "a", metadata: { source: "console", event: "operator_left" } };
    expect(unansweredUserSeqs([{ seq: 1, sender_id: "a" }, { seq: 2, sender_id: "u" }, notice], "u", "a")).toEqual([2]);
    expect(
      unansweredUserSeqs(
        [
          { seq: 1, sender_id: "u" },
          { seq: 2, sender_id: "a", metadata: { source: "agent" } },
        ],
        "u",
        "a",
      ),
    ).toEqual([]);
    expect(noticeText("{name} joined, {name}!", null)).toBe("A person joined, A person!");
  });
});

describe("the admin setting", () => {
  const form = { intent: "join-leave", enabled: "on", kind: "system", join: "{name} joined", leave: "{name} left" };

  it("admins save it (audited); operators and auditors are refused", async () => {
    expect((await settings(admin)).body).toMatchObject({ joinLeave: DEFAULT_JOIN_LEAVE });
    for (const who of [dana, auditor]) expect((await settings(who, form)).status).toBe(403);
    expect((await settings(admin, form)).status).toBe(302);
    expect(await joinLeaveSetting()).toEqual({ enabled: true, kind: "system", join: "{name} joined", leave: "{name} left" });
    const audits = await (await db()).auditEvent.findMany({ where: { actorId: admin.id, action: "settings.join_leave" } });
    expect(audits.length).toBeGreaterThanOrEqual(1);
    // Unticked means off.
    const { enabled: _enabled, ...off } = form;
    expect((await settings(admin, off)).status).toBe(302);
    expect((await joinLeaveSetting()).enabled).toBe(false);
  });

  it("bad input is a 400 with nothing written", async () => {
    const bad: Record<string, string>[] = [
      { ...form, kind: "assistant" },
      { ...form, kind: "Has Spaces" },
      { ...form, kind: "" },
      { ...form, join: "" },
      { ...form, leave: "x".repeat(201) },
      { ...form, join: "bell\u0007" },
      { ...form, enabled: "yes" },
    ];
    for (const input of bad) {
      const res = await settings(admin, input);
      expect(res.status, JSON.stringify(input)).toBe(400);
    }
    expect(await (await db()).consoleSetting.findUnique({ where: { key: JOIN_LEAVE_KEY } })).toBeNull();
  });
});
