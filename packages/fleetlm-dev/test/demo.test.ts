// --demo, --traffic and --seed-sessions: a living system for a new user.
import { describe, expect, it } from "vitest";
import { apiFor, append, collect, connect, createSession, join, startServer, waitFor } from "./helpers.js";

describe("--demo agent", () => {
  it("is registered at the server's own URL and streams replies token by token", async () => {
    const server = await startServer({ demo: true, seed: 7 });
    const api = apiFor(server);
    const agent = (await api("GET", "/api/agents/demo-agent")).body.agent;
    expect(agent).toMatchObject({ id: "demo-agent", origin_url: server.url, webhook_path: "/demo-agent/webhook", status: "enabled" });
    const s = await createSession(server, "visitor", "demo-agent");
    const socket = await connect(server, { user_id: "visitor" });
    const channel = socket.channel(`session:${s.id}`, {});
    const chunks = collect(channel, "stream_chunk");
    const messages = collect(channel, "message");
    await join(channel);
    await append(server, s.id, { user_id: "visitor", content: { text: "What is the weather in Paris?" } });
    const reply = await waitFor(() => messages.find((m) => m.kind === "assistant"), 15_000, "demo reply");
    const types = chunks.map((c) => c.chunk.type);
    expect(types[0]).toBe("start");
    expect(types.filter((t) => t === "text-delta").length + types.filter((t) => t === "abort").length).toBeGreaterThan(0);
    expect(chunks.every((c) => c.agent_id === "demo-agent")).toBe(true);
    expect(reply.sender_id).toBe("demo-agent");
    expect(reply.content.role).toBe("assistant");
    if (reply.metadata.termination === "finish") {
      expect(reply.metadata.latency_ms).toEqual(expect.any(Number));
      // asking about the weather always uses the tool
      expect(reply.content.parts.some((p: any) => p.type === "tool-weather" && p.state === "output-available")).toBe(true);
      expect(reply.content.parts.some((p: any) => p.type === "text" && p.text.length > 0)).toBe(true);
    }
  }, 20_000);

  it("produces every kind of reply across many seeds (reasoning, tools, data, abort, error)", async () => {
    const { demoScript } = await import("../src/demo/agent.js");
    const { createRng } = await import("../src/demo/random.js");
    const seen = new Set<string>();
    let slow = 0;
    for (let i = 0; i < 400; i++) {
      const script = demoScript(createRng(i), "hello");
      for (const step of script) seen.add(String(step.chunk.type));
      if (script[0]!.delayMs >= 3000) slow++;
    }
    for (const t of ["start", "reasoning-delta", "tool-input-start", "tool-output-available", "data-stats", "text-delta", "finish", "abort", "error"]) {
      expect(seen.has(t), t).toBe(true);
    }
    expect(slow).toBeGreaterThan(0);
    // same seed, same reply
    expect(demoScript(createRng("x"), "q").map((s) => s.chunk)).toEqual(demoScript(createRng("x"), "q").map((s) => s.chunk));
  });
});

describe("--traffic N", () => {
  it("creates sessions for many users and posts messages that move inboxes", async () => {
    const server = await startServer({ traffic: 1200, seed: 3 });
    const api = apiFor(server);
    await waitFor(() => server.store.listSessions(undefined, 50).length >= 3, 10_000, "traffic sessions");
    const list = (await api("GET", "/api/sessions")).body.sessions;
    expect(new Set(list.map((s: any) => s.user_id)).size).toBeGreaterThan(1);
    expect(list.every((s: any) => s.agent_id === "demo-agent")).toBe(true);
    const total = list.reduce((n: number, s: any) => n + server.store.messageCount(s.id), 0);
    expect(total).toBeGreaterThanOrEqual(3);
  });
});

describe("--seed-sessions N", () => {
  it("creates N sessions, some with thousands of messages, readable page by page", async () => {
    const server = await startServer({ seedSessions: 60, seed: 5 });
    const api = apiFor(server);
    const all = server.store.listSessions(undefined, 1000);
    expect(all).toHaveLength(60);
    const counts = all.map((s) => server.store.messageCount(s.id));
    expect(counts.filter((c) => c >= 2000).length).toBeGreaterThanOrEqual(2);
    const big = all[counts.findIndex((c) => c >= 2000)]!;
    const page = (await api("GET", `/api/sessions/${big.id}/messages?after_seq=1500&limit=3`)).body.messages;
    expect(page.map((m: any) => m.seq)).toEqual([1501, 1502, 1503]);
    const users = new Set(all.map((s) => s.user_id));
    const user = [...users][0]!;
    const socket = await connect(server, { user_id: "ops" });
    const inbox = await join(socket.channel(`inbox:${user}`, {}));
    expect(inbox.response.inbox.length).toBe(all.filter((s) => s.user_id === user && s.status !== "archived").length);
  });

  it("seeds into SQLite in one go", async () => {
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join: joinPath } = await import("node:path");
    const dir = mkdtempSync(joinPath(tmpdir(), "fleetlm-seed-"));
    const server = await startServer({ seedSessions: 30, dataDir: dir });
    expect(server.store.listSessions(undefined, 100)).toHaveLength(30);
    const s = await createSession(server, "seed-user-1", "demo-agent");
    expect((await append(server, s.id, { user_id: "seed-user-1", content: {} })).seq).toBe(1);
    await server.close();
    // a restart on the same directory does not seed a second copy
    const again = await startServer({ seedSessions: 30, dataDir: dir });
    expect(again.store.listSessions(undefined, 100)).toHaveLength(31);
  });
});
