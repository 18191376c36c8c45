// The inbox in Chromium against the dev server in its default (faithful) mode and the production build.
import { randomUUID } from "node:crypto";
import { FleetLMSocket, type FleetLMRest } from "@fleetlm/client";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { createAccount, expect, hydrated, killFleetlm, login, startFleetlm, test, type Account } from "./support";

// An agent nobody registered: FleetLM calls no webhook, so only the messages the test posts exist.
const SILENT_AGENT = "e2e-silent-agent";

// Every context a test opens is closed after it, passed or failed (as in takeover.spec.ts): an open page keeps its
// live stream and its badge refreshes going, and slows the Console for the tests after it.
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

async function sendOverWebSocket(fleetlmUrl: string, userId: string, sessionId: string, text: string) {
  const socket = new FleetLMSocket({ socketUrl: `${fleetlmUrl.replace(/^http/, "ws")}/socket`, userId });
  await socket.connect();
  try {
    const channel = socket.channel(`session:${sessionId}`, {});
    await new Promise((resolve, reject) => channel.join().receive("ok", resolve).receive("error", reject));
    // FleetLM broadcasts a WS send twice and notifies the inbox twice (quirk 1): the badge must count it once.
    await new Promise((resolve, reject) =>
      channel
        .push("send", { content: { kind: "text", content: { text } } })
        .receive("ok", resolve)
        .receive("error", reject),
    );
  } finally {
    await socket.disconnect();
  }
}

/**
 * A session of a fresh user with these user messages, and my inbox filtered to it showing the badge at their
 * count; the page is hydrated and marked, so `sameDocument(page)` later tells whether it was ever reloaded.
 */
async function inboxWithUnread(page: Page, admin: Account, fleetlm: FleetLMRest, prefix: string, texts: string[]) {
  const userId = `${prefix}-${randomUUID().slice(0, 8)}`;
  const session = await fleetlm.createSession({ userId, agentId: SILENT_AGENT });
  for (const text of texts) await fleetlm.appendMessage(session.id, { userId, content: { text } });
  await login(page, admin);
  await page.goto(`/inbox?q=${userId}`);
  const badge = page.getByTestId(`unread-${session.id}`);
  await expect(badge).toHaveText(String(texts.length), { timeout: 20_000 });
  await hydrated(page);
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
  return { userId, session, badge };
}

const sameDocument = (page: Page) => page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument === true);

test("a user message shows up as my unread badge without a reload; opening the session clears it; another operator's counts are their own", async ({
  page,
  browser,
  baseURL,
  admin,
  fleetlm,
  fleetlmUrl,
}) => {
  const { userId, session, badge } = await inboxWithUnread(page, admin, fleetlm, "e2e-inbox", ["hello, anyone?"]);

  await fleetlm.appendMessage(session.id, { userId, content: { text: "still there?" } });
  await expect(badge).toHaveText("2");
  await sendOverWebSocket(fleetlmUrl, userId, session.id, "sent over the socket");
  await expect(badge).toHaveText("3");
  await page.waitForTimeout(2_000); // the duplicate broadcast has arrived by now
  await expect(badge).toHaveText("3");
  await expect(page.getByTestId("inbox-row").first()).toContainText("sent over the socket");
  expect(await sameDocument(page)).toBe(true);

  // A second operator has their own counts.
  const bob = await signedIn(browser, baseURL!, createAccount("operator", "Bob Counter"));
  await bob.goto(`/inbox?q=${userId}`);
  await expect(bob.getByTestId(`unread-${session.id}`)).toHaveText("3");
  await hydrated(bob);

  // Opening the session at its tail clears my badge, not Bob's (the session tab stays open while another
  // tab of mine watches the inbox, so the page has all the time it needs to record the read).
  await page.getByRole("link", { name: userId }).click();
  await expect(page).toHaveURL(new RegExp(`/sessions/${session.id}`));
  await hydrated(page);
  const inboxTab = await page.context().newPage();
  await inboxTab.goto(`/inbox?q=${userId}`);
  await expect(inboxTab.getByTestId(`unread-${session.id}`)).toHaveText("0", { timeout: 15_000 });
  await page.goto(`/inbox?q=${userId}`);
  await expect(badge).toHaveText("0");
  await inboxTab.close();
  await bob.reload();
  await expect(bob.getByTestId(`unread-${session.id}`)).toHaveText("3");
  await hydrated(bob);

  // Bob marks it read from the list; a new message then counts 1 for both of us, live.
  await bob.getByRole("checkbox", { name: `Select session of ${userId}` }).check();
  await bob.getByRole("button", { name: "Mark read" }).click();
  await expect(bob.getByTestId(`unread-${session.id}`)).toHaveText("0");
  await fleetlm.appendMessage(session.id, { userId, content: { text: "one more" } });
  await expect(bob.getByTestId(`unread-${session.id}`)).toHaveText("1");
  await expect(badge).toHaveText("1");
  await bob.context().close();
});

