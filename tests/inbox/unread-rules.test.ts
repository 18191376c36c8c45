// Unread that means something (ADR 100): only the end user's messages past my cursor count; AI and teammates'
// replies are activity. The nav badge counts sessions and equals the rows of "My unread"; auditors opt in.
import { call, makeOperator, request, type TestOperator } from "../support/auth";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { queryInbox, parseInboxParams, resetUnreadTotalCache, unreadTotal } from "~/inbox/inbox-query.server";
import { advanceReadCursor, setReadCursor, unreadFor } from "~/inbox/read-cursor.server";
import { applyMessages } from "~/inbox/session-index.server";
import { action as badgeAction, loader as badgeLoader } from "~/routes/inbox.unread-total";
import { current, indexedSession, message } from "./support/index-fixture";

let alice: TestOperator;
let bob: TestOperator;

beforeAll(async () => {
  [alice, bob] = [await makeOperator("operator"), await makeOperator("operator")];
});

async function apply(sessionId: string, ...messages: ReturnType<typeof message>[]) {
  return applyMessages(await current(sessionId), messages);
}

async function myRow(operatorId: string, sessionId: string) {
  const { rows } = await queryInbox(parseInboxParams(new URL(`http://x/inbox?q=${encodeURIComponent(sessionId)}`)), operatorId);
  return rows.find((row) => row.id === sessionId)!;
}

describe("unread counts the end user's messages only", () => {
  it("AI and operator replies do not make a session unread; they show as new activity", async () => {
    const s = await indexedSession();
    await apply(s.id, message(s, 1, "user"), message(s, 2, "agent"), message(s, 3, "user"), message(s, 4, "operator"), message(s, 5, "agent"));
    expect(await unreadFor(alice.id, s.id)).toBe(2);
    expect((await current(s.id)).userCount).toBe(2);

    await advanceReadCursor(alice.id, s.id, 5);
    expect(await unreadFor(alice.id, s.id)).toBe(0);
    expect(await myRow(alice.id, s.id)).toMatchObject({ unread: 0, activity: false });

    await apply(s.id, message(s, 6, "agent"), message(s, 7, "operator"));
    expect(await unreadFor(alice.id, s.id)).toBe(0);
    expect(await myRow(alice.id, s.id)).toMatchObject({ unread: 0, activity: true });

    await apply(s.id, message(s, 8, "user"));
    expect(await unreadFor(alice.id, s.id)).toBe(1);
    expect(await myRow(alice.id, s.id)).toMatchObject({ unread: 1, activity: false });
    // Bob never read it: every user message counts for him, nothing else.
    expect(await unreadFor(bob.id, s.id)).toBe(3);
  });

  it("a cursor set below the head counts the user messages above it (mark unread)", async () => {
    const s = await indexedSession();
    await apply(s.id, message(s, 1, "user"), message(s, 2, "agent"), message(s, 3, "user"), message(s, 4, "agent"), message(s, 5, "agent"));
    await setReadCursor(alice.id, s.id, 2);
    expect(await unreadFor(alice.id, s.id)).toBe(1);
    await setReadCursor(alice.id, s.id, 0);
    expect(await unreadFor(alice.id, s.id)).toBe(2);
    await advanceReadCursor(alice.id, s.id, 4);
    await advanceReadCursor(alice.id, s.id, 1); // never backwards
    expect(await unreadFor(alice.id, s.id)).toBe(0);
  });

  it("a cursor that ran ahead of the index counts the user messages it has seen once they are indexed", async () => {
    const s = await indexedSession();
    await apply(s.id, message(s, 1, "user"));
    await advanceReadCursor(alice.id, s.id, 3); // the tab saw seqs 2 and 3 live before the index did
    await apply(s.id, message(s, 2, "user"), message(s, 3, "agent"), message(s, 4, "user"));
    expect(await unreadFor(alice.id, s.id)).toBe(1);
  });

  it("applying the same messages twice, or an overlapping batch, counts each seq once", async () => {
    const s = await indexedSession();
    const first = await current(s.id);
    await applyMessages(first, [message(s, 1, "user"), message(s, 2, "user")]);
    // A caller holding the stale row (head 0) applies an overlapping batch: the head is re-read under the lock.
    await applyMessages(first, [message(s, 1, "user"), message(s, 2, "user"), message(s, 3, "user")]);
    expect(await current(s.id)).toMatchObject({ headSeq: 3, userCount: 3 });
    expect(await (await db()).indexedMessage.count({ where: { sessionId: s.id } })).toBe(3);
  });
});

