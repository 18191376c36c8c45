// Conversation states and handoff signals (issue 16, ADR 102): every transition of the state machine, reopen on a
// new user message, snooze expiry, the handoff rules (agent metadata, data-handoff part, the admin's phrases, the
// unanswered time), round-robin under the cap, and bad input to the actions.
import { call, makeOperator, request, type TestOperator } from "../support/auth";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { agentHandoff, phraseIn, transition, type Conversation } from "~/inbox/conversation-state";
import { resetInboxSettingsCache, saveInboxSettings } from "~/inbox/inbox-settings.server";
import { parseInboxParams, queryInbox, waitingTotal } from "~/inbox/inbox-query.server";
import { applyMessages } from "~/inbox/session-index.server";
import { expireSnoozes, roundRobinAssignees } from "~/inbox/state-actions.server";
import { action } from "~/routes/inbox";
import { current, indexedSession, message } from "./support/index-fixture";

const t0 = new Date("2026-12-01T10:00:00Z");
const base: Conversation = { state: "pending", waitingSince: null, handoffReason: null, snoozedUntil: null };
const phrases = ["talk to a person", "human please"];
let op: TestOperator;
let auditor: TestOperator;

beforeAll(async () => {
  [op, auditor] = [await makeOperator("operator"), await makeOperator("auditor")];
});

describe("the state machine", () => {
  it("a user message starts the wait; an AI reply does not end it; a human reply does", () => {
    const asked = transition(base, { type: "user-message", at: t0, text: "hello", phrases });
    expect(asked).toMatchObject({ state: "pending", waitingSince: t0 });
    const later = transition(asked, { type: "user-message", at: new Date(t0.getTime() + 60_000), text: "hi again", phrases });
    expect(later.waitingSince).toEqual(t0); // since the first unanswered message
    expect(transition(later, { type: "agent-message", handoff: null })).toEqual(later);
    expect(transition(later, { type: "operator-message" })).toMatchObject({ state: "open", waitingSince: null, handoffReason: null });
  });

  it("handoff signals put a session waiting on a human, with the reason", () => {
    expect(transition(base, { type: "user-message", at: t0, text: "Can I TALK to a   person?", phrases })).toMatchObject({
      state: "waiting",
      handoffReason: expect.stringContaining("talk to a person"),
    });
    expect(transition(base, { type: "agent-message", handoff: "refund over limit" })).toMatchObject({
      state: "waiting",
      handoffReason: "The AI asked for a human: refund over limit",
    });
    expect(transition(base, { type: "agent-message", handoff: "" })).toMatchObject({ state: "waiting", handoffReason: "The AI asked for a human" });
    // A human already has it: a signal changes nothing.
    const open = { ...base, state: "open" as const };
    expect(transition(open, { type: "agent-message", handoff: "x" }).state).toBe("open");
    expect(transition(open, { type: "user-message", at: t0, text: "human please", phrases }).state).toBe("open");
  });

  it("operators set every state; snoozing needs a future time; resolve clears the wait", () => {
    const waiting = { ...base, state: "waiting" as const, waitingSince: t0, handoffReason: "r" };
    expect(transition(waiting, { type: "set", to: "open", by: "op" }).state).toBe("open");
    expect(transition(waiting, { type: "set", to: "pending", by: "op" }).state).toBe("pending");
    expect(transition(waiting, { type: "set", to: "resolved", by: "op" })).toMatchObject({ state: "resolved", waitingSince: null, handoffReason: null });
    expect(transition(base, { type: "set", to: "waiting", by: "op" })).toMatchObject({ state: "waiting", handoffReason: "Marked as waiting on a human" });
    const until = new Date(t0.getTime() + 3_600_000);
    expect(transition(base, { type: "snooze", until, now: t0, by: "op" })).toMatchObject({ state: "snoozed", snoozedUntil: until });
    expect(transition(base, { type: "snooze", until: t0, now: t0, by: "op" })).toEqual(base);
  });

  it("a new user message reopens a resolved or snoozed session; a snooze expires only when due", () => {
    for (const state of ["resolved", "snoozed"] as const) {
      const c = { ...base, state, snoozedUntil: state === "snoozed" ? new Date(t0.getTime() + 1e6) : null };
      expect(transition(c, { type: "user-message", at: t0, text: "back again", phrases })).toMatchObject({ state: "pending", snoozedUntil: null });
      expect(transition(c, { type: "user-message", at: t0, text: "talk to a person", phrases }).state).toBe("waiting");
    }
    const snoozed = { ...base, state: "snoozed" as const, snoozedUntil: new Date(t0.getTime() + 60_000) };
    expect(transition(snoozed, { type: "snooze-expired", now: t0 }).state).toBe("snoozed");
    expect(transition(snoozed, { type: "snooze-expired", now: new Date(t0.getTime() + 60_000) })).toMatchObject({ state: "pending", snoozedUntil: null });
  });

  it("reads the agent's request from metadata or a data-handoff part, and nothing else", () => {
    expect(agentHandoff({ metadata: { handoff: true, handoff_reason: "angry\u0000user" } })).toBe("angry user");
    expect(agentHandoff({ metadata: { handoff: "true" } })).toBeNull();
    expect(
      agentHandoff({
        content: {
          parts: [
            { type: "text", text: "hi" },
            { type: "data-handoff", data: { reason: "billing" } },
          ],
        },
      }),
    ).toBe("billing");
    expect(agentHandoff({ content: { parts: [{ type: "data-other" }] } })).toBeNull();
    expect(phraseIn("I'd like a HUMAN PLEASE", phrases)).toBe("human please");
    expect(phraseIn("humane please", phrases)).toBeNull();
  });
});

