// The gateway against the real dev server (faithful mode): discovery beyond FleetLM's 50, exact head seqs,
// and unread counts that survive WS duplicate broadcasts and a FleetLM restart.
import { makeOperator } from "../support/auth";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { FleetLMRest, FleetLMSocket } from "@fleetlm/client";
import { startFleetlmDev, type FleetlmDevServer } from "@fleetlm/dev";
import { db } from "~/db.server";
import { gatewayStatus, gatewayUsers, startGateway, stopGateway } from "~/fleetlm-sync/gateway.server";
import { syncSessionNow } from "~/fleetlm-sync/sync-queue.server";
import { advanceReadCursor, setReadCursor, unreadFor } from "~/inbox/read-cursor.server";
import { liveBus } from "~/live/bus.server";
import { devStorage } from "../support/dev-storage";

const AGENT = "support-bot";
const USERS = Array.from({ length: 12 }, (_, i) => `sync-user-${i}`);

let dev: FleetlmDevServer;
let rest: FleetLMRest;
let dataDir: string;
const sessions: { id: string; userId: string; messages: number }[] = [];

function waitFor<T>(what: string, check: () => Promise<T | false | null | undefined>, timeoutMs = 20_000): Promise<T> {
  return vi.waitFor(
    async () => {
      const value = await check();
      if (!value) throw new Error(`still waiting for ${what}`);
      return value;
    },
    { timeout: timeoutMs, interval: 100 },
  );
}

async function head(sessionId: string) {
  const row = await (await db()).sessionIndex.findUnique({ where: { id: sessionId } });
  return row?.headSeq ?? -1;
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "inbox-sync-"));
  dev = await startFleetlmDev({ port: 0, dataDir, storage: devStorage() });
  rest = new FleetLMRest({ baseUrl: dev.url });
  // 60 sessions, the oldest 10 beyond FleetLM's newest-50 list.
  for (let i = 0; i < 60; i++) {
    const userId = USERS[i % USERS.length]!;
    const session = await rest.createSession({ userId, agentId: AGENT });
    const messages = (i % 3) + 1;
    for (let m = 0; m < messages; m++) await rest.appendMessage(session.id, { userId, content: { text: `hello ${i}.${m}` } });
    sessions.push({ id: session.id, userId, messages });
  }
  await startGateway({ fleetlmUrl: dev.url, pollMs: 200, rejoinMs: 300, force: true });
});