test("the count stays exact when the FleetLM server is killed and restarted, and through a duplicate broadcast after it", async ({
  page,
  admin,
  fleetlm,
  fleetlmUrl,
}) => {
  test.setTimeout(120_000);
  const { userId, session, badge } = await inboxWithUnread(page, admin, fleetlm, "e2e-restart", ["first", "second"]);

  try {
    await killFleetlm(); // SIGKILL: the dev server's SQLite data survives, its sockets and inbox channels do not
    await expect(page.getByText("FleetLM is unreachable")).toBeVisible({ timeout: 20_000 });
    await expect(badge).toHaveText("2");
  } finally {
    await startFleetlm();
  }
  await expect(page.getByText("FleetLM is unreachable")).toBeHidden({ timeout: 20_000 });
  await fleetlm.appendMessage(session.id, { userId, content: { text: "after the restart" } });
  await expect(badge).toHaveText("3", { timeout: 20_000 });
  await sendOverWebSocket(fleetlmUrl, userId, session.id, "over the socket after the restart");
  await expect(badge).toHaveText("4");
  await page.waitForTimeout(2_000); // the duplicate broadcast has arrived by now
  await expect(badge).toHaveText("4");
  expect(await sameDocument(page)).toBe(true);
  await page.reload();
  await expect(badge).toHaveText("4");
});

test("keyboard: j/k move, x selects, / focuses search, ? shows help", async ({ page, admin, fleetlm }) => {
  const userId = `e2e-keys-${randomUUID().slice(0, 8)}`;
  for (let i = 0; i < 2; i++) {
    const session = await fleetlm.createSession({ userId: `${userId}-${i}`, agentId: SILENT_AGENT });
    await fleetlm.appendMessage(session.id, { userId: `${userId}-${i}`, content: { text: `hi ${i}` } });
  }
  await login(page, admin);
  await page.goto(`/inbox?q=${userId}`);
  await expect(page.getByTestId("inbox-row")).toHaveCount(2, { timeout: 20_000 });
  await hydrated(page);
  await page.keyboard.press("j"); // focuses the first row
  await page.keyboard.press("j");
  await page.keyboard.press("x");
  await expect(page.getByTestId("inbox-row").nth(1)).toHaveAttribute("aria-selected", "true");
  await expect(page.getByRole("region", { name: "Bulk actions" })).toContainText("1 selected");
  await page.keyboard.press("k");
  await page.keyboard.press("x");
  await expect(page.getByRole("region", { name: "Bulk actions" })).toContainText("2 selected");
  await page.keyboard.press("?");
  await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" })).toBeHidden();
  await page.keyboard.press("/");
  await expect(page.getByTestId("inbox-search")).toBeFocused();
});

// ---- issue 16: the inbox as a work queue -------------------------------------------------------------------

test("unknown URL parameters render the inbox; a bad value is a notice on the intact page", async ({ page, admin }) => {
  await login(page, admin);
  const response = await page.goto("/inbox?utm_source=x&utm_medium=slack");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
  await expect(page.getByTestId("url-problems")).toHaveCount(0);
  const bad = await page.goto("/inbox?sort=passwordHash.desc&view=waiting");
  expect(bad?.status()).toBe(200);
  await expect(page.getByTestId("url-problems")).toContainText('cannot sort by "passwordHash"');
  await expect(page.getByTestId("view-definition")).toContainText("Waiting on a human");
});

test("the nav badge equals the number of rows in My unread", async ({ page, admin }) => {
  await login(page, admin);
  await page.goto("/inbox?unread=1&pageSize=100");
  await hydrated(page);
  // Under live traffic both move: they must agree whenever the page has caught up.
  await expect
    .poll(
      async () => {
        const [badge, total] = await Promise.all([
          page
            .getByTestId("unread-total")
            .textContent()
            .catch(() => "0"),
          page.getByTestId("inbox-total").textContent(),
        ]);
        return (
          (badge ?? "0").trim() ===
          (total ?? "")
            .replace(/ sessions?$/, "")
            .replace(/,/g, "")
            .trim()
        );
      },
      { timeout: 30_000 },
    )
    .toBe(true);
});

