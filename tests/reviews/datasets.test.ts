// Datasets against the dev server: a reviewed reply goes in with its conversation, scores (versions) and a
// corrected answer; the JSONL export reads back as OpenAI chat examples, the CSV one is formula-safe; bad input,
// roles and a FleetLM outage write nothing.
import { call, makeOperator, request, type TestOperator } from "../support/auth";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FleetLMRest, type Message } from "@fleetlm/client";
import { startFleetlmDev, type FleetlmDevServer } from "@fleetlm/dev";
import { db } from "~/db.server";
import { resetEnvCache } from "~/env.server";
import { resetFleetlm } from "~/fleetlm/fleetlm.server";
import { messageText } from "~/messages/message-text";
import { createQueue } from "~/reviews/queues/queues.server";
import { submitQueueReview } from "~/reviews/queues/queue-review.server";
import { saveScoreConfig, ScoreConfigFormSchema } from "~/reviews/scores/score-configs.server";
import { action as createAction } from "~/routes/reviews.datasets";
import { loader as exportLoader } from "~/routes/reviews.datasets_.$datasetId.export";
import { action as addAction } from "~/routes/reviews.datasets_.$datasetId.items";
import { loader as reviewsExport } from "~/routes/reviews.export";
import { parseCsv } from "./parse-csv";

let server: FleetlmDevServer;
let rest: FleetLMRest;
let auditor: TestOperator;
let admin: TestOperator;
let sessionId: string;
let messages: Message[];
let replySeq: number;

beforeAll(async () => {
  server = await startFleetlmDev({ port: 0, demo: true });
  process.env.FLEETLM_URL = server.url;
  resetEnvCache();
  resetFleetlm();
  rest = new FleetLMRest({ baseUrl: server.url });
  [auditor, admin] = await Promise.all([makeOperator("auditor"), makeOperator("admin")]);
  const session = await rest.createSession({ userId: "dana", agentId: "demo-agent" });
  sessionId = session.id;
  // Indexed as the gateway would (authorship of the conversation comes from the index's user id, ADR 087).
  await (await db()).sessionIndex.create({ data: { id: sessionId, userId: "dana", agentId: "demo-agent", status: "active", createdAt: new Date() } });
  for (const text of ["my order is late", '=HYPERLINK("http://evil")']) {
    await rest.appendMessage(sessionId, { userId: "dana", content: { text } });
    await server.webhooksIdle();
  }
  for (;;) {
    messages = await rest.listMessages(sessionId, { limit: 100 });
    if (messages.filter((m) => m.kind === "assistant").length >= 2) break;
    await server.webhooksIdle();
  }
  replySeq = messages.filter((m) => m.kind === "assistant").at(-1)!.seq;
});
afterAll(async () => {
  await server.close();
});

const add = (as: TestOperator, datasetId: string, form: Record<string, string>) =>
  call(() => addAction({ request: request(`/reviews/datasets/${datasetId}/items`, { as, form }), params: { datasetId }, context: {} }));
const exportAs = (as: TestOperator, datasetId: string, format: string) =>
  exportLoader({ request: request(`/reviews/datasets/${datasetId}/export?format=${format}`, { as }), params: { datasetId }, context: {} }) as Promise<Response>;

async function newDataset(name: string) {
  const res = await call(() => createAction({ request: request("/reviews/datasets", { as: auditor, form: { name } }), params: {}, context: {} }));
  expect(res.status).toBe(302);
  return (await (await db()).dataset.findUniqueOrThrow({ where: { name } })).id;
}

