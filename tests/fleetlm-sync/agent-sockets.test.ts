// Agent sockets for `session:` channels, shared by the session page's watches and the hot pushes (ADR 208): at
// most 200 channels a socket, never one topic twice on a socket, a socket closed with its last seat.
import { describe, expect, it } from "vitest";
import { acquireAgentSeat, agentSocketCount, CHANNELS_PER_SOCKET } from "~/fleetlm-sync/agent-sockets.server";

const URL = "http://127.0.0.1:9"; // never connected: seats are placed before any socket opens

describe("agent sockets", () => {
  it("puts at most 200 channels on a socket, one topic once per socket, and closes a socket with its last seat", async () => {
    const before = agentSocketCount();
    const seats = Array.from({ length: CHANNELS_PER_SOCKET + 1 }, (_, i) => acquireAgentSeat("pool-bot", `session:s${i}`, { fleetlmUrl: URL }));
    expect(agentSocketCount() - before).toBe(2);
    expect(new Set(seats.slice(0, CHANNELS_PER_SOCKET).map((seat) => seat.socket)).size).toBe(1);
    expect(seats[CHANNELS_PER_SOCKET]!.socket).not.toBe(seats[0]!.socket);
    // A watched session of a hot user: the watch and the push each join it, on two sockets.
    const again = acquireAgentSeat("pool-bot", "session:s1", { fleetlmUrl: URL });
    expect(again.socket).not.toBe(seats[1]!.socket);
    expect(agentSocketCount() - before).toBe(2);
    // Another agent never shares a socket.
    const other = acquireAgentSeat("other-bot", "session:s1", { fleetlmUrl: URL });
    expect(agentSocketCount() - before).toBe(3);
    for (const seat of [...seats, again, other]) await seat.release();
    expect(agentSocketCount()).toBe(before);
  });
});