test("'can I talk to a human' from an SDK user puts the session in Waiting on a human within 2 s, with the reason", async ({ page, admin, fleetlm }) => {
  const userId = `e2e-handoff-${randomUUID().slice(0, 8)}`;
  const session = await fleetlm.createSession({ userId, agentId: SILENT_AGENT });
  await fleetlm.appendMessage(session.id, { userId, content: { text: "hello" } });
  await login(page, admin);
  // Known to the index first (the row shows), so what is timed is the signal, not discovery.
  await expect(async () => {
    await page.goto(`/inbox?q=${userId}`);
    await expect(page.getByTestId(`state-${session.id}`)).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await hydrated(page);
  await expect(page.getByTestId(`state-${session.id}`)).not.toContainText("Waiting on a human");
  await fleetlm.appendMessage(session.id, { userId, content: { text: "Can I talk to a human?" } });
  await expect(page.getByTestId(`reason-${session.id}`)).toContainText("talk to a human", { timeout: 2_000 });
  await expect(page.getByTestId(`state-${session.id}`)).toContainText("Waiting on a human");
  await page.getByTestId("view-waiting").click();
  await expect(page.getByTestId(`state-${session.id}`)).toBeVisible();
});

test("full-text search finds a word from a message body and opens the session at that seq", async ({ page, admin, fleetlm }) => {
  const userId = `e2e-search-${randomUUID().slice(0, 8)}`;
  const word = `zanzibar${randomUUID().slice(0, 6)}`;
  const session = await fleetlm.createSession({ userId, agentId: SILENT_AGENT });
  await fleetlm.appendMessage(session.id, { userId, content: { text: "first message" } });
  const second = await fleetlm.appendMessage(session.id, { userId, content: { text: `my parcel went to ${word} instead` } });
  await login(page, admin);
  await expect(async () => {
    await page.goto(`/inbox?q=${word}`);
    await expect(page.getByTestId(`hit-${session.id}`)).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByTestId(`hit-${session.id}`).locator("mark")).toHaveText(word);
  await hydrated(page);
  await page.getByTestId(`hit-${session.id}`).click();
  await expect(page).toHaveURL(new RegExp(`/sessions/${session.id}\\?seq=${second.seq}`));
});

test("focus belongs to a session: j, live traffic would reorder the list, Enter opens that very session", async ({ page, admin }) => {
  await login(page, admin);
  await page.goto("/inbox");
  await expect(page.getByTestId("inbox-row").first()).toBeVisible({ timeout: 20_000 });
  await hydrated(page);
  await page.keyboard.press("j");
  await page.keyboard.press("j");
  const focused = page.locator('[data-testid="inbox-row"][data-focused="true"]');
  const id = await focused.getAttribute("data-session-id");
  expect(id).toBeTruthy();
  await expect(page.getByTestId("inbox-list")).toHaveAttribute("data-holding", "true");
  // The demo traffic changes the order: the list gathers it instead of moving.
  await expect(page.getByTestId("pending-updates")).toBeVisible({ timeout: 20_000 });
  await expect(focused).toHaveAttribute("data-session-id", id!);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/sessions/${id}`));
});

test("a selection of 10 stays 10 under live traffic and across a page change", async ({ page, admin }) => {
  await login(page, admin);
  await page.goto("/inbox?pageSize=10");
  await expect(page.getByTestId("inbox-row")).toHaveCount(10, { timeout: 20_000 });
  await hydrated(page);
  await page.getByRole("checkbox", { name: "Select all on this page" }).check();
  await expect(page.getByTestId("selected-count")).toHaveText("10 selected");
  await expect(page.getByTestId("pending-updates")).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId("selected-count")).toHaveText("10 selected");
  await page.getByRole("link", { name: /next/i }).first().click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.getByTestId("selected-count")).toHaveText("10 selected");
  await expect(page.getByTestId("selected-off-page")).toContainText("not shown on this page");
});

test("a bulk archive that fails (FleetLM down) shows its error in place", async ({ page, admin, fleetlm }) => {
  const userId = `e2e-archive-${randomUUID().slice(0, 8)}`;
  const session = await fleetlm.createSession({ userId, agentId: SILENT_AGENT });
  await fleetlm.appendMessage(session.id, { userId, content: { text: "archive me" } });
  await login(page, admin);
  await expect(async () => {
    await page.goto(`/inbox?q=${userId}`);
    await expect(page.getByTestId("inbox-row")).toHaveCount(1, { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await hydrated(page);
  await page.getByRole("checkbox", { name: `Select session of ${userId}` }).check();
  await killFleetlm();
  try {
    await page.getByRole("button", { name: "Archive…" }).click();
    await page.getByRole("button", { name: "Yes, archive" }).click();
    await expect(page.getByTestId("bulk-result")).toBeVisible({ timeout: 20_000 });
    await expect(page.getByTestId("bulk-result")).toHaveAttribute("role", "alert");
    await expect(page.getByTestId("selected-count")).toHaveText("1 selected"); // kept, to try again
  } finally {
    await startFleetlm();
  }
});