describe("datasets", () => {
  it("adds a reviewed reply with its conversation, scores and correction; exports JSONL and CSV", async () => {
    const key = `acc_${randomUUID().slice(0, 6)}`;
    await saveScoreConfig(
      admin,
      ScoreConfigFormSchema.parse({ key, kind: "numeric", label: "Accuracy", min: "1", max: "5", step: "1", required: "on" }),
      "create",
    );
    const agentId = `ds-${randomUUID().slice(0, 6)}`;
    const prisma = await db();
    // Index the reply under this file's own agent, so the queue holds only it.
    await prisma.replyIndex.create({ data: { sessionId, seq: replySeq, agentId, termination: "finish", length: 1, at: new Date() } });
    const queue = await createQueue(
      admin,
      { name: `ds-${randomUUID().slice(0, 6)}`, description: "", scoreKeys: [key], reviewerIds: [], reviewsNeeded: 1, reserveMinutes: 5 },
      { agent: agentId },
    );
    await submitQueueReview(auditor, queue, sessionId, replySeq, { rating: "bad", labels: ["tone"], comment: "" }, { [key]: "2" });

    const name = `fine-tune ${randomUUID().slice(0, 6)}`;
    const datasetId = await newDataset(name);
    const dup = await call(() => createAction({ request: request("/reviews/datasets", { as: auditor, form: { name } }), params: {}, context: {} }));
    expect(dup.status).toBe(400);

    const corrected = "@SUM(A1) Sorry for the delay — your order ships tomorrow.";
    expect((await add(auditor, datasetId, { sessionId, seq: String(replySeq), corrected })).status).toBe(200);
    // Adding again replaces the item (one per reply per dataset).
    expect((await add(auditor, datasetId, { sessionId, seq: String(replySeq), corrected })).status).toBe(200);
    expect(await prisma.datasetItem.count({ where: { datasetId } })).toBe(1);

    const jsonl = await exportAs(auditor, datasetId, "jsonl");
    expect(jsonl.headers.get("content-type")).toContain("application/x-ndjson");
    expect(jsonl.headers.get("x-total-rows")).toBe("1");
    const lines = (await jsonl.text()).split("\n").filter(Boolean);
    expect(lines).toHaveLength(1);
    const example = JSON.parse(lines[0]!) as { messages: { role: string; content: string }[] };
    expect(Object.keys(example)).toEqual(["messages"]);
    const before = messages.filter((m) => m.seq < replySeq && messageText(m.content).trim() !== "");
    expect(example.messages.slice(0, -1)).toEqual(
      before.map((m) => ({ role: m.kind === "assistant" ? "assistant" : "user", content: messageText(m.content) })),
    );
    expect(example.messages.at(-1)).toEqual({ role: "assistant", content: corrected });
    expect(example.messages.every((m) => ["user", "assistant"].includes(m.role) && typeof m.content === "string")).toBe(true);

    const csv = await exportAs(auditor, datasetId, "csv");
    const rows = parseCsv((await csv.text()).replace(/^\uFEFF/, ""));
    expect(rows[0]).toEqual([
      "item_id",
      "session_id",
      "seq",
      "added_at",
      "rating",
      "labels",
      "scores",
      "reply",
      "corrected",
      "conversation_json",
      "final_rating",
      "final_scores",
      "adjudicated",
      "adjudicated_by",
      "adjudicated_at",
    ]);
    expect(rows[1]![4]).toBe("bad");
    expect(rows[1]![6]).toBe(`${key}=2 (v1)`);
    expect(rows[1]![8]).toBe(`'${corrected}`); // formula cell neutralised
    expect(rows[1]![9]).toContain("HYPERLINK"); // the conversation JSON starts with "[", so it is left as it is

    // The reviews export names the score version too.
    const reviewsCsv = await (reviewsExport({
      request: request(`/reviews/export?agent=${agentId}`, { as: auditor }),
      params: {},
      context: {},
    }) as Promise<Response>);
    const reviewRows = parseCsv((await reviewsCsv.text()).replace(/^\uFEFF/, ""));
    const column = (name: string) => reviewRows[1]![reviewRows[0]!.indexOf(name)];
    expect([column("scores"), column("snapshot_source")]).toEqual([`${key}=2 (v1)`, "fleetlm"]);
    expect([column("final_scores"), column("adjudicated")]).toEqual([`${key}=2 (v1)`, ""]); // nobody adjudicated
    expect(await prisma.auditEvent.count({ where: { action: { in: ["dataset.create", "dataset.add", "dataset.export"] }, targetId: datasetId } })).toBe(5);
  });

  it("refuses unreviewed replies, unknown datasets, bad input and operators; a FleetLM outage writes nothing", async () => {
    const datasetId = await newDataset(`guarded ${randomUUID().slice(0, 6)}`);
    const unreviewed = messages.find((m) => m.kind === "assistant")!.seq;
    const prisma = await db();
    const r = await add(auditor, datasetId, { sessionId, seq: String(unreviewed) });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain("review it first");
    expect((await add(auditor, datasetId, { sessionId, seq: "zero" })).status).toBe(400);
    expect((await add(auditor, "nope", { sessionId, seq: String(replySeq) })).status).toBe(404);
    expect((await add(await makeOperator("operator"), datasetId, { sessionId, seq: String(replySeq) })).status).toBe(403);
    expect((await call(() => exportAs(auditor, datasetId, "xml"))).status).toBe(400);
    server.faults.set({ mode: "error500" });
    try {
      const down = await add(auditor, datasetId, { sessionId, seq: String(replySeq) });
      expect(down.status).toBe(503);
    } finally {
      server.faults.set({ mode: null });
    }
    expect(await prisma.datasetItem.count({ where: { datasetId } })).toBe(0);
  });
});
