// FleetLM's own Next.js example (§9.1), tried as a new user would: register, create, join bare, append, stream.
import { describe, expect, it } from "vitest";
import { Socket } from "phoenix";
import WebSocket from "ws";
import { onCleanup, sleep, startAgent, startServer, waitFor } from "./helpers.js";

describe("§9.1 examples/nextjs-chat call sequence", () => {
  it("works end to end against the dev server", async () => {
    const server = await startServer();
    const FLEETLM_API_URL = server.url;
    const json = { Accept: "application/json", "Content-Type": "application/json" };

    // The example's webhook route: start, text-start, one text-delta per character, text-end, finish.
    const agent = await startAgent(async (call, res) => {
      const last = call.body.messages.at(-1);
      const text = `You said: ${last?.content?.text ?? last?.content?.content?.text ?? ""}`;
      const started = Date.now();
      res.writeHead(200, { "Content-Type": "application/json" });
      const line = (o: unknown) => res.write(JSON.stringify(o) + "\n");
      line({ type: "start", messageId: `nextjs-${started}`, messageMetadata: { mode: "nextjs-demo" } });
      line({ type: "text-start", id: "text-1" });
      for (const ch of text) {
        line({ type: "text-delta", id: "text-1", delta: ch });
        await sleep(2);
      }
      line({ type: "text-end", id: "text-1" });
      line({
        type: "finish",
        message: { id: `nextjs-${started}`, role: "assistant", parts: [{ type: "text", text }] },
        messageMetadata: { latency_ms: Date.now() - started, source: "nextjs-demo" },
      });
      res.end();
    });

    // npm run register-agent
    const registration = {
      agent: {
        id: "nextjs-demo-agent",
        name: "Next.js Demo Agent",
        origin_url: agent.url,
        webhook_path: "/api/fleetlm/webhook",
        message_history_mode: "tail",
        message_history_limit: 20,
        timeout_ms: 30000,
        debounce_window_ms: 250,
        status: "enabled",
        compaction_enabled: false,
      },
    };
    const registered = await fetch(`${FLEETLM_API_URL}/api/agents`, { method: "POST", headers: json, body: JSON.stringify(registration) });
    expect(registered.ok).toBe(true);
    expect((await registered.json()).agent.id).toBe("nextjs-demo-agent");
    const again = await fetch(`${FLEETLM_API_URL}/api/agents`, { method: "POST", headers: json, body: JSON.stringify(registration) });
    expect(again.status).toBe(422); // running the script twice fails

    // Browser bootstrap → POST /api/sessions
    const created = await fetch(`${FLEETLM_API_URL}/api/sessions`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ user_id: "nextjs-user", agent_id: "nextjs-demo-agent", metadata: { source: "nextjs-demo" } }),
    });
    expect(created.ok).toBe(true);
    expect(created.headers.get("content-type")).toContain("application/json");
    const session = (await created.json()).session;

    // The bare phoenix client, exactly as the example uses it.
    const socket = new Socket(server.socketUrl, { transport: WebSocket as any, params: { user_id: "nextjs-user" } });
    onCleanup(() => socket.disconnect());
    socket.connect();
    const channel = socket.channel(`session:${session.id}`, {});
    let messages: any[] = [];
    let liveText = "";
    const liveHistory: string[] = [];
    channel.on("message", (m) => {
      messages = [...messages.filter((x) => x.seq !== m.seq), m].sort((a, b) => a.seq - b.seq);
      if (m.kind === "assistant") liveText = "";
    });
    channel.on("stream_chunk", ({ chunk }) => {
      if (chunk.type === "start" || chunk.type === "text-start") liveText = "";
      else if (chunk.type === "text-delta") liveText += chunk.delta;
      else if (chunk.type === "finish" || chunk.type === "abort") liveText = "";
      liveHistory.push(liveText);
    });
    const joined = await new Promise<any>((resolve, reject) =>
      channel
        .join()
        .receive("ok", resolve)
        .receive("error", reject)
        .receive("timeout", () => reject(new Error("timeout"))),
    );
    messages = [...joined.messages].sort((a, b) => a.seq - b.seq);
    expect(messages).toEqual([]);

    // Send → POST /api/sessions/:id/messages
    const sent = await fetch(`${FLEETLM_API_URL}/api/sessions/${session.id}/messages`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ user_id: "nextjs-user", kind: "text", content: { text: "hi" } }),
    });
    expect(sent.ok).toBe(true);
    expect((await sent.json()).message.seq).toBe(1);

    await waitFor(() => messages.some((m) => m.kind === "assistant"), 10_000, "assistant message");
    expect(liveHistory).toContain("You said: hi");
    expect(liveText).toBe("");
    const assistant = messages.find((m) => m.kind === "assistant");
    expect(assistant).toMatchObject({
      seq: 2,
      sender_id: "nextjs-demo-agent",
      content: { role: "assistant", parts: [{ type: "text", text: "You said: hi", state: "done" }] },
      metadata: { mode: "nextjs-demo", source: "nextjs-demo", termination: "finish" },
    });
    expect(assistant.content.id).toMatch(/^nextjs-\d+$/);
    expect(assistant.metadata.latency_ms).toEqual(expect.any(Number));
    expect(assistant.metadata._finish_chunk.type).toBe("finish");
    // the webhook got the tail with the user's message last
    expect(agent.calls[0]!.body.messages.at(-1)).toMatchObject({ seq: 1, content: { text: "hi" } });

    // Also defined in the example: list sessions by user
    const list = await (await fetch(`${FLEETLM_API_URL}/api/sessions?user_id=nextjs-user`, { headers: json })).json();
    expect(list.sessions.map((s: any) => s.id)).toEqual([session.id]);

    // unmount
    await new Promise((r) => channel.leave().receive("ok", r));
    socket.disconnect();
  });
});