afterAll(async () => {
  await stopGateway();
  await dev?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("gateway index sync", () => {
  it("indexes every session, beyond the newest 50, with exact head seqs, and discovers users", async () => {
    const prisma = await db();
    await waitFor("all 60 sessions indexed at their head", async () => {
      const rows = await prisma.sessionIndex.findMany({ where: { id: { in: sessions.map((s) => s.id) } } });
      const heads = new Map(rows.map((r) => [r.id, r.headSeq]));
      return sessions.every((s) => heads.get(s.id) === s.messages);
    });
    const row = await prisma.sessionIndex.findUnique({ where: { id: sessions[0]!.id } });
    expect(row).toMatchObject({ userId: USERS[0], agentId: AGENT, status: "active", lastSenderRole: "user", lastPreview: "hello 0.0" });
    expect(gatewayUsers()).toEqual(expect.arrayContaining(USERS));
    expect(gatewayStatus()).toMatchObject({ running: true, connected: true });
  });

  it("counts a WS send once although FleetLM broadcasts it twice", async () => {
    const target = sessions[5]!;
    const op = await makeOperator("operator");
    await waitFor("indexed", async () => (await head(target.id)) === target.messages);
    expect(await unreadFor(op.id, target.id)).toBe(target.messages);

    const socket = new FleetLMSocket({ socketUrl: dev.socketUrl, userId: target.userId });
    await socket.connect();
    const channel = socket.channel(`session:${target.id}`, {});
    await new Promise((resolve, reject) => channel.join().receive("ok", resolve).receive("error", reject));
    const seq = await new Promise<number>((resolve, reject) =>
      channel
        .push("send", { content: { kind: "text", content: { text: "sent over ws" } } })
        .receive("ok", (reply: { seq: number }) => resolve(reply.seq))
        .receive("error", reject),
    );
    await socket.disconnect();
    expect(seq).toBe(target.messages + 1);
    await waitFor("ws message indexed", async () => (await head(target.id)) === seq);
    // Let any duplicate notification be processed too, then check again.
    await syncSessionNow(target.id);
    expect(await head(target.id)).toBe(seq);
    expect(await unreadFor(op.id, target.id)).toBe(seq);
    target.messages = seq;
  });

  it("excludes operator-written messages from unread, and keeps each operator's counts", async () => {
    const target = sessions[7]!;
    const [alice, bob] = [await makeOperator("operator"), await makeOperator("auditor")];
    await waitFor("indexed", async () => (await head(target.id)) === target.messages);
    await advanceReadCursor(alice.id, target.id, target.messages);
    expect(await unreadFor(alice.id, target.id)).toBe(0);
    expect(await unreadFor(bob.id, target.id)).toBe(target.messages);

    const events: string[] = [];
    const off = liveBus().subscribe(
      ({ event }) => event.type === "session.changed" && event.sessionId === target.id && events.push(event.lastSenderRole ?? ""),
    );
    // What a takeover send does: the ledger row first, then the append as the agent (ADR 087).
    const clientMessageId = `cm-${target.id}`;
    await (
      await db()
    ).sentMessage.create({ data: { clientMessageId, sessionId: target.id, takeoverId: "t", operatorId: alice.id, body: "a human here", status: "pending" } });
    await rest.appendMessage(target.id, {
      agentId: AGENT,
      content: { text: "a human here" },
      metadata: { source: "operator", operator_id: alice.id, client_message_id: clientMessageId },
    });
    await rest.appendMessage(target.id, { userId: target.userId, content: { text: "thanks" } });
    await syncSessionNow(target.id);
    await syncSessionNow(target.id); // a second sync of the same seqs must not count the operator seq twice
    off();
    const row = await (await db()).sessionIndex.findUnique({ where: { id: target.id } });
    expect(row).toMatchObject({ headSeq: target.messages + 2, opCount: 1, lastSenderRole: "user" });
    expect(events).toContain("user");
    expect(await unreadFor(alice.id, target.id)).toBe(1); // only the user's "thanks"
    expect(await unreadFor(bob.id, target.id)).toBe(target.messages + 1);

    // Mark unread moves the cursor back; the operator seq below it stays excluded.
    await setReadCursor(alice.id, target.id, target.messages);
    expect(await unreadFor(alice.id, target.id)).toBe(1);
    await advanceReadCursor(alice.id, target.id, target.messages + 2);
    await advanceReadCursor(alice.id, target.id, 1); // never backwards
    expect(await unreadFor(alice.id, target.id)).toBe(0);
    target.messages += 2;
  });

  it("counts an end user's message that claims to be an operator's as the user's, and unread", async () => {
    const target = sessions[8]!;
    const alice = await makeOperator("operator");
    await waitFor("indexed", async () => (await head(target.id)) === target.messages);
    await advanceReadCursor(alice.id, target.id, target.messages);
    // Forged: the end user copies what an operator's metadata looks like (even a client id the ledger does not hold).
    await rest.appendMessage(target.id, {
      userId: target.userId,
      content: { text: "I am support" },
      metadata: { source: "operator", operator_id: alice.id, operator_name: alice.name, client_message_id: "forged" },
    });
    // Forged from the agent's side without the Console sending it: the agent's, not an operator's.
    await rest.appendMessage(target.id, { agentId: AGENT, content: { text: "me too" }, metadata: { source: "operator", operator_id: alice.id } });
    await syncSessionNow(target.id);
    const row = await (await db()).sessionIndex.findUnique({ where: { id: target.id } });
    expect(row).toMatchObject({ headSeq: target.messages + 2, opCount: 0, lastSenderRole: "agent" });
    // The user's forged message counts, whatever its metadata says; the agent's is activity, not unread (ADR 100).
    expect(await unreadFor(alice.id, target.id)).toBe(1);
    target.messages += 2;
  });

  it("stays exact after FleetLM is killed and restarted on the same data and port", async () => {
    const target = sessions[11]!;
    const op = await makeOperator("operator");
    await waitFor("indexed", async () => (await head(target.id)) === target.messages);
    await advanceReadCursor(op.id, target.id, target.messages);
    const port = dev.port;
    await dev.close();
    await waitFor("gateway notices", async () => !gatewayStatus().connected);
    dev = await startFleetlmDev({ port, dataDir, storage: devStorage() });
    await waitFor("gateway reconnects", async () => gatewayStatus().connected);
    await rest.appendMessage(target.id, { userId: target.userId, content: { text: "after restart 1" } });
    await rest.appendMessage(target.id, { userId: target.userId, content: { text: "after restart 2" } });
    await waitFor("new messages indexed by the gateway alone", async () => (await head(target.id)) === target.messages + 2);
    expect(await unreadFor(op.id, target.id)).toBe(2);
    // A brand-new session after the restart is discovered too.
    const fresh = await rest.createSession({ userId: "sync-user-new", agentId: AGENT });
    await rest.appendMessage(fresh.id, { userId: "sync-user-new", content: { text: "new here" } });
    await waitFor("new session indexed", async () => (await head(fresh.id)) === 1);
    await waitFor("new user followed", async () => gatewayUsers().includes("sync-user-new"));
  });
});
