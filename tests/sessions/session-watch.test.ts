import { makeOperator } from "../support/auth";
import { FleetLMNetworkError, type FleetLMRest } from "@fleetlm/client";
import type { FleetlmDevServer } from "@fleetlm/dev";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "~/db.server";
import { closeSessionWatches, currentViewers, sessionWatchStats, watchSession, whenWatching } from "~/fleetlm-sync/session-watch.server";
import { liveBus } from "~/live/bus.server";
import type { LiveEvent } from "~/live/events";
import { MEGABYTE_MARKDOWN, postHostileMessages } from "../support/hostile-messages";
import { startFleetlm } from "./fleetlm-fixture";

let server: FleetlmDevServer;
let rest: FleetLMRest;
let dataDir: string;

const events: LiveEvent[] = [];
liveBus().subscribe(({ event }) => events.push(event));
const messagesOf = (id: string) => events.flatMap((e) => (e.type === "message" && e.sessionId === id ? [e.message] : []));
const chunksOf = (id: string) => events.flatMap((e) => (e.type === "chunk" && e.sessionId === id ? [e.chunk] : []));

function until(check: () => boolean, what: string, timeoutMs = 25_000) {
  return vi.waitFor(
    () => {
      if (!check()) throw new Error(`still waiting for ${what}`);
    },
    { timeout: timeoutMs, interval: 25 },
  );
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "session-watch-"));
  ({ server, rest } = await startFleetlm({ demo: true, dataDir }));
});
afterAll(async () => {
  await closeSessionWatches();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

afterEach(async () => {
  await closeSessionWatches(); // a failed test must not leave watches behind for the next one
});

describe("watching a session", () => {
  it("joins as the session's agent and relays the demo agent's chunks and messages", async () => {
    const viewer = await makeOperator("operator");
    const session = await rest.createSession({ userId: "watch-user", agentId: "demo-agent" });
    const unwatch = watchSession(session.id, viewer);
    await whenWatching(session.id);
    // The page's readiness signal: a presence event saying the channel is joined.
    await until(() => events.some((e) => e.type === "presence" && e.sessionId === session.id && e.watching === true), "presence with watching");

    await rest.appendMessage(session.id, { userId: "watch-user", content: { text: "hello there" } });
    await until(() => messagesOf(session.id).some((m) => m.kind === "assistant"), "the assistant message");

    const messages = messagesOf(session.id);
    expect(messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(messages[0]).toMatchObject({ senderId: "watch-user", kind: "text", content: { text: "hello there" } });
    expect(messages[1]).toMatchObject({ senderId: "demo-agent", kind: "assistant" });
    expect(messages[1]!.insertedAt).toMatch(/Z$/);
    const chunks = chunksOf(session.id);
    expect(chunks.some((c) => c.type === "text-delta")).toBe(true);
    expect(chunks.some((c) => c.type === "finish" || c.type === "abort")).toBe(true);
    // finish/abort is pushed before the stored message (protocol §5.2)
    const finishIndex = events.findIndex((e) => e.type === "chunk" && e.sessionId === session.id && (e.chunk.type === "finish" || e.chunk.type === "abort"));
    const storedIndex = events.findIndex((e) => e.type === "message" && e.sessionId === session.id && e.message.seq === 2);
    expect(finishIndex).toBeLessThan(storedIndex);
    // Each live message also brings the session index up to date.
    const prisma = await db();
    await expect
      .poll(async () => (await prisma.sessionIndex.findUnique({ where: { id: session.id } }))?.headSeq ?? 0, { timeout: 10_000, interval: 50 })
      .toBeGreaterThanOrEqual(2);
    unwatch();
  });

  it("relays hostile messages bounded and with their real authorship, in seq order", async () => {
    const viewer = await makeOperator("operator");
    const session = await rest.createSession({ userId: "watch-mallory", agentId: "watch-silent-agent" });
    const unwatch = watchSession(session.id, viewer);
    await whenWatching(session.id);
    const seqs = await postHostileMessages(rest, session.id, "watch-mallory");
    await rest.appendMessage(session.id, { userId: "watch-mallory", content: { text: "last" } });
    await until(() => messagesOf(session.id).length === 5, "five live messages");
    const messages = messagesOf(session.id);
    expect(messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    const big = messages.find((m) => m.seq === seqs.bigMarkdown)!;
    expect(JSON.stringify(big.content).length).toBeLessThan(30_000);
    expect(big.omitted?.content[0]).toMatchObject({ kind: "text", chars: MEGABYTE_MARKDOWN.length });
    expect(big.author).toMatchObject({ role: "user", suspicious: expect.stringMatching(/AI reply/) });
    expect(messages.find((m) => m.seq === seqs.deep)!.omitted?.content.map((o) => o.kind)).toEqual(["depth"]);
    expect(messages.find((m) => m.seq === seqs.forgedOperator)!.author).toMatchObject({ role: "user", suspicious: expect.stringMatching(/operator/) });
    unwatch();
  });

  it("delivers every message exactly once across a dev-server restart", async () => {
    const viewer = await makeOperator("operator");
    const session = await rest.createSession({ userId: "restart-user", agentId: "demo-agent" });
    await rest.appendMessage(session.id, { userId: "restart-user", content: { text: "before watching" } });
    await server.webhooksIdle();
    const unwatch = watchSession(session.id, viewer);
    await whenWatching(session.id);

    await rest.appendMessage(session.id, { userId: "restart-user", content: { text: "one" } });
    await until(() => messagesOf(session.id).filter((m) => m.kind === "assistant").length >= 1, "the first reply");
    await server.webhooksIdle();

    const port = server.port;
    await server.close();
    ({ server, rest } = await startFleetlm({ demo: true, dataDir, port }));
    // Appended while the Console's socket is still reconnecting: it arrives through the rejoin replay.
    await appendPastStaleSockets(() => rest.appendMessage(session.id, { userId: "restart-user", content: { text: "two" } }));
    await until(() => messagesOf(session.id).filter((m) => m.kind === "assistant").length >= 2, "the reply after the restart");
    await server.webhooksIdle();
    await rest.appendMessage(session.id, { agentId: "demo-agent", content: { text: "three" } });
    const head = (await rest.listMessages(session.id, { limit: 100 })).at(-1)!.seq;
    await until(() => (messagesOf(session.id).at(-1)?.seq ?? 0) >= head, "the last message");

    const seqs = messagesOf(session.id).map((m) => m.seq);
    // Watching started at the head (seq 2): everything after it exactly once, in order.
    expect(seqs).toEqual(Array.from({ length: head - 2 }, (_, i) => i + 3));
    expect(chunksOf(session.id).some((c) => c.type === "console-stream-interrupted")).toBe(true);
    unwatch();
  });

  it("shares one socket per agent, counts viewers and publishes presence", async () => {
    const ada = await makeOperator("operator", { name: "Ada" });
    const bob = await makeOperator("auditor", { name: "Bob" });
    const a = await rest.createSession({ userId: "p-user-1", agentId: "demo-agent" });
    const b = await rest.createSession({ userId: "p-user-2", agentId: "demo-agent" });
    const stops = [watchSession(a.id, ada), watchSession(a.id, ada), watchSession(a.id, bob), watchSession(b.id, bob)];
    await whenWatching(a.id);
    await whenWatching(b.id);
    expect(sessionWatchStats()).toEqual({ sessions: 2, agentSockets: 1 });
    expect(
      currentViewers(a.id)
        .map((v) => v.name)
        .sort(),
    ).toEqual(["Ada", "Bob"]);
    const presence = events.filter((e): e is Extract<LiveEvent, { type: "presence" }> => e.type === "presence" && e.sessionId === a.id).at(-1)!;
    expect(presence.viewers.map((v) => v.name).sort()).toEqual(["Ada", "Bob"]);

    stops[0]!(); // Ada still has a second tab open
    stops[0]!(); // releasing twice changes nothing
    expect(
      currentViewers(a.id)
        .map((v) => v.name)
        .sort(),
    ).toEqual(["Ada", "Bob"]);
    stops[1]!();
    expect(currentViewers(a.id).map((v) => v.name)).toEqual(["Bob"]);
    stops[2]!();
    expect(currentViewers(a.id)).toEqual([]);
    await until(() => sessionWatchStats().sessions === 1, "session a to be released");
    stops[3]!();
    await until(() => sessionWatchStats().agentSockets === 0, "the agent socket to close");
  });

  it("keeps trying while FleetLM does not know the session, without failing", async () => {
    const viewer = await makeOperator("operator");
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const stop = watchSession("AZunknown000000000000A", viewer);
    // The signal that it tried and failed: its warning. Then it must still be there, waiting to retry.
    await until(() => warn.mock.calls.some(([line]) => String(line).includes("could not watch AZunknown000000000000A")), "the failed attempt");
    warn.mockRestore();
    expect(sessionWatchStats().sessions).toBe(1);
    stop();
    await until(() => sessionWatchStats().sessions === 0, "the watch to stop");
  });
});

/**
 * A POST right after an in-process restart may go out on any of the pooled keep-alive sockets to the old server
 * that this process has not yet seen closed; each such try fails with a network error before reaching the new
 * server, and undici drops that socket. The client never retries a POST itself, so try again until one gets through.
 */
async function appendPastStaleSockets<T>(append: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await append();
    } catch (error) {
      if (!(error instanceof FleetLMNetworkError) || attempt === 20) throw error;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
