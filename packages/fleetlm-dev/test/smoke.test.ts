import { describe, expect, it } from "vitest";
import { append, collect, connect, createSession, join, push, startServer, waitFor } from "./helpers.js";

describe("smoke", () => {
  it("joins a session over phoenix and receives messages", async () => {
    const server = await startServer();
    const session = await createSession(server, "alice", "bot");
    await append(server, session.id, { user_id: "alice", content: { text: "hello" } });
    const socket = await connect(server, { user_id: "alice" });
    const channel = socket.channel(`session:${session.id}`, {});
    const messages = collect(channel, "message");
    const reply = await join(channel);
    expect(reply.status).toBe("ok");
    expect(reply.response.messages).toHaveLength(1);
    const sent = await push(channel, "send", { content: { kind: "text", content: { text: "yo" } } });
    expect(sent).toEqual({ status: "ok", response: { seq: 2 } });
    await waitFor(() => messages.length === 2);
    expect(messages.map((m) => m.seq)).toEqual([2, 2]);
  });

  it("counts what clients ask of it: HTTP requests and WebSocket frames (the benches' load figures)", async () => {
    const server = await startServer();
    const before = server.load();
    const session = await createSession(server, "carol", "bot");
    await append(server, session.id, { user_id: "carol", content: { text: "hello" } });
    expect(server.load().httpRequests - before.httpRequests).toBe(2);
    const socket = await connect(server, { user_id: "carol" });
    const channel = socket.channel(`session:${session.id}`, {});
    await join(channel);
    await push(channel, "send", { content: { kind: "text", content: { text: "yo" } } });
    // The join and the send at least (phoenix may have sent a heartbeat too); the upgrade is not a request.
    expect(server.load().socketFrames - before.socketFrames).toBeGreaterThanOrEqual(2);
    expect(server.load().httpRequests - before.httpRequests).toBe(2);
    // By route (ids as `:id`) and by frame kind.
    expect(server.load().httpByRoute).toMatchObject({ "POST /api/sessions": 1, "POST /api/sessions/:id/messages": 1 });
    expect(server.load().framesByKind).toMatchObject({ "session:phx_join": 1, "session:send": 1 });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/fleetlm_dev_http_requests_total 3/);
    expect(metrics).toMatch(/fleetlm_dev_socket_frames_total \d+/);
  });

  it("lists a user's sessions newest first, the same with many users as with one", async () => {
    const server = await startServer();
    const made: string[] = [];
    for (let i = 0; i < 6; i++) made.push((await createSession(server, i % 2 ? "dave" : "erin", "bot")).id);
    const list = async (query: string) =>
      ((await (await fetch(`${server.url}/api/sessions${query}`)).json()) as { sessions: { id: string }[] }).sessions.map((s) => s.id);
    expect(await list("?user_id=dave")).toEqual([made[5], made[3], made[1]]);
    expect(await list("?user_id=erin")).toEqual([made[4], made[2], made[0]]);
    expect((await list("")).slice(0, 6)).toEqual([...made].reverse());
    made.push((await createSession(server, "dave", "bot")).id);
    expect((await list(""))[0]).toBe(made[6]);
    expect((await list("?user_id=dave"))[0]).toBe(made[6]);
  });
});
