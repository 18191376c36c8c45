// §11 conformance items that are plain REST (1–21, 25–26 read side, 28–33, 45), plus §2–§3 details.
import { describe, expect, it } from "vitest";
import { apiFor, append, createAgent, createSession, startServer } from "./helpers.js";

const SLUG = /^[A-Za-z0-9_-]{22}$/;
const SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/;
const MICROS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/;

async function setup(options = {}) {
  const server = await startServer(options);
  return { server, api: apiFor(server) };
}

describe("§11 sessions and messages (REST)", () => {
  it("item 1: create session returns 201 with user, agent, status and metadata", async () => {
    const { api } = await setup();
    const res = await api("POST", "/api/sessions", { user_id: "alice", agent_id: "agent:echo" });
    expect(res.status).toBe(201);
    expect(res.body.session).toMatchObject({ user_id: "alice", agent_id: "agent:echo", status: "active", metadata: {} });
    expect(res.body.session.id).toMatch(SLUG);
    expect(res.body.session.inserted_at).toMatch(SECONDS);
    expect(res.body.session.updated_at).toMatch(SECONDS);
  });

  it("item 2: legacy sender_id/recipient_id body is 422 'user_id and agent_id are required'", async () => {
    const { api } = await setup();
    const res = await api("POST", "/api/sessions", { sender_id: "alice", recipient_id: "agent:echo" });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ error: "user_id and agent_id are required" });
  });

  it("item 3: a new session has no messages", async () => {
    const { server, api } = await setup();
    const s = await createSession(server);
    const res = await api("GET", `/api/sessions/${s.id}/messages`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ messages: [] });
  });

  it("item 4: append returns 200 with seq 1 and the session id", async () => {
    const { server, api } = await setup();
    const s = await createSession(server);
    const res = await api("POST", `/api/sessions/${s.id}/messages`, {
      session_id: s.id,
      user_id: "alice",
      kind: "text",
      content: { text: "hi" },
    });
    expect(res.status).toBe(200);
    expect(res.body.message).toMatchObject({ seq: 1, session_id: s.id, sender_id: "alice", kind: "text", content: { text: "hi" }, metadata: {} });
    expect(res.body.message.inserted_at).toMatch(MICROS);
  });

  it("item 5: append with only sender_id is 422 'sender_id is deprecated'", async () => {
    const { server, api } = await setup();
    const s = await createSession(server);
    const res = await api("POST", `/api/sessions/${s.id}/messages`, { sender_id: "alice", content: { text: "hi" } });
    expect(res.status).toBe(422);
    expect(res.body.error).toContain("sender_id is deprecated");
    expect(res.body.error).toBe("sender_id is deprecated; use user_id or agent_id to identify the sender");
  });

  it("item 6: append with both user_id and agent_id is 422", async () => {
    const { server, api } = await setup();
    const s = await createSession(server);
    const res = await api("POST", `/api/sessions/${s.id}/messages`, { user_id: "alice", agent_id: "agent:echo", content: { text: "dual" } });
    expect(res.status).toBe(422);
    expect(res.body.error).toContain("either user_id or agent_id");
    // keys present with any value count
    const nulls = await api("POST", `/api/sessions/${s.id}/messages`, { user_id: null, agent_id: null, content: {} });
    expect(nulls.body.error).toBe("Provide either user_id or agent_id when sending a message, not both");
  });

  it("§3.5: append validation order and exact texts", async () => {
    const { server, api } = await setup();
    const s = await createSession(server);
    const path = `/api/sessions/${s.id}/messages`;
    const cases: Array<[object, number, string]> = [
      [{ content: {} }, 422, "user_id or agent_id is required"],
      [{ user_id: "", content: {} }, 422, "user_id or agent_id is required"],
      [{ user_id: 5, content: {} }, 422, "user_id or agent_id is required"],
      [{ user_id: "", sender_id: "x", content: {} }, 422, "sender_id is deprecated; use user_id or agent_id to identify the sender"],
      [{ user_id: "alice", kind: "", content: {} }, 422, "kind must be a non-empty string"],
      [{ user_id: "alice", kind: null, content: {} }, 422, "kind must be a non-empty string"],
      [{ user_id: "alice", kind: 3 }, 422, "kind must be a non-empty string"],
      [{ user_id: "alice" }, 422, "content is required"],
      [{ user_id: "alice", content: "hi" }, 422, "content must be a map"],
      [{ user_id: "alice", content: [1] }, 422, "content must be a map"],
      [{ user_id: "alice", content: null }, 422, "content must be a map"],
      [{ user_id: "alice", content: {}, metadata: null }, 422, "metadata must be a map"],
      [{ user_id: "alice", content: {}, metadata: "x" }, 422, "metadata must be a map"],
    ];
    for (const [body, status, error] of cases) {
      const res = await api("POST", path, body);
      expect({ body, status: res.status, error: res.body.error }).toEqual({ body, status, error });
    }
    // Validation runs before the session lookup.
    const unknown = await api("POST", "/api/sessions/nope/messages", { user_id: "alice" });
    expect(unknown.body).toEqual({ error: "content is required" });
    const agentSender = await api("POST", path, { agent_id: "agent:echo", content: { text: "a" } });
    expect(agentSender.body.message).toMatchObject({ sender_id: "agent:echo", kind: "text", seq: 1 });
  });

  it("item 25: first append gets seq 1 and a later read returns it", async () => {
    const { server, api } = await setup();
    const s = await createSession(server);
    const m = await append(server, s.id, { user_id: "alice", content: { text: "first" } });
    expect(m.seq).toBe(1);
    const read = await api("GET", `/api/sessions/${s.id}/messages`);
    expect(read.body.messages).toHaveLength(1);
    expect(read.body.messages[0]).toMatchObject({ seq: 1, sender_id: "alice", content: { text: "first" } });
    expect(read.body.messages[0].inserted_at).toMatch(SECONDS);
    expect(read.body.messages[0].id).toMatch(SLUG);
  });

  it("item 26: alice, alice, bob get seqs 1, 2, 3 read back in order", async () => {
    const { server, api } = await setup();
    const s = await createSession(server, "alice", "bob");
    const seqs = [];
    seqs.push((await append(server, s.id, { user_id: "alice", content: { text: "1" } })).seq);
    seqs.push((await append(server, s.id, { user_id: "alice", content: { text: "2" } })).seq);
    seqs.push((await append(server, s.id, { agent_id: "bob", content: { text: "3" } })).seq);
    expect(seqs).toEqual([1, 2, 3]);
    const read = await api("GET", `/api/sessions/${s.id}/messages?after_seq=0`);
    expect(read.body.messages.map((m: any) => m.seq)).toEqual([1, 2, 3]);
  });

  it("item 28: parallel appends to three sessions all succeed", async () => {
    const { server, api } = await setup();
    const sessions = await Promise.all([1, 2, 3].map((i) => createSession(server, `u${i}`, "a")));
    const results = await Promise.all(
      sessions.flatMap((s) => [1, 2, 3, 4].map((i) => api("POST", `/api/sessions/${s.id}/messages`, { user_id: s.user_id, content: { i } }))),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    for (const s of sessions) {
      const read = await api("GET", `/api/sessions/${s.id}/messages`);
      expect(read.body.messages.map((m: any) => m.seq)).toEqual([1, 2, 3, 4]);
    }
  });

  it("item 29: messages of two sessions stay readable after a graceful restart (--data)", async () => {
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "fleetlm-dev-29-"));
    const first = await startServer({ dataDir: dir });
    const a = await createSession(first, "alice", "x");
    const b = await createSession(first, "bob", "x");
    await append(first, a.id, { user_id: "alice", content: { text: "a1" } });
    await append(first, b.id, { user_id: "bob", content: { text: "b1" } });
    await first.close();
    const second = await startServer({ dataDir: dir });
    const api = apiFor(second);
    expect((await api("GET", `/api/sessions/${a.id}/messages`)).body.messages).toHaveLength(1);
    expect((await api("GET", `/api/sessions/${b.id}/messages`)).body.messages).toHaveLength(1);
  });

  it("item 30, item 31: after_seq is exclusive and limit pages forward", async () => {
    const { server, api } = await setup();
    const s = await createSession(server);
    for (let i = 1; i <= 5; i++) await append(server, s.id, { user_id: "alice", content: { text: `msg${i}` } });
    const all = await api("GET", `/api/sessions/${s.id}/messages?after_seq=0&limit=10`);
    expect(all.body.messages).toHaveLength(5);
    expect(all.body.messages[0].content.text).toBe("msg1");
    expect(all.body.messages[4].content.text).toBe("msg5");
    const tail = await api("GET", `/api/sessions/${s.id}/messages?after_seq=3&limit=10`);
    expect(tail.body.messages.map((m: any) => m.content.text)).toEqual(["msg4", "msg5"]);
    // §2 integer parsing: leading integer, > 0 or the default, no clamp
    expect((await api("GET", `/api/sessions/${s.id}/messages?after_seq=3abc&limit=1`)).body.messages.map((m: any) => m.seq)).toEqual([4]);
    expect((await api("GET", `/api/sessions/${s.id}/messages?after_seq=2.9&limit=2.7`)).body.messages.map((m: any) => m.seq)).toEqual([3, 4]);
    expect((await api("GET", `/api/sessions/${s.id}/messages?after_seq=-4&limit=0`)).body.messages).toHaveLength(5);
    expect((await api("GET", `/api/sessions/${s.id}/messages?after_seq=junk&limit=junk`)).body.messages).toHaveLength(5);
    expect((await api("GET", `/api/sessions/${s.id}/messages?limit=99999999`)).body.messages).toHaveLength(5);
  });

  it("item 32, item 33: unknown sessions are 404 'Session not found'", async () => {
    const { api } = await setup();
    const notFound = { error: "Session not found" };
    expect(await api("POST", "/api/sessions/AZoR2f8ucn2Y1pZ0hK_3ZQ/messages", { user_id: "a", content: {} })).toMatchObject({ status: 404, body: notFound });
    expect(await api("GET", "/api/sessions/AZoR2f8ucn2Y1pZ0hK_3ZQ/messages")).toMatchObject({ status: 404, body: notFound });
    expect(await api("GET", "/api/sessions/01K6GR2EV9Z7PSMEVVJ5M954CH")).toMatchObject({ status: 404, body: notFound });
    expect(await api("DELETE", "/api/sessions/nope")).toMatchObject({ status: 404, body: notFound });
  });

  it("§3.1–3.3, 3.7: list, get, archive", async () => {
    const { server, api } = await setup();
    const a = await createSession(server, "alice", "x", { demo: true });
    await createSession(server, "bob", "x");
    expect((await api("GET", `/api/sessions/${a.id}`)).body).toEqual({ session: a });
    expect((await api("GET", "/api/sessions")).body.sessions).toHaveLength(2);
    expect((await api("GET", "/api/sessions?user_id=alice")).body.sessions.map((s: any) => s.id)).toEqual([a.id]);
    expect((await api("GET", "/api/sessions?user_id=")).body).toEqual({ sessions: [] });
    const del = await api("DELETE", `/api/sessions/${a.id}`);
    expect(del.status).toBe(204);
    expect(del.text).toBe("");
    expect(del.headers.get("content-type")).toBeNull();
    expect((await api("DELETE", `/api/sessions/${a.id}`)).status).toBe(204);
    expect((await api("GET", `/api/sessions/${a.id}`)).body.session.status).toBe("archived");
  });

  it("§3.2: invalid create bodies are 422 with an Ecto changeset string", async () => {
    const { api } = await setup();
    for (const body of [
      { user_id: null, agent_id: "a" },
      { user_id: "", agent_id: "a" },
      { user_id: 5, agent_id: "a" },
      { user_id: "u", agent_id: "a", metadata: "x" },
    ]) {
      const res = await api("POST", "/api/sessions", body);
      expect(res.status).toBe(422);
      expect(res.body.error).toMatch(/^#Ecto\.Changeset</);
    }
    // null passes the cast and hits the NOT NULL column (§13.3)
    expect((await api("POST", "/api/sessions", { user_id: "u", agent_id: "a", metadata: null })).status).toBe(500);
    expect((await api("POST", "/api/sessions", { user_id: "u" })).body).toEqual({ error: "user_id and agent_id are required" });
  });

  it("§3.6: mark read writes the cursor and answers with the session", async () => {
    const { server, api } = await setup();
    const s = await createSession(server);
    const res = await api("POST", `/api/sessions/${s.id}/read`, { user_id: "alice", last_seq: "7abc" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ session: s });
    expect(server.store.getCursor(s.id, "alice")).toEqual({ session_id: s.id, user_id: "alice", last_seq: 7 });
    await api("POST", `/api/sessions/${s.id}/read`, { user_id: "alice", last_seq: -3 });
    expect(server.store.getCursor(s.id, "alice")!.last_seq).toBe(0);
    const bad = await api("POST", `/api/sessions/${s.id}/read`, { last_seq: 1 });
    expect(bad.status).toBe(422);
    expect(bad.body).toEqual({ error: '%ArgumentError{message: "user_id is required"}' });
  });
});

