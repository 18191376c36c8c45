import { call, makeOperator, request, type TestOperator } from "../support/auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { resetEnvCache } from "~/env.server";
import { resetFleetlm } from "~/fleetlm/fleetlm.server";
import { action as agentsAction, loader as agentsLoader } from "~/routes/admin.agents";
import { action as cannedAction, loader as cannedLoader } from "~/routes/admin.canned-replies";
import { newSession, panel, startWorld, type World } from "./support";

let world: World;
let admin: TestOperator;
let operator: TestOperator;
let auditor: TestOperator;

beforeAll(async () => {
  world = await startWorld();
  process.env.CONSOLE_PUBLIC_URL = "http://console.example:3000";
  resetEnvCache();
  [admin, operator, auditor] = await Promise.all([makeOperator("admin"), makeOperator("operator"), makeOperator("auditor")]);
});
afterAll(async () => {
  delete process.env.CONSOLE_PUBLIC_URL;
  await world.server.close();
});

type AgentsPage = { list: { ok: boolean; agents: { id: string; gated: boolean; realUrl: string; drifted: boolean }[]; reason?: string } };

describe("admin: agents", () => {
  const page = (as: TestOperator) => call(() => agentsLoader({ request: request("/admin/agents", { as }), params: {}, context: {} }));
  const post = (as: TestOperator, form: Record<string, string>) =>
    call(() => agentsAction({ request: request("/admin/agents", { as, form }), params: {}, context: {} }));

  it("lists FleetLM's agents for admins only", async () => {
    const res = await page(admin);
    expect(res.status).toBe(200);
    expect((res.body as AgentsPage).list.agents.find((a) => a.id === "demo-agent")).toMatchObject({ gated: false });
    expect((await page(operator)).status).toBe(403);
    expect((await page(auditor)).status).toBe(403);
    expect((await post(operator, { intent: "route", agentId: "demo-agent" })).status).toBe(403);
  });

  it("routes an agent through the Console and back, showing it as gated meanwhile", async () => {
    await world.rest.createAgent({ id: "page-agent", name: "Page agent", origin_url: "http://agent.internal:9000/base", webhook_path: "/hook" });
    const routed = await post(admin, { intent: "route", agentId: "page-agent" });
    expect(routed.status).toBe(302);
    expect(await world.rest.getAgent("page-agent")).toMatchObject({ origin_url: "http://console.example:3000", webhook_path: "/gate/agents/page-agent" });
    const listed = ((await page(admin)).body as AgentsPage).list.agents.find((a) => a.id === "page-agent");
    expect(listed).toMatchObject({ gated: true, drifted: false, realUrl: "http://agent.internal:9000/base/hook" });
    expect((await post(admin, { intent: "undo", agentId: "page-agent" })).status).toBe(302);
    expect(await world.rest.getAgent("page-agent")).toMatchObject({ origin_url: "http://agent.internal:9000/base", webhook_path: "/hook" });
  });

  it("refuses bad input with 400 and unknown agents with 404, writing nothing", async () => {
    expect((await post(admin, { intent: "explode", agentId: "demo-agent" })).status).toBe(400);
    expect((await post(admin, { intent: "route", agentId: "" })).status).toBe(400);
    expect((await post(admin, { intent: "route", agentId: "no-such-agent" })).status).toBe(404);
    expect((await post(admin, { intent: "undo", agentId: "demo-agent" })).status).toBe(404);
    expect(await (await db()).gatedAgent.count({ where: { agentId: { in: ["no-such-agent", "demo-agent"] } } })).toBe(0);
  });

  it("shows a degraded page, not a 500, when FleetLM is unreachable", async () => {
    process.env.FLEETLM_URL = "http://127.0.0.1:9";
    resetEnvCache();
    resetFleetlm();
    try {
      const res = await page(admin);
      expect(res.status).toBe(200);
      expect((res.body as AgentsPage).list).toMatchObject({ ok: false, reason: expect.stringContaining("could not be reached") });
      const routed = await post(admin, { intent: "route", agentId: "demo-agent" });
      expect(routed.status).toBe(502);
    } finally {
      process.env.FLEETLM_URL = world.server.url;
      resetEnvCache();
      resetFleetlm();
    }
  });
});

describe("admin: canned replies", () => {
  const post = (as: TestOperator, form: Record<string, string>) =>
    call(() => cannedAction({ request: request("/admin/canned-replies", { as, form }), params: {}, context: {} }));

  it("creates, edits and deletes; operators see them in the composer's list; audited", async () => {
    expect((await post(admin, { intent: "create", title: "Greeting", body: "Hello! A human here." })).status).toBe(302);
    const [row] = await (await db()).cannedReply.findMany({ where: { title: "Greeting" } });
    const session = await newSession(world);
    expect((await panel(operator, session.id)).body).toMatchObject({ cannedReplies: [{ title: "Greeting", body: "Hello! A human here." }] });
    expect((await post(admin, { intent: "update", id: row!.id, title: "Greeting", body: "Hi there!" })).status).toBe(302);
    expect(await (await db()).cannedReply.findUnique({ where: { id: row!.id } })).toMatchObject({ body: "Hi there!" });
    expect((await post(admin, { intent: "delete", id: row!.id })).status).toBe(302);
    expect(await (await db()).cannedReply.count({ where: { id: row!.id } })).toBe(0);
    const actions = (await (await db()).auditEvent.findMany({ where: { targetId: row!.id } })).map((r) => r.action);
    expect(actions).toEqual(["canned_reply.create", "canned_reply.update", "canned_reply.delete"]);
  });

  it("refuses bad input (400 with field errors), duplicate titles, unknown ids (404) and non-admins (403)", async () => {
    const empty = await post(admin, { intent: "create", title: " ", body: "x" });
    expect(empty.status).toBe(400);
    expect(empty.body).toMatchObject({ error: { title: [expect.any(String)] } }); // conform's reply (ADR 190)
    await post(admin, { intent: "create", title: "Dup", body: "one" });
    const dup = await post(admin, { intent: "create", title: "Dup", body: "two" });
    expect(dup.status).toBe(400);
    expect(await (await db()).cannedReply.count({ where: { title: "Dup" } })).toBe(1);
    expect((await post(admin, { intent: "delete", id: "nope" })).status).toBe(404);
    expect((await post(operator, { intent: "create", title: "Op", body: "no" })).status).toBe(403);
    expect((await call(() => cannedLoader({ request: request("/admin/canned-replies", { as: auditor }), params: {}, context: {} }))).status).toBe(403);
  });
});
