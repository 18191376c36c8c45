// The whole journey, in Chromium against the production build, from the database global-setup creates (one
// admin, nothing else): the admin creates an operator and an auditor in the UI; the operator watches a user's
// message arrive live in the inbox, opens the session, takes over, replies as the agent (the user, connected
// with @fleetlm/client in this process, receives an agent-authored message), hands back, and the AI answers
// the next message; the auditor reviews the AI's replies and exports the CSV; the admin reads it all in the
// audit log. It also takes the inbox screenshot in docs/ that the README shows.
import { readFileSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { FleetLMClient, type Message } from "@fleetlm/client";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { expect, hydrated, login, test, type Account } from "./support";

test.describe.configure({ timeout: 240_000 });

// Every context a test opens is closed after it, passed or failed (as in takeover.spec.ts): an open page keeps its
// live stream and its badge refreshes going, and slows the Console for the tests after it.
const opened: BrowserContext[] = [];
test.afterEach(async () => {
  await Promise.all(opened.splice(0).map((context) => context.close()));
});

async function signedIn(browser: Browser, baseURL: string, account: { email: string; password: string }): Promise<Page> {
  const context = await browser.newContext({ baseURL, acceptDownloads: true, viewport: { width: 1400, height: 900 } });
  opened.push(context);
  const page = await context.newPage();
  await login(page, account);
  return page;
}

async function createInUi(page: Page, account: Omit<Account, "password"> & { password: string }) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Operators" }).click();
  await expect(page.getByRole("heading", { name: "Operators" })).toBeVisible();
  const form = page.getByRole("form", { name: "New operator" });
  // The form is a <details>: it stays open after a creation, and a second click would close it.
  if (!(await form.isVisible())) await page.getByText("New operator", { exact: true }).click();
  await form.getByLabel("E-mail", { exact: true }).fill(account.email);
  await form.getByLabel("Name", { exact: true }).fill(account.name);
  await form.getByRole("combobox", { name: /^Role/ }).selectOption(account.role);
  await form.getByLabel("Initial password", { exact: true }).fill(account.password);
  await form.getByRole("button", { name: "Create operator" }).click();
  const row = page.getByRole("row", { name: new RegExp(account.email) });
  await expect(row).toBeVisible();
  await expect(row).toContainText(account.role);
}

const isOperatorWritten = (m: Message) => (m.metadata as Record<string, unknown> | undefined)?.source === "operator";