describe("signals through the index sync", () => {
  const inWaiting = async (sessionId: string) =>
    (await queryInbox(parseInboxParams(new URLSearchParams(`view=waiting&q=${sessionId}`)), op.id)).rows.find((r) => r.id === sessionId);

  it("a user asking for a person puts the session in Waiting on a human with the reason, and the audit log says so", async () => {
    await saveInboxSettings({ handoffPhrases: ["Talk To A Human"], unansweredMinutes: 5, assignCap: 20 });
    const s = await indexedSession();
    await applyMessages(await current(s.id), [
      message(s, 1, "user", "hi"),
      message(s, 2, "agent", "hello!"),
      message(s, 3, "user", "can I talk to a human?"),
      message(s, 4, "agent", "sure"),
    ]);
    expect(await inWaiting(s.id)).toMatchObject({ state: "waiting", handoffReason: expect.stringContaining("talk to a human") });
    expect(await (await db()).auditEvent.findFirst({ where: { action: "inbox.state", targetId: s.id } })).toMatchObject({ actorId: null });
    expect((await waitingTotal(op.id)).total).toBeGreaterThanOrEqual(1);
  });

  it("the agent's metadata handoff and data-handoff part both count", async () => {
    const a = await indexedSession();
    await applyMessages(await current(a.id), [
      message(a, 1, "user", "refund?"),
      message(a, 2, "agent", "one moment", { handoff: true, reason: "refund policy" }),
    ]);
    expect(await inWaiting(a.id)).toMatchObject({ handoffReason: "The AI asked for a human: refund policy" });
    const b = await indexedSession();
    const reply = message(b, 2, "agent", "handing over");
    (reply as { content: Record<string, unknown> }).content = {
      parts: [
        { type: "text", text: "handing over" },
        { type: "data-handoff", data: { reason: "legal" } },
      ],
    };
    await applyMessages(await current(b.id), [message(b, 1, "user", "a question"), reply]);
    expect(await inWaiting(b.id)).toMatchObject({ handoffReason: "The AI asked for a human: legal" });
  });

  it("a user message left unanswered past the admin's time waits on a human; an answered one does not", async () => {
    resetInboxSettingsCache();
    const old = await indexedSession();
    const stale = message(old, 1, "user", "anyone?");
    stale.insertedAt = new Date(Date.now() - 10 * 60_000);
    await applyMessages(await current(old.id), [stale]);
    expect(await inWaiting(old.id)).toBeDefined();
    const answered = await indexedSession();
    const q = message(answered, 1, "user", "anyone?");
    q.insertedAt = new Date(Date.now() - 10 * 60_000);
    await applyMessages(await current(answered.id), [q, message(answered, 2, "agent", "yes")]);
    expect(await inWaiting(answered.id)).toBeUndefined();
  });
});

