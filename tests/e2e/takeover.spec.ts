// Takeover and the agent gate in Chromium, against the FleetLM dev server (--demo) and the production build.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { FleetLMClient, stoppedBy, type FleetLMRest, type Message } from "@fleetlm/client";
import type { Browser, Page } from "@playwright/test";
import { createAccount, expect, login, test, type Account } from "./support";

async function signedIn(browser: Browser, baseURL: string, account: Account): Promise<Page> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await login(page, account);
  return page;
}

async function openSession(page: Page, sessionId: string) {
  await page.goto(`/sessions/${encodeURIComponent(sessionId)}`);
  await expect(page.getByTestId("takeover-panel")).toBeVisible();
}

async function assistants(fleetlm: FleetLMRest, sessionId: string) {
  return (await fleetlm.listMessages(sessionId, { limit: 1000 })).filter((m) => m.kind === "assistant");
}

/** An agent in FleetLM answering at `originUrl` + `webhookPath`, routed through the Console by the admin in the UI. */
async function routedAgent(fleetlm: FleetLMRest, admin: Page, originUrl: string, webhookPath: string) {
  const id = `e2e-agent-${randomUUID().slice(0, 8)}`;
  await fleetlm.createAgent({ id, name: `E2E ${id}`, origin_url: originUrl, webhook_path: webhookPath, timeout_ms: 30_000 });
  await admin.goto("/admin/agents");
  const row = admin.getByTestId(`agent-${id}`);
  await row.getByRole("button", { name: "Route through Console" }).click();
  await expect(row.getByRole("button", { name: "Undo" })).toBeVisible();
  await expect.poll(async () => (await fleetlm.getAgent(id)).webhook_path).toBe(`/gate/agents/${id}`);
  return id;
}

test("A takes over, B sees it and cannot send; A's reply reaches the user as the agent's message", async ({ browser, baseURL, fleetlm, fleetlmUrl }) => {
  const alice = createAccount("operator", "Alice Takeover");
  const bob = createAccount("operator", "Bob Bystander");
  const userId = `e2e-user-${randomUUID().slice(0, 8)}`;
  const session = await fleetlm.createSession({ userId, agentId: "demo-agent" });

  const received: Message[] = [];
  const user = new FleetLMClient({ userId, sessionId: session.id, baseUrl: fleetlmUrl, socketUrl: fleetlmUrl.replace(/^http/, "ws") + "/socket" });
  user.on("message", (message) => received.push(message));
  await user.connect();

  try {
    const a = await signedIn(browser, baseURL!, alice);
    const b = await signedIn(browser, baseURL!, bob);
    await openSession(a, session.id);
    await openSession(b, session.id);

    await a.getByPlaceholder("Reason (optional)").fill("customer asked for a human");
    await a.getByRole("button", { name: "Take over" }).click();
    await expect(a.getByTestId("takeover-status")).toContainText("You hold this session");

    await expect(b.getByTestId("takeover-holder")).toHaveText("Alice Takeover");
    await expect(b.getByTestId("takeover-status")).toContainText("Taken over by Alice Takeover");
    await expect(b.getByLabel("Reply as the agent")).toHaveCount(0);
    await expect(b.getByRole("button", { name: "Take over" })).toHaveCount(0);
    // B sending anyway (a stale page, a hand-made request) is refused by the server.
    const forced = await b.request.post(`/sessions/${encodeURIComponent(session.id)}/takeover`, {
      form: { intent: "send", clientMessageId: randomUUID(), body: "me too" },
      headers: { origin: baseURL! },
    });
    expect(forced.status()).toBe(409);

    await a.getByLabel("Reply as the agent").fill("Hi, I'm Alice from support. Let me help.");
    await a.getByRole("button", { name: "Send as agent" }).click();
    await expect(a.getByLabel("Reply as the agent")).toHaveValue("");

    await expect.poll(() => received.find((m) => m.metadata?.source === "operator")?.content.text ?? null).toBe("Hi, I'm Alice from support. Let me help.");
    const reply = received.find((m) => m.metadata?.source === "operator")!;
    expect(reply.sender_id).toBe("demo-agent");
    expect(reply.metadata).toMatchObject({ operator_name: "Alice Takeover", client_message_id: expect.any(String) });

    await a.getByRole("button", { name: "Hand back" }).click();
    await expect(b.getByTestId("takeover-holder")).toHaveText("nobody (AI answers)");
    await b.getByTestId("takeover-timeline").locator("summary").click();
    await expect(b.getByTestId("takeover-timeline")).toContainText("customer asked for a human");
    await expect(b.getByTestId("takeover-timeline")).toContainText("handed back");
  } finally {
    await user.disconnect();
  }
});

