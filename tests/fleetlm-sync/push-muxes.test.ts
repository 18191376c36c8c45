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
    try {
      for (const session of sessions) muxes.join("pm-bot", `session:${session.id}`);
      muxes.join("pm-bot", `session:${sessions[0]!.id}`); // a repeat takes no second place
      muxes.join("pm-other", `session:${other.id}`);
      expect(muxes.count).toBe(4); // 2 + 2 + 1 for pm-bot, 1 for pm-other
      await expect.poll(() => joined.size, { timeout: 10_000 }).toBe(6);
      expect([...sessions, other].every((s) => muxes.isJoined(`session:${s.id}`))).toBe(true);
      // A place left on a mux is taken before a new mux is opened.
      muxes.leave(`session:${sessions[1]!.id}`);
      expect(muxes.count).toBe(4);
      muxes.join("pm-bot", `session:${sessions[1]!.id}`);
      expect(muxes.count).toBe(4);
      await expect.poll(() => muxes.isJoined(`session:${sessions[1]!.id}`), { timeout: 10_000 }).toBe(true);
      // The mux holding only the fifth closes with it.
      muxes.leave(`session:${sessions[4]!.id}`);
      expect(muxes.count).toBe(3);
      for (const session of [...sessions, other]) muxes.leave(`session:${session.id}`);
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
      muxes.join("not-the-agent", `session:${session.id}`);
      await expect.poll(() => refused, { timeout: 10_000 }).toEqual([`session:${session.id}`]);
      expect(muxes.isJoined(`session:${session.id}`)).toBe(false);
      muxes.leave(`session:${session.id}`);
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
      muxes.join("pm-bot", "session:a");
      muxes.join("pm-bot", "session:b");
      await expect.poll(() => failed, { timeout: 10_000 }).toEqual([["session:a", "session:b"]]);
      expect(muxes.count).toBe(0);
      // The next join opens a new mux (a failed one is not reused).
      muxes.join("pm-bot", "session:a");
      expect(muxes.count).toBe(1);
    } finally {
      await muxes.stop();
    }
  });
});
