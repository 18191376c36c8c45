// Sessions followed on their `session:` channels (ADR 208, 222): a followed user's message reaches the index by
// push, with no inbox re-join (the re-join intervals here are far longer than the test). With GATEWAY_PUSH_SCOPE
// `hot` a user who cools down leaves the channels; with `all` (the default) the channels stay, the inbox is
// re-joined only every GATEWAY_PUSHED_REJOIN_MS, and a new session the list poll finds is pushed at once. After
// FleetLM closes every socket the channels rejoin and the index catches up on what was stored meanwhile.
// GATEWAY_HOT_PUSHES=0 (`hotPushes: false`) falls back to the inbox.
import "../support/db";
import { storeQuietly, withDevServerAndGateway } from "../support/dev-server";
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { gatewayStatus, inboxSchedule, startGateway, type GatewayOptions } from "~/fleetlm-sync/gateway.server";
import { findIndexed, indexedHeads, upsertSessions } from "~/inbox/session-index.server";

const AGENT = "hot-bot";
const live = withDevServerAndGateway();

function appendQuietly(sessionId: string, userId: string, count: number) {
  for (let i = 0; i < count; i++) storeQuietly(live.dev, { sessionId, from: userId, content: { text: `quiet ${i}` } });
}

/** The gateway on this file's dev server, polling every 100 ms, no sweep; `quiet` re-joins far apart. */
const quiet = { rejoinMs: 600_000, rejoin: { warmMs: 3_600_000 } } as const;
const start = (options: GatewayOptions = {}) => startGateway({ fleetlmUrl: live.dev.url, pollMs: 100, sweepPerSecond: 0, force: true, ...options });

const head = async (sessionId: string) => (await indexedHeads([sessionId])).get(sessionId) ?? -1;
const hops = (file: string) =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { hop: string; session: string; via?: string; seq?: number });