test("through the gate: no AI reply during a takeover, the AI answers again after hand-back", async ({ browser, baseURL, admin, fleetlm, fleetlmUrl }) => {
  const adminPage = await signedIn(browser, baseURL!, admin);
  // The demo agent's own webhook is the "real" agent behind the gate.
  const agentId = await routedAgent(fleetlm, adminPage, fleetlmUrl, "/demo-agent/webhook");
  const operator = createAccount("operator");
  const page = await signedIn(browser, baseURL!, operator);
  const userId = `e2e-user-${randomUUID().slice(0, 8)}`;
  const session = await fleetlm.createSession({ userId, agentId });

  await openSession(page, session.id);
  await page.getByRole("button", { name: "Take over" }).click();
  await expect(page.getByTestId("takeover-status")).toContainText("You hold this session");

  await fleetlm.appendMessage(session.id, { userId, content: { text: "is anyone there?" } });
  await page.getByRole("button", { name: "Hand back" }).click();
  await expect(page.getByRole("button", { name: "Take over" })).toBeVisible();
  const second = await fleetlm.appendMessage(session.id, { userId, content: { text: "hello again" } });

  // FleetLM runs a session's calls one after another: once the second message's reply is stored, the first call
  // is over too, and it produced nothing.
  await expect.poll(async () => (await assistants(fleetlm, session.id)).length, { timeout: 20_000 }).toBe(1);
  const [reply] = await assistants(fleetlm, session.id);
  expect(reply!.seq).toBeGreaterThan(second.seq);

  await adminPage.goto("/admin/agents");
  await adminPage.getByTestId(`agent-${agentId}`).getByRole("button", { name: "Undo" }).click();
  await expect.poll(async () => (await fleetlm.getAgent(agentId)).webhook_path).toBe("/demo-agent/webhook");
});

test("stop a streaming reply: FleetLM stores what was produced as aborted", async ({ browser, baseURL, admin, fleetlm }) => {
  // A slow agent that keeps streaming until its caller hangs up.
  const slow: Server = createServer(async (req, res) => {
    for await (const _chunk of req) void _chunk;
    let open = true;
    res.on("close", () => (open = false));
    res.writeHead(200, { "content-type": "application/x-ndjson" });
    res.write(`${JSON.stringify({ type: "start", messageId: `slow-${randomUUID()}` })}\n${JSON.stringify({ type: "text-start", id: "t" })}\n`);
    for (let i = 0; open && i < 120; i++) {
      res.write(`${JSON.stringify({ type: "text-delta", id: "t", delta: `word${i} ` })}\n`);
      await new Promise((r) => setTimeout(r, 250));
    }
    if (open) res.end(`${JSON.stringify({ type: "text-end", id: "t" })}\n${JSON.stringify({ type: "finish" })}\n`);
  });
  await new Promise<void>((resolve) => slow.listen(0, "127.0.0.1", resolve));
  try {
    const adminPage = await signedIn(browser, baseURL!, admin);
    const agentId = await routedAgent(fleetlm, adminPage, `http://127.0.0.1:${(slow.address() as AddressInfo).port}`, "/hook");
    const operator = createAccount("operator");
    const page = await signedIn(browser, baseURL!, operator);
    const userId = `e2e-user-${randomUUID().slice(0, 8)}`;
    const session = await fleetlm.createSession({ userId, agentId });
    await openSession(page, session.id);

    await fleetlm.appendMessage(session.id, { userId, content: { text: "tell me everything" } });
    await page.getByRole("button", { name: "Stop reply" }).click();

    await expect.poll(async () => (await assistants(fleetlm, session.id))[0]?.metadata.termination ?? null, { timeout: 15_000 }).toBe("abort");
    const [stored] = await assistants(fleetlm, session.id);
    expect(JSON.stringify(stored!.content)).toContain("word0");
    // FleetLM does not merge an abort's messageMetadata: it survives inside _finish_chunk (protocol §8.5).
    expect(stoppedBy(stored!.metadata)).toMatchObject({ operator_name: operator.name });
    await expect(page.getByRole("button", { name: "Stop reply" })).toHaveCount(0);
  } finally {
    slow.closeAllConnections();
    await new Promise((resolve) => slow.close(resolve));
  }
});