describe("§11 agents (REST)", () => {
  const base = { id: "test-agent", name: "Test Agent", origin_url: "http://localhost:4000" };

  it("item 7: no agents is exactly {agents: []}", async () => {
    const { api } = await setup();
    const res = await api("GET", "/api/agents");
    expect(res.status).toBe(200);
    expect(res.text).toBe('{"agents":[]}');
  });

  it("item 8: two agents are listed", async () => {
    const { server, api } = await setup();
    await createAgent(server, { id: "agent-1", name: "Agent 1", origin_url: "http://a" });
    await createAgent(server, { id: "agent-2", name: "Agent 2", origin_url: "http://b" });
    const res = await api("GET", "/api/agents");
    expect(res.body.agents.map((a: any) => a.id)).toEqual(["agent-1", "agent-2"]);
  });

  it("item 9: status filter", async () => {
    const { server, api } = await setup();
    await createAgent(server, { id: "on", name: "On", origin_url: "http://a" });
    await createAgent(server, { id: "off", name: "Off", origin_url: "http://a", status: "disabled" });
    const res = await api("GET", "/api/agents?status=enabled");
    expect(res.body.agents).toHaveLength(1);
    expect(res.body.agents[0].status).toBe("enabled");
    expect((await api("GET", "/api/agents?status=bogus")).body.agents).toHaveLength(2);
  });

  it("item 10: get one agent", async () => {
    const { server, api } = await setup();
    await createAgent(server, base);
    const res = await api("GET", "/api/agents/test-agent");
    expect(res.status).toBe(200);
    expect(res.body.agent).toMatchObject(base);
  });

  it("item 11: unknown agent is 404 exactly", async () => {
    const { api } = await setup();
    const res = await api("GET", "/api/agents/non-existent");
    expect(res.status).toBe(404);
    expect(res.text).toBe('{"error":"Agent not found"}');
  });

  it("item 12: create with every main field echoes them back", async () => {
    const { api } = await setup();
    const agent = { ...base, webhook_path: "/webhook", message_history_mode: "tail", message_history_limit: 100 };
    const res = await api("POST", "/api/agents", { agent });
    expect(res.status).toBe(201);
    expect(res.body.agent).toMatchObject(agent);
    expect(res.body.agent.message_history_limit).toBe(100);
  });

  it("item 13: defaults, and only the 11 public keys", async () => {
    const { api } = await setup();
    const res = await api("POST", "/api/agents", { agent: base });
    expect(res.status).toBe(201);
    expect(res.body.agent).toMatchObject({
      webhook_path: "/webhook",
      message_history_mode: "tail",
      message_history_limit: 50,
      timeout_ms: 30000,
      status: "enabled",
      headers: {},
    });
    expect(Object.keys(res.body.agent).sort()).toEqual(
      [
        "id",
        "name",
        "origin_url",
        "webhook_path",
        "message_history_mode",
        "message_history_limit",
        "timeout_ms",
        "headers",
        "status",
        "inserted_at",
        "updated_at",
      ].sort(),
    );
    expect(res.body.agent.inserted_at).toMatch(SECONDS);
  });

  it("item 14: missing id and origin_url", async () => {
    const { api } = await setup();
    const res = await api("POST", "/api/agents", { agent: { name: "Missing ID" } });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ errors: { id: ["can't be blank"], origin_url: ["can't be blank"] } });
  });

  it("item 15: invalid history mode on create", async () => {
    const { api } = await setup();
    const res = await api("POST", "/api/agents", { agent: { ...base, message_history_mode: "invalid_mode" } });
    expect(res.status).toBe(422);
    expect(res.body.errors.message_history_mode).toEqual(["is invalid"]);
  });

  it("item 16: PUT updates name and mode and leaves origin_url", async () => {
    const { server, api } = await setup();
    await createAgent(server, base);
    const res = await api("PUT", "/api/agents/test-agent", { agent: { name: "Updated Name", message_history_mode: "entire" } });
    expect(res.status).toBe(200);
    expect(res.body.agent).toMatchObject({ name: "Updated Name", message_history_mode: "entire", origin_url: base.origin_url });
    const patch = await api("PATCH", "/api/agents/test-agent", { agent: { timeout_ms: "1500" } });
    expect(patch.body.agent.timeout_ms).toBe(1500);
  });

  it("item 17: PUT on an unknown agent is 404 exactly", async () => {
    const { api } = await setup();
    const res = await api("PUT", "/api/agents/non-existent", { agent: { name: "x" } });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: "Agent not found" });
  });

  it("item 18: PUT with an invalid mode is 422", async () => {
    const { server, api } = await setup();
    await createAgent(server, base);
    const res = await api("PUT", "/api/agents/test-agent", { agent: { message_history_mode: "invalid" } });
    expect(res.status).toBe(422);
    expect(res.body.errors.message_history_mode).toBeDefined();
  });

  it("item 19: DELETE disables and keeps the agent", async () => {
    const { server, api } = await setup();
    await createAgent(server, base);
    const res = await api("DELETE", "/api/agents/test-agent");
    expect(res.status).toBe(200);
    expect(res.body.agent.status).toBe("disabled");
    expect(res.body.message).toBe("Agent disabled");
    expect((await api("GET", "/api/agents/test-agent")).body.agent.status).toBe("disabled");
    expect((await api("DELETE", "/api/agents/test-agent")).status).toBe(200);
  });

  it("item 20: DELETE on an unknown agent is 404 exactly", async () => {
    const { api } = await setup();
    const res = await api("DELETE", "/api/agents/non-existent");
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: "Agent not found" });
  });

  it("item 21: resource cycle POST, list, GET, PUT, DELETE", async () => {
    const { api } = await setup();
    expect((await api("POST", "/api/agents", { agent: base })).status).toBe(201);
    expect((await api("GET", "/api/agents")).status).toBe(200);
    expect((await api("GET", "/api/agents/test-agent")).status).toBe(200);
    expect((await api("PUT", "/api/agents/test-agent", { agent: { name: "N" } })).status).toBe(200);
    expect((await api("DELETE", "/api/agents/test-agent")).status).toBe(200);
  });

  it("item 45: debounce default and validation, duplicate id, bad enums, sorted by name", async () => {
    const { server, api } = await setup();
    const created = await api("POST", "/api/agents", { agent: { ...base, debounce_window_ms: 0 } });
    expect(created.status).toBe(201);
    expect(server.store.getAgent("test-agent")!.debounce_window_ms).toBe(0);
    await api("POST", "/api/agents", { agent: { id: "d", name: "D", origin_url: "x" } });
    expect(server.store.getAgent("d")!.debounce_window_ms).toBe(500);
    const negative = await api("POST", "/api/agents", { agent: { id: "n", name: "N", origin_url: "x", debounce_window_ms: -1 } });
    expect(negative.body.errors).toEqual({ debounce_window_ms: ["must be greater than or equal to 0"] });
    const dup = await api("POST", "/api/agents", { agent: base });
    expect(dup.status).toBe(422);
    expect(dup.body.errors).toEqual({ id: ["has already been taken"] });
    const bad = await api("POST", "/api/agents", { agent: { id: "b", name: "B", origin_url: "x", message_history_mode: "x", status: "gone" } });
    expect(bad.body.errors).toEqual({ message_history_mode: ["is invalid"], status: ["is invalid"] });
    await createAgent(server, { id: "z", name: "Aardvark", origin_url: "x" });
    const names = (await api("GET", "/api/agents")).body.agents.map((a: any) => a.name);
    expect(names).toEqual([...names].sort());
    expect(names[0]).toBe("Aardvark");
  });

  it("§3.8: wrapper, casting and numeric validation messages", async () => {
    const { api } = await setup();
    expect(await api("POST", "/api/agents", base)).toMatchObject({ status: 400, body: { errors: { detail: "Bad Request" } } });
    expect((await api("POST", "/api/agents", { agent: "x" })).status).toBe(400);
    expect((await api("PUT", "/api/agents/whatever", { name: "x" })).status).toBe(400);
    const res = await api("POST", "/api/agents", {
      agent: {
        ...base,
        webhook_path: "",
        timeout_ms: 0,
        message_history_limit: "abc",
        headers: [],
        compaction_trigger_ratio: 1.5,
        compaction_token_budget: -1,
        name: 7,
      },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual({
      webhook_path: ["can't be blank"],
      timeout_ms: ["must be greater than 0"],
      message_history_limit: ["is invalid"],
      headers: ["is invalid"],
      compaction_trigger_ratio: ["must be less than or equal to 1"],
      compaction_token_budget: ["must be greater than 0"],
      name: ["is invalid"],
    });
    const nullPath = await api("POST", "/api/agents", { agent: { ...base, webhook_path: null } });
    expect(nullPath.body.errors).toEqual({ webhook_path: ["can't be blank"] });
    const coerced = await api("POST", "/api/agents", { agent: { ...base, message_history_limit: "100", headers: { "X-Key": "v" } } });
    expect(coerced.body.agent).toMatchObject({ message_history_limit: 100, headers: { "X-Key": "v" } });
  });
});

