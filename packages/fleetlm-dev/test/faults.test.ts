// Fault hooks on the server object, for the client's fault tests.
import { describe, expect, it } from "vitest";
import { apiFor, collect, connect, createSession, join, rawSocket, sleep, startServer, waitFor, append } from "./helpers.js";

describe("faults", () => {
  it("REST modes: slow, error500, rate429 with Retry-After, garbage, and back to normal", async () => {
    const server = await startServer();
    const api = apiFor(server);
    server.faults.set({ mode: "error500" });
    expect(await api("GET", "/api/sessions")).toMatchObject({ status: 500, body: { errors: { detail: "Internal Server Error" } } });
    server.faults.set({ mode: "rate429", retryAfterS: 7 });
    const limited = await api("POST", "/api/sessions", { user_id: "a", agent_id: "b" });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("7");
    expect(server.store.listSessions(undefined, 10)).toHaveLength(0);
    server.faults.set({ mode: "garbage" });
    const garbage = await api("GET", "/api/sessions");
    expect(garbage.status).toBe(200);
    expect(garbage.headers.get("content-type")).toContain("application/json");
    expect(() => JSON.parse(garbage.text)).toThrow();
    server.faults.set({ mode: "slow", delayMs: 1000 });
    expect(server.faults.get()).toEqual({ mode: "slow", delayMs: 1000, retryAfterS: 1 });
    let done = false;
    const slow = api("GET", "/api/sessions").then((r) => {
      done = true;
      return r;
    });
    await sleep(150);
    expect(done).toBe(false);
    expect((await slow).status).toBe(200);
    server.faults.set({ mode: null });
    expect((await api("GET", "/api/sessions")).status).toBe(200);
  });

  it("closeSockets(1000) closes every socket with that code; phoenix clients can come back", async () => {
    const server = await startServer();
    const s = await createSession(server, "alice", "bot");
    const raw = await rawSocket(server, "user_id=alice&vsn=2.0.0");
    const socket = await connect(server, { user_id: "alice" });
    const channel = socket.channel(`session:${s.id}`, {});
    const messages = collect(channel, "message");
    await join(channel);
    let closes = 0;
    socket.onClose(() => void closes++);
    server.faults.closeSockets(4001);
    await waitFor(() => raw.closed.code !== undefined, 2000, "raw close");
    expect(raw.closed.code).toBe(4001);
    await waitFor(() => closes > 0, 2000, "phoenix close");
    await waitFor(() => socket.isConnected() && channel.state === "joined", 5000, "rejoin");
    await append(server, s.id, { user_id: "alice", content: {} });
    await waitFor(() => messages.length === 1, 2000, "message after rejoin");
    const raw2 = await rawSocket(server, "user_id=alice&vsn=2.0.0");
    server.faults.closeSockets();
    await waitFor(() => raw2.closed.code !== undefined, 2000, "raw close");
    expect(raw2.closed.code).toBe(1000);
  });

  it("dropHeartbeats stops heartbeat replies until turned off", async () => {
    const server = await startServer();
    const raw = await rawSocket(server, "user_id=alice&vsn=2.0.0");
    server.faults.dropHeartbeats(true);
    raw.send([null, "1", "phoenix", "heartbeat", {}]);
    await sleep(200);
    expect(raw.frames).toHaveLength(0);
    server.faults.dropHeartbeats(false);
    raw.send([null, "2", "phoenix", "heartbeat", {}]);
    expect(await raw.next((f) => f[1] === "2")).toEqual([null, "2", "phoenix", "phx_reply", { status: "ok", response: {} }]);
  });
});
