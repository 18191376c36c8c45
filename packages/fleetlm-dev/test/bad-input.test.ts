// Hostile and malformed input gets a 4xx or an error reply; the process keeps serving and keeps its data.
import { connect as netConnect } from "node:net";
import { describe, expect, it } from "vitest";
import { apiFor, append, connect, createSession, join, rawSocket, startServer, waitFor, push } from "./helpers.js";

function rawHttp(url: string, text: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = netConnect(Number(port), hostname, () => socket.write(text));
    let out = "";
    socket.on("data", (d) => (out += d));
    socket.on("close", () => resolve(out));
    socket.on("error", () => resolve(out));
    setTimeout(() => socket.destroy(), 1000);
  });
}

describe("bad input (REST)", () => {
  it("malformed, wrong-typed, huge and hostile values", async () => {
    const server = await startServer();
    const api = apiFor(server);
    const s = await createSession(server);
    await append(server, s.id, { user_id: "alice", content: { text: "keep me" } });
    const path = `/api/sessions/${s.id}/messages`;
    expect((await api("POST", path, '{"user_id":')).status).toBe(400);
    expect((await api("POST", path, "null")).status).toBe(422);
    expect((await api("POST", path, '"a string"')).status).toBe(422);
    expect((await api("POST", path, { user_id: ["alice"], content: {} })).status).toBe(422);
    expect((await api("POST", path, { user_id: { $ne: null }, content: {} })).status).toBe(422);
    expect((await api("GET", `${path}?after_seq=99999999999999999999999&limit=1e400`)).body.messages).toEqual([]);
    expect((await api("GET", `${path}?after_seq[]=1&limit[a]=2`)).status).toBe(200);
    expect((await api("GET", "/api/sessions/%ff%fe")).status).toBe(400);
    expect((await api("GET", "/api/sessions/" + "x".repeat(5000))).status).toBe(404);
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    expect([400, 422]).toContain((await api("POST", path, `{"user_id":"alice","content":${deep}}`)).status);
    const big = await api("POST", path, { user_id: "alice", content: { text: "x".repeat(9_000_000) } });
    expect(big.status).toBe(413);
    const agent = await api("POST", "/api/agents", {
      agent: { id: "a", name: "A", origin_url: "x", timeout_ms: 1e300, message_history_limit: "9".repeat(400) },
    });
    expect(agent.status).toBe(422);
    expect(agent.body.errors).toEqual({ timeout_ms: ["is invalid"], message_history_limit: ["is invalid"] });
    expect((await api("PATCH", "/api/sessions/x")).status).toBe(404);
    const garbage = await rawHttp(server.url, "THIS IS NOT HTTP\r\n\r\n");
    expect(garbage).toMatch(/^HTTP\/1\.1 400/);
    // still alive, data intact
    const read = await api("GET", path);
    expect(read.body.messages).toHaveLength(1);
    expect(read.body.messages[0].content.text).toBe("keep me");
  });

  it("prototype-pollution keys are plain data", async () => {
    const server = await startServer();
    const api = apiFor(server);
    const res = await api("POST", "/api/sessions", '{"user_id":"u","agent_id":"a","metadata":{"__proto__":{"polluted":true}}}');
    expect(res.status).toBe(201);
    expect(({} as any).polluted).toBeUndefined();
    const form = await api("POST", "/api/sessions", "user_id=u&agent_id=a&__proto__[x]=1&constructor[prototype][y]=2", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(form.status).toBe(201);
    expect(({} as any).x).toBeUndefined();
    expect(({} as any).y).toBeUndefined();
  });
});

describe("bad input (WebSocket)", () => {
  it("garbage frames close only that socket; unknown events and odd payloads get FleetLM's answers", async () => {
    const server = await startServer();
    const s = await createSession(server, "alice", "bot");
    const bystander = await connect(server, { user_id: "alice" });
    const channel = bystander.channel(`session:${s.id}`, {});
    await join(channel);

    for (const garbage of ["not json", "{}", "[1,2,3]", '[null,"1",5,"x",{}]', "[]", '"str"']) {
      const raw = await rawSocket(server, "user_id=alice&vsn=2.0.0");
      raw.send(garbage);
      await waitFor(() => raw.closed.code !== undefined, 2000, `close after ${garbage}`);
      expect(raw.closed.code).toBe(1011);
    }
    const bin = await rawSocket(server, "user_id=alice&vsn=2.0.0");
    bin.ws.send(Buffer.from([1, 2, 3]));
    await waitFor(() => bin.closed.code !== undefined, 2000, "close after binary");

    const raw = await rawSocket(server, "user_id=alice&vsn=2.0.0");
    const topic = `session:${s.id}`;
    raw.send(["1", "1", topic, "phx_join", "not an object"]);
    expect((await raw.next((f) => f[1] === "1"))[4]).toEqual({ status: "error", response: { reason: "join crashed" } });
    raw.send(["2", "2", topic, "phx_join", { last_seq: 1e308 }]);
    expect((await raw.next((f) => f[1] === "2"))[4].status).toBe("ok");
    // session_channel.ex's catch-all `handle_in("send", payload, _)` answers any other payload, maps or not.
    raw.send(["2", "3", topic, "send", "payload not a map"]);
    expect((await raw.next((f) => f[1] === "3"))[4]).toMatchObject({
      status: "error",
      response: { error: "invalid_message_format", received: '"payload not a map"' },
    });
    raw.send([7, 8, "phoenix", "heartbeat", null]);
    expect(await raw.next((f) => f[1] === "8")).toEqual([null, "8", "phoenix", "phx_reply", { status: "ok", response: {} }]);
    raw.send(["9", "9", "inbox:" + "x".repeat(10_000), "phx_join", {}]);
    expect((await raw.next((f) => f[1] === "9"))[4].status).toBe("ok");

    // the bystander is unaffected
    expect((await push(channel, "send", { content: { content: { text: "still here" } } })).status).toBe("ok");
    expect(server.store.listMessages(s.id, 0, 10)).toHaveLength(1);
  });
});
