// Review integrity against the real takeover flow on the dev server: nobody reviews a reply they sent or a
// session they held; clearing someone else's flag needs a reason and the audit log says whose flag it was.
import { call, makeOperator, request, type TestOperator } from "../support/auth";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { loader as queueLoader } from "~/routes/reviews._index";
import { action, loader } from "~/routes/reviews.$sessionId.$seq";
import { newSession, startWorld, takeover, until, type World } from "../takeover/support";

let world: World;
let alice: TestOperator; // operator who takes the session over and replies
let carol: TestOperator; // auditor, never involved
let sessionId: string;
let operatorSeq: number;
let aiSeq: number;

function act(as: TestOperator, seq: number, form: Record<string, string | string[]>) {
  return call(() => action({ request: request(`/reviews/${sessionId}/${seq}`, { as, form }), params: { sessionId, seq: String(seq) }, context: {} }));
}
function state(as: TestOperator, seq: number) {
  return call(() => loader({ request: request(`/reviews/${sessionId}/${seq}`, { as }), params: { sessionId, seq: String(seq) }, context: {} }));
}

beforeAll(async () => {
  world = await startWorld();
  [alice, carol] = await Promise.all([makeOperator("operator", { name: "Alice Ops" }), makeOperator("auditor", { name: "Carol Audit" })]);
  const session = await newSession(world);
  sessionId = session.id;
  await world.rest.appendMessage(sessionId, { userId: session.user_id, content: { text: "hello" } });
  const all = await until(
    () => world.rest.listMessages(sessionId, { limit: 100 }),
    (m) => m.some((x) => x.kind === "assistant"),
    "an AI reply",
  );
  aiSeq = all.find((m) => m.kind === "assistant")!.seq;
  expect((await takeover(alice, sessionId, { intent: "claim" })).status).toBe(200);
  const sent = await takeover(alice, sessionId, { intent: "send", clientMessageId: randomUUID(), body: "A human here." });
  expect(sent.status).toBe(200);
  operatorSeq = (sent.body as { seq: number }).seq;
  expect((await takeover(alice, sessionId, { intent: "release" })).status).toBe(200);
});
afterAll(async () => {
  await world.server.close();
});

describe("review integrity", () => {
  it("refuses a review of my own reply (403, named) and of any reply in a session I held; nothing written", async () => {
    const own = await act(alice, operatorSeq, { intent: "review", rating: "good" });
    expect(own.status).toBe(403);
    expect(JSON.stringify(own.body)).toContain("You wrote this reply");
    const held = await act(alice, aiSeq, { intent: "review", rating: "bad" });
    expect(held.status).toBe(403);
    expect(JSON.stringify(held.body)).toContain("You held this session");
    expect(await (await db()).review.count({ where: { sessionId, reviewerId: alice.id } })).toBe(0);
    expect(((await state(alice, operatorSeq)).body as { state: { conflict: string } }).state.conflict).toBe("wrote");
    expect(((await state(alice, aiSeq)).body as { state: { conflict: string } }).state.conflict).toBe("held");
    // Someone uninvolved reviews both.
    expect((await act(carol, operatorSeq, { intent: "review", rating: "good" })).status).toBe(200);
    expect((await act(carol, aiSeq, { intent: "review", rating: "bad" })).status).toBe(200);
    expect(((await state(carol, aiSeq)).body as { state: { conflict: null } }).state.conflict).toBeNull();
  });

  it("keeps my own replies and held sessions out of my queue, not out of others'", async () => {
    const agent = (await (await db()).replyIndex.findUniqueOrThrow({ where: { sessionId_seq: { sessionId, seq: aiSeq } } })).agentId;
    const keys = async (as: TestOperator) =>
      (
        (await call(() => queueLoader({ request: request(`/reviews?agent=${agent}&show=all`, { as }), params: {}, context: {} }))).body as {
          items: { sessionId: string; seq: number }[];
        }
      ).items
        .filter((i) => i.sessionId === sessionId)
        .map((i) => i.seq)
        .sort((a, b) => a - b);
    expect(await keys(alice)).toEqual([]);
    expect(await keys(carol)).toEqual([aiSeq, operatorSeq].sort((a, b) => a - b));
  });

  it("needs a reason to clear someone else's flag, shows who flagged, audits both", async () => {
    const dave = await makeOperator("auditor", { name: "Dave Flagger" });
    expect((await act(dave, aiSeq, { intent: "flag" })).status).toBe(200);
    const seen = (await state(carol, aiSeq)).body as { state: { flagged: { byName: string; byMe: boolean } } };
    expect(seen.state.flagged).toMatchObject({ byName: "Dave Flagger", byMe: false });

    const bare = await act(carol, aiSeq, { intent: "unflag" });
    expect(bare.status).toBe(400);
    expect((bare.body as { error: { reason: string[] } }).error.reason[0]).toContain("Dave Flagger flagged this reply");
    const prisma = await db();
    expect((await prisma.replyIndex.findUniqueOrThrow({ where: { sessionId_seq: { sessionId, seq: aiSeq } } })).flaggedById).toBe(dave.id);
    const tooLong = await act(carol, aiSeq, { intent: "unflag", reason: "x".repeat(501) });
    expect(tooLong.status).toBe(400);

    expect((await act(carol, aiSeq, { intent: "unflag", reason: "checked: the refund amount is right" })).status).toBe(200);
    expect((await prisma.replyIndex.findUniqueOrThrow({ where: { sessionId_seq: { sessionId, seq: aiSeq } } })).flaggedAt).toBeNull();
    const events = await prisma.auditEvent.findMany({
      where: { targetId: `${sessionId}:${aiSeq}`, action: { in: ["reply.flag", "reply.unflag"] } },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => [e.action, e.actorId])).toEqual([
      ["reply.flag", dave.id],
      ["reply.unflag", carol.id],
    ]);
    expect(JSON.parse(events[1]!.details)).toMatchObject({ flaggedById: dave.id, reason: "checked: the refund amount is right" });

    // My own flag I clear without a reason.
    expect((await act(dave, aiSeq, { intent: "flag" })).status).toBe(200);
    expect((await act(dave, aiSeq, { intent: "unflag" })).status).toBe(200);
  });
});