describe("§2 HTTP conventions", () => {
  it("CORS on every response, OPTIONS 204 anywhere, x-request-id, JSON content type", async () => {
    const { api } = await setup();
    const res = await api("GET", "/api/sessions");
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-methods")).toBe("GET,POST,PUT,PATCH,DELETE,OPTIONS");
    expect(res.headers.get("access-control-allow-headers")).toBe("*");
    expect(res.headers.get("access-control-max-age")).toBe("600");
    expect(res.headers.get("x-request-id")).toBeTruthy();
    const pre = await api("OPTIONS", "/anything/at/all", undefined, { "access-control-request-headers": "content-type,x-foo" });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-headers")).toBe("content-type,x-foo");
  });

  it("Accept: text/html is 406; */* and application/json are fine", async () => {
    const { api } = await setup();
    expect((await api("GET", "/api/sessions", undefined, { accept: "text/html" })).status).toBe(406);
    expect((await api("GET", "/api/sessions", undefined, { accept: "text/html" })).body).toEqual({ errors: { detail: "Not Acceptable" } });
    expect((await api("GET", "/api/sessions", undefined, { accept: "*/*" })).status).toBe(200);
    expect((await api("GET", "/api/sessions", undefined, { accept: "text/html, application/json;q=0.9" })).status).toBe(200);
  });

  it("unknown routes are 404, malformed JSON 400, params merge with path winning", async () => {
    const { server, api } = await setup();
    expect(await api("GET", "/api/nope")).toMatchObject({ status: 404, body: { errors: { detail: "Not Found" } } });
    expect((await api("GET", "/socket/longpoll")).status).toBe(404);
    expect(await api("POST", "/api/sessions", "{not json")).toMatchObject({ status: 400, body: { errors: { detail: "Bad Request" } } });
    // query params count too
    const viaQuery = await api("POST", "/api/sessions?user_id=q&agent_id=a", {});
    expect(viaQuery.body.session.user_id).toBe("q");
    // non-object JSON goes under _json, which means required params are missing
    expect((await api("POST", "/api/sessions", "[1,2]")).body).toEqual({ error: "user_id and agent_id are required" });
    const s = await createSession(server);
    const m = await append(server, s.id, { user_id: "alice", session_id: "other", content: { a: 1 } });
    expect(m.seq).toBe(1);
  });

  it("urlencoded bodies, method override and HEAD", async () => {
    const { server, api } = await setup();
    const form = await api("POST", "/api/sessions", "user_id=alice&agent_id=bot&metadata[k]=v", { "content-type": "application/x-www-form-urlencoded" });
    expect(form.status).toBe(201);
    expect(form.body.session.metadata).toEqual({ k: "v" });
    const over = await api("POST", `/api/sessions/${form.body.session.id}`, { _method: "DELETE" });
    expect(over.status).toBe(204);
    const head = await fetch(server.url + "/api/sessions", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    const ignored = await api("POST", "/api/sessions", "user_id=a&agent_id=b", { "content-type": "text/plain" });
    expect(ignored.body).toEqual({ error: "user_id and agent_id are required" });
  });

  it("/metrics answers Prometheus text; GET /api/sessions?user_id[]=x is a 500 like FleetLM", async () => {
    const { api } = await setup();
    const metrics = await api("GET", "/metrics");
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get("content-type")).toContain("text/plain");
    expect(metrics.text).toContain("fleetlm_dev_appends_total");
    expect(await api("GET", "/api/sessions?user_id[]=x")).toMatchObject({ status: 500, body: { errors: { detail: "Internal Server Error" } } });
  });
});
