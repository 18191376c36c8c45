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
});
