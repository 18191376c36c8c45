// The gateway's pool of channel muxes for pushed sessions (ADR 222): topics spread over muxes of one agent at most
// `perMux` each, a mux closed with its last topic, a refused topic's place given back, and a first open that fails
// handing its topics back to the owner.
import "../support/db";
import { describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { socketUrlFor, type ChannelMuxHandler } from "@fleetlm/client";
import { PushMuxes } from "~/fleetlm-sync/push-muxes.server";
import { withDevServerAndGateway } from "../support/dev-server";
import { freePort } from "../support/console-process";

const live = withDevServerAndGateway();

function recorder() {
  const joined = new Set<string>();
  const refused: string[] = [];
  const handler: ChannelMuxHandler = {
    params: () => ({ last_seq: 0 }),
    joined: (topic) => joined.add(topic),
    refused: (topic) => refused.push(topic),
    event: () => {},
  };
  return { handler, joined, refused };
}

describe("push muxes", () => {
  it("spreads an agent's topics over muxes of at most perMux and closes each with its last topic", async () => {
    const user = `pm-${randomUUID().slice(0, 6)}`;
    const sessions = await Promise.all([0, 1, 2, 3, 4].map(() => live.rest.createSession({ userId: user, agentId: "pm-bot" })));
    const other = await live.rest.createSession({ userId: user, agentId: "pm-other" });
    const { handler, joined } = recorder();
    const errors: unknown[] = [];
    const muxes = new PushMuxes({
      socketUrl: socketUrlFor(live.dev.url),
      perMux: 2,
      handler,
      onOpenFailed: (_t, e) => errors.push(e),
      onError: (e) => errors.push(e),
    });
    const topic = (session: { id: string }) => `session:${session.id}`;
    try {
      const on = new Map(sessions.map((session) => [session.id, muxes.join("pm-bot", topic(session))]));
      const otherMux = muxes.join("pm-other", topic(other));
      expect(muxes.count).toBe(4); // 2 + 2 + 1 for pm-bot, 1 for pm-other
      expect(new Set(on.values()).size).toBe(3);
      expect(otherMux.has(topic(other))).toBe(true);
      await expect.poll(() => joined.size, { timeout: 10_000 }).toBe(6);
      expect(sessions.every((s) => on.get(s.id)!.isJoined(topic(s)))).toBe(true);
      // A place left on a mux is taken before a new mux is opened.
      muxes.leave(on.get(sessions[1]!.id)!, topic(sessions[1]!));
      expect(muxes.count).toBe(4);
      const again = muxes.join("pm-bot", topic(sessions[1]!));
      expect(again).toBe(on.get(sessions[0]!.id));
      on.set(sessions[1]!.id, again);
      await expect.poll(() => again.isJoined(topic(sessions[1]!)), { timeout: 10_000 }).toBe(true);
      // The mux holding only the fifth closes with it.
      muxes.leave(on.get(sessions[4]!.id)!, topic(sessions[4]!));
      expect(muxes.count).toBe(3);
      for (const session of sessions.slice(0, 4)) muxes.leave(on.get(session.id)!, topic(session));
      muxes.leave(otherMux, topic(other));
      expect(muxes.count).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await muxes.stop();
    }
  });

  it("gives back the place of a topic FleetLM refused", async () => {
    const user = `pm-${randomUUID().slice(0, 6)}`;
    const session = await live.rest.createSession({ userId: user, agentId: "pm-bot" });
    const { handler, refused } = recorder();
    const muxes = new PushMuxes({ socketUrl: socketUrlFor(live.dev.url), handler, onOpenFailed: () => {}, onError: () => {} });
    try {
      // Joined as the wrong agent: FleetLM refuses, the mux drops the topic, the owner leaves it.
      const mux = muxes.join("not-the-agent", `session:${session.id}`);
      await expect.poll(() => refused, { timeout: 10_000 }).toEqual([`session:${session.id}`]);
      expect(mux.has(`session:${session.id}`)).toBe(false);
      muxes.leave(mux, `session:${session.id}`);
      expect(muxes.count).toBe(0);
    } finally {
      await muxes.stop();
    }
  });

  it("hands its topics back when a mux's first open fails", async () => {
    const port = await freePort(); // nothing listens there
    const failed: string[][] = [];
    const { handler } = recorder();
    const muxes = new PushMuxes({ socketUrl: `ws://127.0.0.1:${port}/socket`, handler, onOpenFailed: (topics) => failed.push(topics), onError: () => {} });
    try {
      const first = muxes.join("pm-bot", "session:a");
      muxes.join("pm-bot", "session:b");
      await expect.poll(() => failed, { timeout: 10_000 }).toEqual([["session:a", "session:b"]]);
      expect(muxes.count).toBe(0);
      // The next join opens a new mux (a failed one is not reused).
      expect(muxes.join("pm-bot", "session:a")).not.toBe(first);
      expect(muxes.count).toBe(1);
    } finally {
      await muxes.stop();
    }
  });
});