describe("the nav badge counts sessions and equals My unread", () => {
  it("agrees with the rows of ?unread=1 to the session, whatever the number of messages", async () => {
    const op = await makeOperator("operator");
    const many = await indexedSession();
    await apply(many.id, ...Array.from({ length: 30 }, (_, i) => message(many, i + 1, i % 2 === 0 ? "user" : "agent")));
    const aiOnly = await indexedSession();
    await apply(aiOnly.id, message(aiOnly, 1, "agent"));
    const read = await indexedSession();
    await apply(read.id, message(read, 1, "user"));
    await advanceReadCursor(op.id, read.id, 1);
    resetUnreadTotalCache();

    const listed = await queryInbox(parseInboxParams(new URL("http://x/inbox?unread=1&pageSize=100")), op.id);
    const total = await unreadTotal(op.id);
    expect(total).toBe(listed.total);
    const ids = listed.rows.map((row) => row.id);
    expect(ids).toContain(many.id);
    expect(ids).not.toContain(aiOnly.id);
    expect(ids).not.toContain(read.id);

    // One more user message in the 30-message session moves nothing (it is one session); a new session moves it by one.
    await apply(many.id, message(many, 31, "user"));
    const another = await indexedSession();
    await apply(another.id, message(another, 1, "user"));
    resetUnreadTotalCache();
    expect(await unreadTotal(op.id)).toBe(total + 1);
  });

  it("a change right after a count is seen by the next read (no stale once-a-second value)", async () => {
    const op = await makeOperator("operator");
    resetUnreadTotalCache();
    const before = await unreadTotal(op.id);
    const s = await indexedSession();
    await apply(s.id, message(s, 1, "user"));
    // What the gateway does after applying: publish session.changed, which marks the cached count stale.
    const { liveBus } = await import("~/live/bus.server");
    const { changedEvent } = await import("~/inbox/session-index.server");
    liveBus().publish(changedEvent(await current(s.id)));
    expect(await unreadTotal(op.id)).toBe(before + 1);
  });

  it("auditors get no badge unless they ask; anyone may switch theirs; bad input is a 400 that changes nothing", async () => {
    const auditor = await makeOperator("auditor");
    const get = (as: TestOperator) => call(() => badgeLoader({ request: request("/inbox/unread-total", { as }), params: {}, context: {} }));
    const post = (as: TestOperator, form: Record<string, string>) =>
      call(() => badgeAction({ request: request("/inbox/unread-total", { as, form }), params: {}, context: {} }));

    expect((await get(auditor)).body).toMatchObject({ unread: null, hidden: true, waiting: expect.any(Number) });
    expect((await get(alice)).body).toMatchObject({ hidden: false, unread: expect.any(Number) });

    const bad = await post(auditor, { badge: "maybe" });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ ok: false, message: expect.stringContaining("on or off") });
    expect((await get(auditor)).body).toMatchObject({ unread: null, hidden: true, waiting: expect.any(Number) });

    expect((await post(auditor, { badge: "on" })).status).toBe(200);
    expect((await get(auditor)).body).toMatchObject({ hidden: false, unread: await unreadTotal(auditor.id) });
    expect((await post(alice, { badge: "off" })).status).toBe(200);
    expect((await get(alice)).body).toMatchObject({ unread: null, hidden: true });

    const anonymous = await call(() => badgeLoader({ request: request("/inbox/unread-total"), params: {}, context: {} }));
    expect(anonymous.status).not.toBe(200);
  });
});
