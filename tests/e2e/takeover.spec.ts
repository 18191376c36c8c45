// Takeover and the agent gate in Chromium, against the FleetLM dev server (--demo) and the production build.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { FleetLMClient, stoppedBy, type FleetLMRest, type Message } from "@fleetlm/client";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { createAccount, expect, login, restartFleetlm, test, type Account } from "./support";

// Every context a test opens is closed after it: an open page keeps its live stream and its badge refreshes going,
// and a dozen of them left from earlier tests slowed the Console enough to make later tests miss their deadlines.
const opened: BrowserContext[] = [];
test.afterEach(async () => {
  await Promise.all(opened.splice(0).map((context) => context.close()));
});

async function signedIn(browser: Browser, baseURL: string, account: Account): Promise<Page> {
  const context = await browser.newContext({ baseURL });
  opened.push(context);
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
    // The transcript says who stopped it (issue 17).
    await expect(page.getByTestId("message").filter({ hasText: "word0" }).getByTestId("stopped-by")).toHaveText(`stopped by ${operator.name}`);
    await expect(page.getByRole("button", { name: "Stop reply" })).toHaveCount(0);
  } finally {
    slow.closeAllConnections();
    await new Promise((resolve) => slow.close(resolve));
  }
});

// ---- the session page as an operator's workspace (issue 17) -------------------------------------------------

/** A session of an agent FleetLM has no webhook for (nothing answers), with `count` alternating messages. */
async function quietSession(fleetlm: FleetLMRest, count: number, agentId = `e2e-quiet-${randomUUID().slice(0, 6)}`) {
  const ids = { userId: `e2e-user-${randomUUID().slice(0, 8)}`, agentId };
  // The first request after a slow step may meet a keep-alive socket the dev server just closed: try twice.
  const session = await fleetlm.createSession(ids).catch(() => fleetlm.createSession(ids));
  for (let n = 1; n <= count; n++) {
    await fleetlm.appendMessage(
      session.id,
      n % 2 ? { userId: session.user_id, content: { text: `user says ${n}` } } : { agentId, content: { text: `agent says ${n}` } },
    );
  }
  return session;
}

test("workspace: B sees A's takeover within 1 s; the composer sits under the newest message; a draft survives a reload", async ({
  browser,
  baseURL,
  fleetlm,
}) => {
  test.setTimeout(120_000);
  const alice = createAccount("operator", "Alice Workspace");
  const bob = createAccount("operator", "Bob Workspace");
  const session = await quietSession(fleetlm, 6);
  const a = await signedIn(browser, baseURL!, alice);
  const b = await signedIn(browser, baseURL!, bob);
  await openSession(a, session.id);
  await openSession(b, session.id);
  await expect(b.getByTestId("viewers")).toContainText("Alice Workspace");

  await a.getByRole("button", { name: "Take over" }).click();
  await expect(a.getByTestId("takeover-status")).toContainText("You hold this session");
  await expect(b.getByTestId("takeover-holder")).toHaveText("Alice Workspace", { timeout: 1_000 });
  await expect(b.getByTestId("takeover-status")).toContainText("Taken over by Alice Workspace", { timeout: 1_000 });

  // Like every chat tool: the newest message, then the composer right under it, both in view without scrolling.
  const newest = a.locator("[data-testid=message][data-seq='6']");
  const composer = a.getByLabel("Reply as the agent");
  await expect(newest).toBeVisible();
  const [m, c, viewport] = [await newest.boundingBox(), await composer.boundingBox(), a.viewportSize()!];
  expect(c!.y).toBeGreaterThanOrEqual(m!.y + m!.height);
  expect(c!.y + c!.height).toBeLessThanOrEqual(viewport.height);

  // B sees that A is drafting (never what), and A's note, each within a second.
  await composer.pressSequentially("a draft", { delay: 20 });
  await expect(b.getByTestId("typing")).toHaveText("Alice Workspace is typing a reply…", { timeout: 1_000 });
  await expect(b.getByTestId("typing")).not.toContainText("a draft");
  await expect(b.getByTestId("typing")).toHaveText("", { timeout: 6_000 }); // and it goes away when A stops
  await a.getByLabel("New note").fill("Customer is on the premium plan");
  await a.getByRole("button", { name: "Add note" }).click();
  await expect(b.getByTestId("note").filter({ hasText: "Customer is on the premium plan" })).toBeVisible({ timeout: 1_000 });

  await composer.fill("a draft that must survive");
  await a.reload();
  await expect(a.getByLabel("Reply as the agent")).toHaveValue("a draft that must survive");
  await a.getByRole("button", { name: "Send as agent" }).click();
  await expect(a.getByLabel("Reply as the agent")).toHaveValue("");
  await a.reload();
  await expect(a.getByLabel("Reply as the agent")).toHaveValue(""); // sent: the saved draft is gone
  await expect(a.locator("[data-testid=message][data-seq='7']")).toContainText("a draft that must survive");
});

