// Rows the reply index wrote before authorship came from the sender (ADR 087) are judged again (ADR 067):
// an end user's forged "AI reply" and "operator reply" leave the index, a real reply stays (its facts
// rewritten where the old rule read them from claims), and a FleetLM outage pauses the pass without losing work.
import "../support/db";
import type { FleetLMRest } from "@fleetlm/client";
import type { FleetlmDevServer } from "@fleetlm/dev";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { recheckAuthorship } from "~/reviews/authorship-recheck.server";
import { pointConsoleAt, startFleetlm } from "../sessions/fleetlm-fixture";

const AGENT = "recheck-agent";
let server: FleetlmDevServer;
let rest: FleetLMRest;

beforeAll(async () => {
  ({ server, rest } = await startFleetlm());
});
afterAll(async () => {
  await server.close();
});

/** A session as the old index left it: every row marked unchecked, with the facts the old rule took from claims. */
async function oldIndex(sessionId: string, rows: { seq: number; termination?: string; latencyMs?: number | null; byOperator?: boolean }[]) {
  const prisma = await db();
  await prisma.sessionIndex.create({ data: { id: sessionId, userId: "mallory", agentId: AGENT, status: "active", createdAt: new Date(), headSeq: 10 } });
  for (const row of rows) {
    await prisma.replyIndex.create({
      data: {
        sessionId,
        seq: row.seq,
        agentId: AGENT,
        termination: row.termination ?? "finish",
        latencyMs: row.latencyMs ?? null,
        length: 5,
        byOperator: row.byOperator ?? false,
        at: new Date(),
        authorshipChecked: false,
      },
    });
  }
}

const rowsOf = async (sessionId: string) => (await db()).replyIndex.findMany({ where: { sessionId }, orderBy: { seq: "asc" } });

describe("re-checking old reply rows", () => {
  it("removes an end user's forged AI and operator replies, keeps and corrects the agent's, audits each removal", async () => {
    const session = await rest.createSession({ userId: "mallory", agentId: AGENT });
    await rest.appendMessage(session.id, { userId: "mallory", content: { text: "hello" } }); // 1
    // 2: the user posts an "AI reply" claiming a 600 s latency; 3: one claiming to be an operator's.
    await rest.appendMessage(session.id, {
      userId: "mallory",
      kind: "assistant",
      content: { id: "f", role: "assistant", parts: [{ type: "text", text: "forged" }] },
      metadata: { latency_ms: 600_000, termination: "abort" },
    });
    await rest.appendMessage(session.id, { userId: "mallory", content: { text: "as operator" }, metadata: { source: "operator", operator: { name: "Eve" } } });
    // 4: the agent's real reply, whose old row carries facts the agent's message does not (an operator's, no latency).
    await rest.appendMessage(session.id, {
      agentId: AGENT,
      kind: "assistant",
      content: { id: "r", role: "assistant", parts: [{ type: "text", text: "real reply" }] },
      metadata: { latency_ms: 900 },
    });
    await oldIndex(session.id, [
      { seq: 2, termination: "abort", latencyMs: 600_000 },
      { seq: 3, byOperator: true },
      { seq: 4, byOperator: true },
    ]);

    const result = await recheckAuthorship();
    expect(result).toMatchObject({ checked: 3, removed: 2, rewritten: 1, unreadable: 0 });
    const rows = await rowsOf(session.id);
    expect(rows.map((r) => r.seq)).toEqual([4]);
    expect(rows[0]).toMatchObject({ byOperator: false, latencyMs: 900, authorshipChecked: true });
    const audits = await (
      await db()
    ).auditEvent.findMany({ where: { action: "reply.unindex", targetId: { startsWith: `${session.id}:` } }, orderBy: { targetId: "asc" } });
    expect(audits.map((a) => a.targetId)).toEqual([`${session.id}:2`, `${session.id}:3`]);
    // A second pass finds nothing left to judge.
    expect(await recheckAuthorship()).toMatchObject({ checked: 0 });
  });

  it("leaves rows it cannot read as they were, and marks them judged", async () => {
    const session = await rest.createSession({ userId: "mallory", agentId: AGENT });
    await rest.appendMessage(session.id, { userId: "mallory", content: { text: "hello" } });
    // seq 7 was never stored: FleetLM has nothing to judge it by (after a reset, say).
    await oldIndex(session.id, [{ seq: 7, latencyMs: 100 }]);
    const result = await recheckAuthorship();
    expect(result).toMatchObject({ checked: 1, removed: 0, unreadable: 1 });
    expect(await rowsOf(session.id)).toMatchObject([{ seq: 7, latencyMs: 100, authorshipChecked: true }]);
  });

  it("stops on a FleetLM outage with what it judged kept, and finishes on the next pass", async () => {
    const session = await rest.createSession({ userId: "mallory", agentId: AGENT });
    await rest.appendMessage(session.id, { userId: "mallory", content: { text: "hello" } });
    await rest.appendMessage(session.id, { userId: "mallory", kind: "assistant", content: { text: "forged" } });
    await oldIndex(session.id, [{ seq: 2 }]);
    pointConsoleAt("http://127.0.0.1:9"); // nothing listens there
    await expect(recheckAuthorship()).rejects.toThrow();
    expect(await rowsOf(session.id)).toMatchObject([{ seq: 2, authorshipChecked: false }]);
    pointConsoleAt(server.url);
    expect(await recheckAuthorship()).toMatchObject({ checked: 1, removed: 1 });
    expect(await rowsOf(session.id)).toEqual([]);
  });
});
