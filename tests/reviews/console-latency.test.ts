// The Console's own latency figures (FleetLM computes none, protocol §13.3): a reply without the agent's
// latency_ms still gets one — from the user message it answers, found in the same batch or read from FleetLM —
// and a watched stream adds time to first token and stream time.
import "../support/db";
import { FleetLMRest, type Message } from "@fleetlm/client";
import { startFleetlmDev, type FleetlmDevServer } from "@fleetlm/dev";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { resetEnvCache } from "~/env.server";
import { resetFleetlm } from "~/fleetlm/fleetlm.server";
import { syncSessionNow } from "~/fleetlm-sync/sync-queue.server";
import { noteStreamChunk, recordReplies } from "~/reviews/reply-index.server";
import { devStorage } from "../support/dev-storage";

let server: FleetlmDevServer;
let rest: FleetLMRest;
beforeAll(async () => {
  server = await startFleetlmDev({ port: 0, storage: devStorage() });
  process.env.FLEETLM_URL = server.url;
  resetEnvCache();
  resetFleetlm();
  rest = new FleetLMRest({ baseUrl: server.url });
});
afterAll(async () => {
  await server.close();
});

const reply = (text: string) =>
  ({
    agentId: "bot",
    kind: "assistant",
    content: { id: text, role: "assistant", parts: [{ type: "text", text }] },
    metadata: { termination: "finish" },
  }) as never;
const stored = async (id: string) => {
  const out: Message[] = [];
  for await (const page of rest.pages(id)) out.push(...page);
  return out;
};

describe("Console latency", () => {
  it("a reply without latency_ms gets the Console's figure, whether its question came in the same sync or an earlier one", async () => {
    const s = await rest.createSession({ userId: "alice", agentId: "bot" });
    await rest.appendMessage(s.id, { userId: "alice", content: { text: "q1" } });
    await rest.appendMessage(s.id, reply("a1")); // same batch as its question
    await syncSessionNow(s.id);
    await rest.appendMessage(s.id, { userId: "alice", content: { text: "q2" } });
    await syncSessionNow(s.id); // q2 indexed alone
    await rest.appendMessage(s.id, { agentId: "bot", content: { text: "operator note as the agent" }, metadata: { source: "operator" } } as never);
    await rest.appendMessage(s.id, reply("a2")); // its question is two seqs back, in an earlier sync: read from FleetLM
    await syncSessionNow(s.id);
    const messages = await stored(s.id);
    const at = (seq: number) => messages.find((m) => m.seq === seq)!.insertedAt.getTime();
    const rows = await (await db()).replyIndex.findMany({ where: { sessionId: s.id }, orderBy: { seq: "asc" } });
    const ai = rows.filter((r) => !r.byOperator);
    expect(ai.map((r) => [r.seq, r.latencyMs, r.consoleLatencyMs])).toEqual([
      [2, null, at(2) - at(1)],
      [5, null, at(5) - at(3)],
    ]);
  });

  it("a watched stream adds time to first token and stream time to the reply it produced", async () => {
    const sessionId = `lat-${Date.now()}`;
    const t0 = Date.UTC(2026, 11, 1, 10, 0, 0);
    const msg = (seq: number, sender: string, kind: string, ms: number): Message =>
      ({
        id: `m${seq}`,
        session_id: sessionId,
        seq,
        sender_id: sender,
        kind,
        content: { text: "x" },
        metadata: { termination: "finish" },
        inserted_at: "",
        insertedAt: new Date(t0 + ms),
      }) as Message;
    noteStreamChunk(sessionId, t0 + 400);
    noteStreamChunk(sessionId, t0 + 900);
    noteStreamChunk(sessionId, t0 + 1_700);
    await recordReplies({ id: sessionId, agentId: "bot" }, [msg(1, "alice", "text", 0), msg(2, "bot", "assistant", 2_000)]);
    const row = await (await db()).replyIndex.findUniqueOrThrow({ where: { sessionId_seq: { sessionId, seq: 2 } } });
    expect(row).toMatchObject({ latencyMs: null, consoleLatencyMs: 2_000, ttftMs: 400, streamMs: 1_300 });
  });
});