test("admin → operator → user → AI → auditor → audit log, from an empty database", async ({ browser, baseURL, admin, fleetlm, fleetlmUrl }) => {
  const tag = randomUUID().slice(0, 6);
  const operator = { email: `journey-op-${tag}@e2e.test`, name: `Olive Journey ${tag}`, role: "operator" as const, password: `op-${randomUUID()}` };
  const auditor = { email: `journey-au-${tag}@e2e.test`, name: `Aldo Journey ${tag}`, role: "auditor" as const, password: `au-${randomUUID()}` };
  const userId = `journey-user-${tag}`;

  const adminPage = await signedIn(browser, baseURL!, admin);
  await test.step("the admin creates an operator and an auditor in the UI", async () => {
    await createInUi(adminPage, operator);
    await createInUi(adminPage, auditor);
  });

  // The user: a FleetLM session with the demo agent, and @fleetlm/client connected as the user.
  const session = await fleetlm.createSession({ userId, agentId: "demo-agent" });
  const received: Message[] = [];
  const user = new FleetLMClient({ userId, sessionId: session.id, baseUrl: fleetlmUrl, socketUrl: fleetlmUrl.replace(/^http/, "ws") + "/socket" });
  user.on("message", (message) => received.push(message));
  await user.connect();

  try {
    const op = await signedIn(browser, baseURL!, operator);
    const row = op.locator(`[data-testid="inbox-row"][data-session-id="${session.id}"]`);
    const badge = op.getByTestId(`unread-${session.id}`);

    await test.step("the operator watches the user's message arrive live in the inbox", async () => {
      // Filtered to the user: earlier specs leave many livelier sessions, and one without messages sorts last.
      await op.goto(`/inbox?q=${encodeURIComponent(userId)}`);
      await expect(op.getByRole("heading", { name: "Inbox" })).toBeVisible();
      await hydrated(op);
      await expect(row).toBeVisible({ timeout: 20_000 }); // the gateway's poll finds the new session
      await expect(badge).toHaveText("0");
      // A full page load would drop this marker: the change must arrive live.
      await op.evaluate("window.__journeyNoReload = true");
      await user.send({ content: { text: "Hello, I would like to talk to a person please." } });
      await expect(badge).not.toHaveText("0", { timeout: 15_000 });
      expect(await op.evaluate("window.__journeyNoReload === true")).toBe(true);
      await expect(row).toContainText(userId);
      await op.screenshot({ path: path.resolve("docs/inbox.png") });
    });

    await test.step("the operator opens the session and takes over", async () => {
      await row.getByRole("link").first().click();
      await expect(op).toHaveURL(new RegExp(`/sessions/${session.id}`));
      await expect(op.getByTestId("takeover-panel")).toBeVisible();
      await hydrated(op);
      await op.getByPlaceholder("Reason (optional)").fill("the user asked for a person");
      await op.getByRole("button", { name: "Take over" }).click();
      await expect(op.getByTestId("takeover-status")).toContainText("You hold this session");
    });

    const text = `Hi, ${operator.name} here from support. How can I help?`;
    await test.step("the operator replies as the agent; the user receives an agent-authored message", async () => {
      await op.getByLabel("Reply as the agent").fill(text);
      await op.getByRole("button", { name: "Send as agent" }).click();
      await expect(op.getByLabel("Reply as the agent")).toHaveValue("");
      await expect.poll(() => received.find((m) => isOperatorWritten(m))?.content.text ?? null, { timeout: 15_000 }).toBe(text);
      const reply = received.find(isOperatorWritten)!;
      expect(reply.sender_id).toBe("demo-agent");
      expect(reply.metadata).toMatchObject({ operator_name: operator.name });
      await expect(op.getByTestId("message").filter({ hasText: text })).toBeVisible();
    });

    await test.step("the operator hands back and the AI answers the next message", async () => {
      await op.getByRole("button", { name: "Hand back" }).click();
      await expect(op.getByRole("button", { name: "Take over" })).toBeVisible();
      const asked = await user.send({ content: { text: "Thanks! One more question for the assistant: what are your hours?" } });
      await expect
        .poll(() => received.some((m) => m.seq > asked && m.kind === "assistant" && m.sender_id === "demo-agent" && !isOperatorWritten(m)), { timeout: 30_000 })
        .toBe(true);
      const answer = received.find((m) => m.seq > asked && m.kind === "assistant" && !isOperatorWritten(m))!;
      await expect(op.locator(`[data-testid="message"][data-seq="${answer.seq}"]`)).toBeVisible({ timeout: 15_000 });
    });

    const aiReplies = (await fleetlm.listMessages(session.id, { limit: 1000 })).filter(
      (m) => m.kind === "assistant" && m.sender_id === "demo-agent" && !isOperatorWritten(m),
    );
    expect(aiReplies.length).toBeGreaterThanOrEqual(1);

    const au = await signedIn(browser, baseURL!, auditor);
    await test.step("the auditor reviews the AI's replies", async () => {
      await au.goto(`/sessions/${encodeURIComponent(session.id)}`);
      await hydrated(au);
      // Auditors read but never take over.
      await expect(au.getByRole("button", { name: "Take over" })).toHaveCount(0);
      for (const reply of aiReplies) {
        const controls = au.getByTestId(`review-controls-${reply.seq}`);
        await controls.scrollIntoViewIfNeeded();
        await controls.getByRole("button", { name: "Good", exact: true }).click();
        await expect(controls.getByText("Saved")).toBeVisible();
        await expect(controls.getByRole("button", { name: "Good", exact: true })).toHaveAttribute("aria-pressed", "true");
      }
    });

    await test.step("the auditor exports the reviews as CSV", async () => {
      await au.goto("/reviews");
      await expect(au.getByRole("heading", { name: "Review queue" })).toBeVisible();
      await hydrated(au);
      const download = au.waitForEvent("download");
      await au.getByRole("link", { name: "Export reviews (CSV)" }).click();
      const file = await (await download).path();
      await expect(au.getByTestId("export-done")).toBeVisible();
      const csv = readFileSync(file, "utf8");
      for (const reply of aiReplies) expect(csv).toMatch(new RegExp(`${session.id}.*\\b${reply.seq}\\b`));
      expect(csv.toLowerCase()).toContain("good");
    });

    await test.step("the admin reads it all in the audit log", async () => {
      const expectAudit = async (query: string, text: string | RegExp) => {
        await adminPage.goto(`/admin/audit?${query}`);
        await expect(adminPage.getByRole("heading", { name: "Audit log" })).toBeVisible();
        await expect(adminPage.getByRole("row").filter({ hasText: text }).first()).toBeVisible();
      };
      await expectAudit("action=operator.create", operator.email);
      await expectAudit("action=operator.create", auditor.email);
      await expectAudit(`action=takeover.claim&targetId=${session.id}`, operator.email);
      await expectAudit(`action=takeover.send&targetId=${session.id}`, operator.email);
      await expectAudit(`action=takeover.release&targetId=${session.id}`, operator.email);
      await expectAudit(`action=review.create&actor=${encodeURIComponent(auditor.email)}`, auditor.email);
    });
  } finally {
    await user.disconnect();
  }
});