describe("hot pushes", () => {
  it("brings a hot user's message into the index by push, with no inbox re-join", async () => {
    const user = `hot-${randomUUID().slice(0, 6)}`;
    const sessions = await Promise.all([0, 1].map(() => live.rest.createSession({ userId: user, agentId: AGENT })));
    const trace = path.join(mkdtempSync(path.join(tmpdir(), "hot-pushes-")), "trace.jsonl");
    // Hot re-joins every 10 minutes, warm ones every hour: only the first join is an inbox join in this test.
    await start({ ...quiet, traceFile: trace });
    // A user first seen is hot: once the list poll or their inbox named the sessions, both channels are joined.
    await expect.poll(() => inboxSchedule(user)?.pushed, { timeout: 20_000 }).toBe(true);
    await expect.poll(() => inboxSchedule(user)?.refreshes, { timeout: 10_000 }).toBe(1); // the first join
    const refreshes = inboxSchedule(user)!.refreshes;

    await live.rest.appendMessage(sessions[1]!.id, { userId: user, content: { text: "by push" } });
    await expect.poll(() => head(sessions[1]!.id), { timeout: 10_000 }).toBe(1);
    expect(inboxSchedule(user)!.refreshes).toBe(refreshes);
    expect(gatewayStatus().pushes).toBeGreaterThanOrEqual(1);
    // The sync that moved the head was started by the push (without the push path it would be the inbox's).
    await expect.poll(() => hops(trace).some((h) => h.hop === "announced" && h.session === sessions[1]!.id), { timeout: 5_000 }).toBe(true);
    const seen = hops(trace).filter((h) => h.hop === "seen" && h.session === sessions[1]!.id && h.seq === 1);
    expect(seen[0]?.via).toBe("push");
    // A second message, and the duplicate broadcast of nothing: still by push, still no re-join.
    await live.rest.appendMessage(sessions[1]!.id, { userId: user, content: { text: "again" } });
    await expect.poll(() => head(sessions[1]!.id), { timeout: 10_000 }).toBe(2);
    expect(inboxSchedule(user)!.refreshes).toBe(refreshes);
    // The push carries the message: indexed from it (ADR 224), with no FleetLM read, and the row says what REST
    // would. (The inbox delta of the same append may win the race for a message and read FleetLM; not for both.)
    const readsOf = () => hops(trace).filter((h) => h.hop === "read" && h.session === sessions[1]!.id) as { pushed?: number }[];
    await expect.poll(() => readsOf().some((h) => h.pushed === 1), { timeout: 5_000 }).toBe(true);
    expect(gatewayStatus().syncsFromPushes).toBeGreaterThanOrEqual(1);
    const row = await findIndexed(sessions[1]!.id);
    const stored = (await live.rest.listMessages(sessions[1]!.id, { afterSeq: 1 })).at(-1)!;
    expect(row).toMatchObject({ headSeq: 2, userCount: 2, lastPreview: "again", lastSenderRole: "user", lastActivityAt: stored.insertedAt });
  });

  it("reads FleetLM when a push leaves a gap after the index's head, and indexes every seq", async () => {
    const user = `gap-${randomUUID().slice(0, 6)}`;
    const session = await live.rest.createSession({ userId: user, agentId: AGENT });
    const trace = path.join(mkdtempSync(path.join(tmpdir(), "hot-pushes-gap-")), "trace.jsonl");
    await start({ ...quiet, traceFile: trace });
    await expect.poll(() => inboxSchedule(user)?.pushed, { timeout: 20_000 }).toBe(true);
    // Stored with no broadcast: the push of #3 is the first the gateway hears, with #1 and #2 unseen.
    appendQuietly(session.id, user, 2);
    await live.rest.appendMessage(session.id, { userId: user, content: { text: "third" } });
    await expect.poll(() => head(session.id), { timeout: 10_000 }).toBe(3);
    const firstRead = () => hops(trace).find((h) => h.hop === "read" && h.session === session.id && (h as { messages?: number }).messages! > 0);
    await expect.poll(firstRead, { timeout: 5_000 }).toMatchObject({ pushed: 0, messages: 3 });
    expect(await findIndexed(session.id)).toMatchObject({ headSeq: 3, userCount: 3, lastPreview: "third" });
  });

  it("leaves a user's channels when the user cools down (scope hot)", async () => {
    const user = `cooling-${randomUUID().slice(0, 6)}`;
    const session = await live.rest.createSession({ userId: user, agentId: AGENT });
    // Hot for 1.5 s after the last activity the gateway saw.
    await start({ rejoinMs: 200, rejoin: { hotForMs: 1_500 }, pushScope: "hot" });
    await expect.poll(() => inboxSchedule(user)?.pushed, { timeout: 20_000 }).toBe(true);
    await live.rest.appendMessage(session.id, { userId: user, content: { text: "still hot" } });
    await expect.poll(() => head(session.id), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => inboxSchedule(user)?.class, { timeout: 10_000 }).toBe("warm");
    await expect.poll(() => inboxSchedule(user)?.pushed, { timeout: 5_000 }).toBe(false);
    await expect.poll(() => gatewayStatus().hotUsers, { timeout: 5_000 }).toBe(0);
    // Left on FleetLM's side too: the agent sockets close with their last channel.
    expect(gatewayStatus().pushChannels).toBe(0);
  });

  it("keeps a cooled user's channels with scope all, and re-joins their inbox only at the pushed interval", async () => {
    const user = `all-${randomUUID().slice(0, 6)}`;
    const session = await live.rest.createSession({ userId: user, agentId: AGENT });
    // Hot for 1.5 s, warm re-joins every 300 ms: without the pushed interval the inbox would be re-joined often.
    await start({ rejoinMs: 200, rejoin: { hotForMs: 1_500, warmMs: 300, coldMs: 300 }, pushedRejoinMs: 600_000 });
    await expect.poll(() => inboxSchedule(user)?.pushed, { timeout: 20_000 }).toBe(true);
    await expect.poll(() => inboxSchedule(user)?.class, { timeout: 10_000 }).toBe("warm");
    // Cooled for ten passes of the hot set (every 20 ms here), which in scope hot leave the channels: still pushed.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(inboxSchedule(user)!.pushed).toBe(true);
    const refreshes = inboxSchedule(user)!.refreshes;
    expect(inboxSchedule(user)!.dueAt - Date.now()).toBeGreaterThan(300_000);
    await live.rest.appendMessage(session.id, { userId: user, content: { text: "while warm" } });
    await expect.poll(() => head(session.id), { timeout: 10_000 }).toBe(1);
    expect(inboxSchedule(user)).toMatchObject({ pushed: true, refreshes });
    // Every user of this dev server is followed by push (earlier tests' too), on one mux: one agent, few sessions.
    expect(gatewayStatus()).toMatchObject({ pushSockets: 1, pushChannelsJoined: gatewayStatus().pushChannels });
  });

  it("moves an inbox's next re-join to the pushed interval once all its sessions are joined, with no second re-join", async () => {
    const user = `covered-${randomUUID().slice(0, 6)}`;
    const sessions = await Promise.all([0, 1].map(() => live.rest.createSession({ userId: user, agentId: AGENT })));
    // Indexed before the start (as a restarted Console has them), so the list poll hands nothing over: the inbox's
    // first join is set to re-join before any channel is joined, a minute later at every class's rate here.
    await upsertSessions(sessions);
    await start({ rejoinMs: 60_000, rejoin: { warmMs: 60_000, coldMs: 60_000 }, pushedRejoinMs: 600_000 });
    await expect.poll(() => inboxSchedule(user)?.pushed, { timeout: 20_000 }).toBe(true);
    await expect.poll(() => inboxSchedule(user)!.dueAt - Date.now(), { timeout: 5_000 }).toBeGreaterThan(300_000);
    expect(inboxSchedule(user)!.refreshes).toBeLessThanOrEqual(1); // the first join only
  });

  it("leaves a pushed user's inbox channel until the next re-join, and re-joins it at once after a socket drop", async () => {
    const user = `parked-${randomUUID().slice(0, 6)}`;
    const session = await live.rest.createSession({ userId: user, agentId: AGENT });
    await start(quiet);
    await expect.poll(() => inboxSchedule(user)?.parked, { timeout: 20_000 }).toBe(true);
    expect(inboxSchedule(user)).toMatchObject({ pushed: true, joined: true, refreshes: 1 });
    expect(gatewayStatus().inboxesParked).toBeGreaterThanOrEqual(1);
    // FleetLM holds no inbox channel of this user now; the messages still come by push.
    await live.rest.appendMessage(session.id, { userId: user, content: { text: "parked" } });
    await expect.poll(() => head(session.id), { timeout: 10_000 }).toBe(1);
    // A socket drop may mean FleetLM restarted: the parked inbox is joined again now, its snapshot reconciled.
    live.dev.faults.closeSockets(1011);
    await expect.poll(() => inboxSchedule(user)?.refreshes, { timeout: 15_000 }).toBe(2);
    await expect.poll(() => inboxSchedule(user)?.parked, { timeout: 10_000 }).toBe(true);
    await live.rest.appendMessage(session.id, { userId: user, content: { text: "after the drop" } });
    await expect.poll(() => head(session.id), { timeout: 10_000 }).toBe(2);
  });

  it("pushes a new session the list poll finds at once, with no inbox re-join (scope all)", async () => {
    const user = `new-${randomUUID().slice(0, 6)}`;
    await live.rest.createSession({ userId: user, agentId: AGENT });
    await start(quiet);
    await expect.poll(() => inboxSchedule(user)?.pushed, { timeout: 20_000 }).toBe(true);
    // Pushed before its inbox was joined (the list poll handed the session over first): the first join still
    // comes, its snapshot is what reconciles the user's sessions.
    await expect.poll(() => inboxSchedule(user)?.refreshes, { timeout: 10_000 }).toBe(1);
    const refreshes = inboxSchedule(user)!.refreshes;
    const later = await live.rest.createSession({ userId: user, agentId: AGENT });
    // Whether its channel is joined before the message or after, the message arrives by push: a push, or the
    // join's reply from seq 0. Without the hand-over only the inbox's re-join, 10 minutes away, would tell.
    await live.rest.appendMessage(later.id, { userId: user, content: { text: "in the new session" } });
    await expect.poll(() => head(later.id), { timeout: 10_000 }).toBe(1);
    expect(inboxSchedule(user)).toMatchObject({ pushed: true, refreshes });
  });

  it("rejoins every channel after FleetLM closes the sockets, and the index catches up on what was stored meanwhile", async () => {
    const user = `drop-${randomUUID().slice(0, 6)}`;
    const sessions = await Promise.all([0, 1, 2].map(() => live.rest.createSession({ userId: user, agentId: AGENT })));
    const trace = path.join(mkdtempSync(path.join(tmpdir(), "hot-pushes-drop-")), "trace.jsonl");
    await start({ ...quiet, traceFile: trace });
    await expect.poll(() => inboxSchedule(user)?.pushed, { timeout: 20_000 }).toBe(true);
    live.dev.faults.closeSockets(1011);
    // Every channel of the gateway (earlier tests' users are followed too) is lost with its socket, then rejoined.
    await expect.poll(() => gatewayStatus().pushChannelsJoined, { timeout: 5_000 }).toBe(0);
    // Stored with no broadcast (as FleetLM would while the socket is down): only a rejoin or a re-read can tell.
    // More than a join reply holds (100) on one session: the reply is not taken as all there is.
    appendQuietly(sessions[2]!.id, user, 2);
    appendQuietly(sessions[1]!.id, user, 150);
    await expect.poll(() => inboxSchedule(user)?.pushed, { timeout: 15_000 }).toBe(true);
    expect(gatewayStatus().pushChannelsJoined).toBeGreaterThanOrEqual(3);
    await expect.poll(() => head(sessions[2]!.id), { timeout: 15_000 }).toBe(2);
    await expect.poll(() => head(sessions[1]!.id), { timeout: 15_000 }).toBe(150);
    // One read of FleetLM took all 150: the full join reply (the oldest 100) was not indexed as if it were the end.
    const firstRead = () => hops(trace).find((h) => h.hop === "read" && h.session === sessions[1]!.id && (h as { messages?: number }).messages! > 0);
    await expect.poll(firstRead, { timeout: 5_000 }).toMatchObject({ pushed: 0, messages: 150 });
    await live.rest.appendMessage(sessions[0]!.id, { userId: user, content: { text: "after the drop" } });
    await expect.poll(() => head(sessions[0]!.id), { timeout: 10_000 }).toBe(1);
  });

  it("falls back to the inbox with hot pushes off (GATEWAY_HOT_PUSHES=0)", async () => {
    const user = `no-push-${randomUUID().slice(0, 6)}`;
    const session = await live.rest.createSession({ userId: user, agentId: AGENT });
    await start({ rejoinMs: 300, hotPushes: false });
    await expect.poll(() => inboxSchedule(user)?.joined, { timeout: 20_000 }).toBe(true);
    const refreshes = inboxSchedule(user)!.refreshes;
    await live.rest.appendMessage(session.id, { userId: user, content: { text: "by the inbox" } });
    await expect.poll(() => head(session.id), { timeout: 10_000 }).toBe(1);
    expect(gatewayStatus()).toMatchObject({ pushChannels: 0, pushes: 0 });
    expect(inboxSchedule(user)!.pushed).toBe(false);
    // Hot and not pushed: re-joined at the hot rate.
    await expect.poll(() => inboxSchedule(user)!.refreshes, { timeout: 10_000 }).toBeGreaterThan(refreshes);
  });
});