describe("state actions", () => {
  const post = (as: TestOperator, form: Record<string, string | string[]>) =>
    call(() => action({ request: request("/inbox", { as, form }), params: {}, context: {} }));

  it("resolve, snooze and their expiry are audited; a new user message reopens", async () => {
    const s = await indexedSession();
    await applyMessages(await current(s.id), [message(s, 1, "user", "hello")]);
    expect((await post(op, { intent: "set-state", ids: [s.id], state: "resolved" })).status).toBe(302);
    expect((await current(s.id)) && (await (await db()).sessionIndex.findUnique({ where: { id: s.id } }))!.state).toBe("resolved");
    await applyMessages(await current(s.id), [message(s, 2, "user", "one more thing")]);
    expect((await (await db()).sessionIndex.findUnique({ where: { id: s.id } }))!.state).toBe("pending");

    expect((await post(op, { intent: "snooze", ids: [s.id], minutes: "60" })).status).toBe(302);
    const snoozed = await (await db()).sessionIndex.findUnique({ where: { id: s.id } });
    expect(snoozed).toMatchObject({ state: "snoozed" });
    expect(await expireSnoozes(new Date())).not.toContain(s.id);
    expect(await expireSnoozes(new Date(snoozed!.snoozedUntil!.getTime() + 1))).toContain(s.id);
    expect((await (await db()).sessionIndex.findUnique({ where: { id: s.id } }))!.state).toBe("pending");
    const actions = await (await db()).auditEvent.findMany({ where: { action: "inbox.state", targetId: s.id }, orderBy: { id: "asc" } });
    expect(actions.map((a) => JSON.parse(a.details).to)).toEqual(["resolved", "pending", "snoozed", "pending"]);
  });

  it("bad input is a 400 with the reason and writes nothing; auditors are refused", async () => {
    const s = await indexedSession();
    const before = await (await db()).auditEvent.count();
    const forms: Record<string, string | string[]>[] = [
      { intent: "set-state", ids: [s.id], state: "deleted" },
      { intent: "snooze", ids: [s.id], minutes: "1" },
      { intent: "snooze", ids: [s.id], minutes: "soon" },
      { intent: "snooze", ids: [s.id], minutes: "99999999" },
      { intent: "set-state", state: "open" },
    ];
    for (const form of forms) {
      expect((await post(op, form)).status, JSON.stringify(form)).toBe(400);
    }
    expect((await post(auditor, { intent: "set-state", ids: [s.id], state: "resolved" })).status).toBe(403);
    expect(await (await db()).auditEvent.count()).toBe(before);
    expect((await (await db()).sessionIndex.findUnique({ where: { id: s.id } }))!.state).toBe("pending");
  });

  it("round-robin spreads sessions over signed-in operators under the cap, and says when nobody can take more", async () => {
    const prisma = await db();
    await saveInboxSettings({ handoffPhrases: [], unansweredMinutes: 5, assignCap: 1 });
    // Everyone signed in already has one open assignment: at a cap of 1 nobody can take more.
    const signedIn = await prisma.operator.findMany({
      where: { active: true, role: { in: ["admin", "operator"] }, sessions: { some: { expiresAt: { gt: new Date() } } } },
      select: { id: true },
    });
    for (const o of signedIn) {
      const s = await indexedSession();
      await prisma.sessionIndex.update({ where: { id: s.id }, data: { assigneeId: o.id } });
    }
    expect(await roundRobinAssignees(1)).toBeNull();
    const fresh = await makeOperator("operator");
    const s1 = await indexedSession();
    const s2 = await indexedSession();
    const res = await post(op, { intent: "assign", ids: [s1.id, s2.id], assignee: "round-robin" });
    expect(res.status).toBe(400); // one assigned, one left: said plainly
    // The server's verdict is the form's error in conform's reply (under "").
    expect((res.body as { error: Record<string, string[]> }).error[""]?.[0]).toMatch(/1 left unassigned/);
    const assigned = await prisma.sessionIndex.findMany({ where: { id: { in: [s1.id, s2.id] } }, select: { assigneeId: true } });
    expect(assigned.filter((a) => a.assigneeId === fresh.id)).toHaveLength(1);
    await saveInboxSettings({ handoffPhrases: ["talk to a person"], unansweredMinutes: 5, assignCap: 20 });
  });
});

describe("admin inbox settings", () => {
  it("admins save phrases, time and cap (audited); bad values are a 400 listing them; others are refused", async () => {
    const { action: settingsAction, loader: settingsLoader } = await import("~/routes/admin.inbox");
    const admin = await makeOperator("admin");
    const post = (as: TestOperator, form: Record<string, string>) =>
      call(() => settingsAction({ request: request("/admin/inbox", { as, form }), params: {}, context: {} }));
    expect((await post(op, { handoffPhrases: "x y", unansweredMinutes: "5", assignCap: "3" })).status).toBe(403);
    const bad = await post(admin, { handoffPhrases: "ok phrase\nx", unansweredMinutes: "0", assignCap: "many" });
    expect(bad.status).toBe(400);
    // conform's reply (ADR 190): each refused field under its name, the bad phrase by its line in the textarea.
    expect((bad.body as { error: Record<string, string[]> }).error).toMatchObject({
      handoffPhrases: [expect.stringMatching(/^line 2: /)],
      unansweredMinutes: ["at least 1 minute"],
      assignCap: [expect.any(String)],
    });
    const good = await post(admin, { handoffPhrases: "Speak To Someone\n\nreal person", unansweredMinutes: "7", assignCap: "3" });
    expect(good.status).toBe(200);
    resetInboxSettingsCache();
    const loaded = await call(() => settingsLoader({ request: request("/admin/inbox", { as: admin }), params: {}, context: {} }));
    expect(loaded.body).toMatchObject({ settings: { handoffPhrases: ["speak to someone", "real person"], unansweredMinutes: 7, assignCap: 3 } });
    expect(await (await db()).auditEvent.count({ where: { action: "inbox.settings", actorId: admin.id } })).toBe(1);
    await saveInboxSettings({ handoffPhrases: ["talk to a person"], unansweredMinutes: 5, assignCap: 20 });
  });
});