test("workspace: previous / next follow the filtered inbox order, and back to the inbox keeps the filters", async ({ page, admin, fleetlm }) => {
  test.setTimeout(120_000);
  const agentId = `e2e-nav-${randomUUID().slice(0, 6)}`;
  for (let i = 0; i < 3; i++) await quietSession(fleetlm, 1, agentId);
  await login(page, admin);
  const inbox = `/inbox?agent=${agentId}&sort=user.asc`;
  const rows = page.locator("main a[href^='/sessions/']");
  await expect(async () => {
    await page.goto(inbox);
    await expect(rows).toHaveCount(3, { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  const order = await rows.evaluateAll((links) => links.map((link) => new URL((link as HTMLAnchorElement).href).pathname.split("/").pop()!));

  // The row link carries the view; follow it (a click on the row itself is the inbox's own business).
  const first = await rows.first().getAttribute("href");
  expect(new URL(first!, "http://x").searchParams.get("inbox")).toContain(`agent=${agentId}`);
  // The address and the page both: a revalidation landing mid-move once left the old session under the new address.
  const at = async (n: number) => {
    await expect(page).toHaveURL(new RegExp(`/sessions/${order[n]}\\?`));
    await expect(page.getByRole("heading", { level: 1 })).toContainText(order[n]!);
    await expect(page.getByText(`#${n + 1} in view`)).toBeVisible();
  };
  await page.goto(first!);
  await at(0);
  await expect(page.getByLabel("No previous session")).toBeVisible();
  await page.getByTestId("next-session").click();
  await at(1);
  await page.getByTestId("next-session").click();
  await at(2);
  await expect(page.getByLabel("No next session")).toBeVisible();
  await page.getByTestId("previous-session").click();
  await at(1);
  await page.getByTestId("back-to-inbox").click();
  await expect(page).toHaveURL((url) => url.pathname === "/inbox" && url.searchParams.get("agent") === agentId && url.searchParams.get("sort") === "user.asc");
  await expect(rows).toHaveCount(3);
});

test("FleetLM restarted with the agent's routing reset: the holder is warned, routes again, the AI stays silent, then answers what it missed", async ({
  browser,
  baseURL,
  admin,
  fleetlm,
}) => {
  test.setTimeout(180_000);
  const page = await signedIn(browser, baseURL!, admin);
  await page.goto("/admin/agents");
  const row = page.getByTestId("agent-demo-agent");
  await row.getByRole("button", { name: "Route through Console" }).click();
  await expect(row.getByRole("button", { name: "Undo" })).toBeVisible();
  try {
    const session = await fleetlm.createSession({ userId: `e2e-user-${randomUUID().slice(0, 8)}`, agentId: "demo-agent" });
    await openSession(page, session.id);
    await page.getByRole("button", { name: "Take over" }).click();
    await expect(page.getByTestId("takeover-status")).toContainText("You hold this session");
    await expect(page.getByTestId("gate-status")).toHaveAttribute("data-state", "gated");

    // A restart of FleetLM's dev server re-registers the demo agent with its own webhook: routing drifted.
    await restartFleetlm();
    await expect(page.getByTestId("gate-status")).toHaveAttribute("data-state", "drifted", { timeout: 5_000 });
    await expect(page.getByTestId("gate-status")).toContainText("The AI is not paused");
    await page.getByRole("button", { name: "Route again" }).click();
    await expect(page.getByTestId("gate-status")).toHaveAttribute("data-state", "gated");
    expect((await fleetlm.getAgent("demo-agent")).webhook_path).toBe("/gate/agents/demo-agent");

    // Held and routed again: the user's message gets no AI answer…
    await fleetlm.appendMessage(session.id, { userId: session.user_id, content: { text: "is a person there?" } });
    await expect(page.locator("[data-testid=message][data-seq='1']")).toContainText("is a person there?");
    await expect(page.getByTestId("gate-paused")).toContainText("held back its answer to message #1");
    await page.getByRole("button", { name: "Hand back" }).click();
    // …and after the hand back the Console offers to let the AI answer what it missed.
    const offer = page.getByTestId("missed-offer");
    await expect(offer).toContainText("a message the AI did not answer");
    await offer.getByRole("button", { name: "Let the AI answer" }).click();
    await expect(page.getByTestId("takeover-info")).toContainText("The AI is answering the missed message");
    await expect.poll(async () => (await assistants(fleetlm, session.id)).length, { timeout: 30_000 }).toBe(1);
    const [reply] = await assistants(fleetlm, session.id);
    // The one AI reply is the replay (seq 2): nothing answered while the session was held.
    expect(reply).toMatchObject({ seq: 2, metadata: { termination: "finish", console_replay: { answered_seqs: [1] } } });
    await expect(page.locator("[data-testid=message][data-seq='2']")).toBeVisible();
  } finally {
    await page.goto("/admin/agents");
    await page.getByTestId("agent-demo-agent").getByRole("button", { name: "Undo" }).click();
    await expect.poll(async () => (await fleetlm.getAgent("demo-agent")).webhook_path).toBe("/demo-agent/webhook");
  }
});

test("workspace: no serious or critical axe violation in light and dark; screenshots at 1440 and 390 px", async ({ browser, baseURL, fleetlm }) => {
  test.setTimeout(120_000);
  const { default: AxeBuilder } = await import("@axe-core/playwright");
  const dana = createAccount("operator", "Dana Support");
  const session = await quietSession(fleetlm, 8);
  const page = await signedIn(browser, baseURL!, dana);
  await openSession(page, session.id);
  await page.getByRole("button", { name: "Take over" }).click();
  await expect(page.getByTestId("takeover-status")).toContainText("You hold this session");
  await page.getByLabel("New note").fill("Asked for a refund on order 1042; checking with billing.");
  await page.getByRole("button", { name: "Add note" }).click();
  await expect(page.getByTestId("note")).toHaveCount(1);
  await page.getByLabel("Reply as the agent").fill("Hi, I'm Dana from support — let me look at that order for you.");

  for (const theme of ["light", "dark"] as const) {
    await page.getByRole("form", { name: "Theme" }).getByRole("button", { name: theme }).click();
    await expect(page.locator("html")).toHaveClass(theme === "dark" ? /dark/ : /^(?!.*dark)/);
    await expect(page.getByTestId("takeover-panel")).toBeVisible();
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(
      serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
      theme,
    ).toEqual([]);
    for (const width of [1440, 390]) {
      await page.setViewportSize({ width, height: width === 1440 ? 900 : 844 });
      // Nothing makes the page scroll sideways, a phone's width included (long ids truncate, the nav scrolls in place).
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `${theme} at ${width}`).toBeLessThanOrEqual(width);
      const file = width === 1440 && theme === "light" ? "docs/session-workspace.png" : `test-results/session-workspace-${theme}-${width}.png`;
      await page.screenshot({ path: file, fullPage: width === 390 });
    }
    await page.setViewportSize({ width: 1280, height: 720 });
  }
});
