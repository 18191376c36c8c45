// A reply FleetLM delivered and indexed, then lost (protocol §13.2, one shared ring): reviewing it says so (410,
// nothing written), its state says it vanished, a review written before keeps its snapshot, and the context
// around it marks the hole.
import { FleetLMRest } from "@fleetlm/client";
import { startFleetlmDev, type FleetlmDevServer } from "@fleetlm/dev";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { resetEnvCache } from "~/env.server";
import { resetFleetlm } from "~/fleetlm/fleetlm.server";
import { action, loader } from "~/routes/reviews.$sessionId.$seq";
import { call, makeOperator, request, type TestOperator } from "../support/auth";

let server: FleetlmDevServer;
let sessionId: string;
const REPLY = 2;

const reply = (text: string) =>
  ({
    agentId: "bot",
    kind: "assistant",
    content: { id: text, role: "assistant", parts: [{ type: "text", text }] },
    metadata: { termination: "finish" },
  }) as never;
const submit = (as: TestOperator, seq: number) =>
  call(() =>
    action({
      request: request(`/reviews/${sessionId}/${seq}`, { as, form: { intent: "review", rating: "bad" } }),
      params: { sessionId, seq: String(seq) },
      context: {},
    }),
  );
const state = (as: TestOperator, seq: number, context = 0) =>
  call(() => loader({ request: request(`/reviews/${sessionId}/${seq}?context=${context}`, { as }), params: { sessionId, seq: String(seq) }, context: {} }));

let early: TestOperator;
beforeAll(async () => {
  server = await startFleetlmDev({ port: 0, storage: { mode: "real", unflushedNewest: 0, rings: 1 } });
  process.env.FLEETLM_URL = server.url;
  resetEnvCache();
  resetFleetlm();
  const rest = new FleetLMRest({ baseUrl: server.url });
  const s = await rest.createSession({ userId: "alice", agentId: "bot" });
  sessionId = s.id;
  const bob = await rest.createSession({ userId: "bob", agentId: "bot" });
  await rest.appendMessage(s.id, { userId: "alice", content: { text: "question" } }); // #1 flushed, watermark 1
  for (let i = 0; i < 3; i++) await rest.appendMessage(bob.id, { userId: "bob", content: {} }); // watermark 3
  await rest.appendMessage(s.id, reply("the answer")); // #2 ≤ 3: waits unflushed, still readable
  await (await db()).sessionIndex.create({ data: { id: s.id, userId: "alice", agentId: "bot", status: "active", createdAt: new Date(), headSeq: 2 } });
  early = await makeOperator("auditor");
  expect((await submit(early, REPLY)).status).toBe(200); // reviewed while FleetLM still had it
  await rest.appendMessage(bob.id, { userId: "bob", content: {} }); // watermark 4: #2 deleted unflushed
  expect(server.storage.mode === "real" && server.storage.model.lostSeqs(s.id)).toEqual([REPLY]);
});
afterAll(async () => {
  await server.close();
});

describe("a reply FleetLM lost", () => {
  it("a new review is refused with 410 and writes nothing; the state says it vanished; the early review stands", async () => {
    const late = await makeOperator("auditor");
    const prisma = await db();
    const before = await prisma.review.count({ where: { sessionId } });
    const res = await submit(late, REPLY);
    expect(res.status).toBe(410);
    expect(String(res.body)).toMatch(/FleetLM no longer has this reply/);
    expect(await prisma.review.count({ where: { sessionId } })).toBe(before);
    const view = (await state(late, REPLY)).body as { state: { vanished: unknown; indexed: boolean } };
    expect(view.state).toMatchObject({ indexed: true, vanished: { detectedAt: expect.any(String) } });
    const mine = (await state(early, REPLY)).body as { state: { mine: { rating: string } } };
    expect(mine.state.mine.rating).toBe("bad");
    expect((await prisma.review.findFirstOrThrow({ where: { sessionId, seq: REPLY } })).textSnapshot).toBe("the answer");
    // editing the early review needs no FleetLM read: it keeps working
    expect((await submit(early, REPLY)).status).toBe(200);
  });

  it("the context around it has the question and marks the lost reply", async () => {
    const res = await state(early, REPLY, 5);
    const context = (res.body as { context: { messages: { seq: number }[]; lost: number[] } }).context;
    expect(context.messages.map((m) => m.seq)).toEqual([1]);
    expect(context.lost).toEqual([REPLY]);
  });
});
