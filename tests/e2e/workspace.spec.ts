// The session page as an operator's workspace, the parts of issue 17 not in takeover.spec.ts: browser
// notifications (permission granted in the context, Notification wrapped to record what is raised), the keyboard
// (every shortcut, the help dialog's focus trap), find in transcript beyond the rendered window, who is viewing in
// the inbox rows, and what the deactivation confirmation says.
import { randomUUID } from "node:crypto";
import type { FleetLMRest } from "@fleetlm/client";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { createAccount, expect, hydrated, login, test, type Account } from "./support";

// An agent nobody registered: FleetLM calls no webhook, so only the messages the test posts exist.
const SILENT_AGENT = "e2e-silent-agent";

test.describe.configure({ timeout: 120_000 });

const opened: BrowserContext[] = [];
test.afterEach(async () => {
  await Promise.all(opened.splice(0).map((context) => context.close()));
});

type Recorded = { title: string; body?: string; tag?: string };

/** Records every Notification the tab constructs (in sessionStorage, so across navigations), and still shows it. */
function recordNotifications() {
  const w = window as unknown as { Notification: typeof Notification };
  const Real = w.Notification;
  class Recording extends Real {
    constructor(title: string, options?: NotificationOptions) {
      const list = JSON.parse(sessionStorage.getItem("__notifications") ?? "[]") as Recorded[];
      list.push({ title, body: options?.body, tag: options?.tag });
      sessionStorage.setItem("__notifications", JSON.stringify(list));
      super(title, options);
    }
  }
  w.Notification = Recording;
}

async function signedIn(browser: Browser, baseURL: string, account: Account, options: { notifications?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({ baseURL, permissions: options.notifications ? ["notifications"] : [] });
  opened.push(context);
  if (options.notifications) await context.addInitScript(recordNotifications);
  const page = await context.newPage();
  await login(page, account);
  return page;
}

const notifications = (page: Page) => page.evaluate(() => JSON.parse(sessionStorage.getItem("__notifications") ?? "[]") as Recorded[]);

/** A session of the silent agent, with `count` user messages, once the Console has indexed all of them. */
async function indexedSession(page: Page, fleetlm: FleetLMRest, texts: string[], userId = `e2e-ws-${randomUUID().slice(0, 8)}`) {
  const session = await fleetlm.createSession({ userId, agentId: SILENT_AGENT });
  for (const text of texts) await fleetlm.appendMessage(session.id, { userId, content: { text } });
  await expect
    .poll(
      async () => {
        await page.goto(`/inbox?q=${userId}`);
        return page
          .getByTestId(`unread-${session.id}`)
          .textContent({ timeout: 1_000 })
          .catch(() => null);
      },
      { timeout: 30_000 },
    )
    .toBe(String(texts.length));
  return { userId, session };
}

async function openSession(page: Page, sessionId: string, query = "") {
  await page.goto(`/sessions/${encodeURIComponent(sessionId)}${query}`);
  await expect(page.getByTestId("takeover-panel")).toBeVisible();
  await hydrated(page);
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-watching", "true");
}

test("a user message in a session I hold raises a notification, but none while I am focused on that session", async ({ browser, baseURL, fleetlm }) => {
  const hana = createAccount("operator", "Hana Notify");
  const page = await signedIn(browser, baseURL!, hana, { notifications: true });
  const { userId, session } = await indexedSession(page, fleetlm, ["first question"]);

  // Permission is the browser's: granted here, so the account page says so and asks nothing.
  await page.goto("/account");
  await expect(page.getByTestId("notification-permission")).toHaveText("This browser shows the Console's notifications.");
  await expect(page.getByRole("button", { name: "Allow browser notifications" })).toHaveCount(0);

  await openSession(page, session.id);
  await page.getByRole("button", { name: "Take over" }).click();
  await expect(page.getByTestId("takeover-status")).toContainText("You hold this session");
  await page.goto("/inbox");
  await hydrated(page);

  await fleetlm.appendMessage(session.id, { userId, content: { text: "are you still there?" } });
  await expect
    .poll(async () => (await notifications(page)).filter((n) => n.title.includes(userId)))
    .toEqual([expect.objectContaining({ title: `New message from ${userId}`, body: "are you still there?" })]);

  // Focused on the session: the message arrives in the transcript and nothing is raised.
  await openSession(page, session.id);
  expect(await page.evaluate(() => document.hasFocus())).toBe(true);
  await fleetlm.appendMessage(session.id, { userId, content: { text: "hello from the focused tab" } });
  await expect(page.getByTestId("message").filter({ hasText: "hello from the focused tab" })).toBeVisible();
  // Back in the inbox, the next message is raised right after the first one: the focused one never was
  // (the notifier handles changes in order, so that one's turn came before this one).
  await page.goto("/inbox");
  await hydrated(page);
  await fleetlm.appendMessage(session.id, { userId, content: { text: "third, while away" } });
  await expect
    .poll(async () => (await notifications(page)).filter((n) => n.title.includes(userId)).map((n) => n.body))
    .toEqual(["are you still there?", "third, while away"]);
  // The tab title carries my unread count.
  await expect(page).toHaveTitle(/^\(\d+\) Inbox · FleetLM Console$/);
});

test("notification settings are the operator's own, saved on the account page; off means nothing is raised", async ({ browser, baseURL, fleetlm }) => {
  const ivo = createAccount("operator", "Ivo Quiet");
  const page = await signedIn(browser, baseURL!, ivo, { notifications: true });
  await page.goto("/account");
  const form = page.getByRole("form", { name: "Notification settings" });
  await expect(form.getByLabel("A new user message in a session I hold or am assigned")).toBeChecked();
  await form.getByLabel("A new user message in a session I hold or am assigned").uncheck();
  await form.getByLabel("Play a sound").check();
  await form.getByRole("button", { name: "Save notification settings" }).click();
  await expect(page.getByText("Notification settings saved.")).toBeVisible();
  await page.reload();
  await expect(form.getByLabel("A new user message in a session I hold or am assigned")).not.toBeChecked();
  await expect(form.getByLabel("Play a sound")).toBeChecked();

  const { userId, session } = await indexedSession(page, fleetlm, ["hi"]);
  await openSession(page, session.id);
  await page.getByRole("button", { name: "Take over" }).click();
  await expect(page.getByTestId("takeover-status")).toContainText("You hold this session");
  await page.goto("/inbox");
  await hydrated(page);
  await fleetlm.appendMessage(session.id, { userId, content: { text: "nobody is told" } });
  // Read up to the first message when I opened it: this one is my only unread.
  await expect(page.getByTestId(`unread-${session.id}`)).toHaveText("1");
  // Signal: switch "mine" on again; the next message is the first one raised.
  await page.goto("/account");
  await form.getByLabel("A new user message in a session I hold or am assigned").check();
  await form.getByRole("button", { name: "Save notification settings" }).click();
  await expect(page.getByText("Notification settings saved.")).toBeVisible();
  await page.goto("/inbox");
  await hydrated(page);
  await fleetlm.appendMessage(session.id, { userId, content: { text: "now told" } });
  await expect.poll(async () => (await notifications(page)).filter((n) => n.title.includes(userId)).map((n) => n.body)).toEqual(["now told"]);
});

test("keyboard: every shortcut of the session page, and a help dialog that traps focus and gives it back", async ({ browser, baseURL, fleetlm }) => {
  const kai = createAccount("operator", "Kai Keys");
  const page = await signedIn(browser, baseURL!, kai);
  const userId = `e2e-keys-${randomUUID().slice(0, 8)}`;
  const { session: first } = await indexedSession(page, fleetlm, ["first session"], userId);
  const { session: second } = await indexedSession(page, fleetlm, ["second session"], userId);
  const inbox = `?${new URLSearchParams({ inbox: `q=${userId}` })}`;
  await openSession(page, second.id, inbox);

  // ? opens the help from wherever focus is, Tab stays inside, Esc closes it and focus is back where it was.
  const back = page.getByTestId("back-to-inbox");
  await back.focus();
  await page.keyboard.press("?");
  const dialog = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(dialog).toBeVisible();
  for (const what of ["Take the session over", "Hand the session back to the AI", "Send the reply", "Focus the composer", "Assign the session to me"])
    await expect(dialog).toContainText(what);
  await expect(dialog).toContainText("Resolve");
  await expect(dialog).toContainText("Find in the whole transcript");
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press("Tab");
    expect(await dialog.evaluate((el) => el.contains(document.activeElement))).toBe(true);
    await page.keyboard.press("Shift+Tab");
    expect(await dialog.evaluate((el) => el.contains(document.activeElement))).toBe(true);
  }
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(back).toBeFocused();

  // Shortcuts act from the conversation (not from a field).
  const scroller = page.getByTestId("message-scroller");
  await scroller.focus();
  await page.keyboard.press("t");
  await expect(page.getByTestId("takeover-status")).toContainText("You hold this session");
  await scroller.focus();
  await page.keyboard.press("c");
  const composer = page.getByLabel("Reply as the agent");
  await expect(composer).toBeFocused();
  await page.keyboard.type("sent with the keyboard");
  await page.keyboard.press("Control+Enter");
  await expect(composer).toHaveValue("");
  await expect(page.getByTestId("message").filter({ hasText: "sent with the keyboard" })).toBeVisible();
  await scroller.focus();
  await page.keyboard.press("h");
  await expect(page.getByTestId("takeover-holder")).toHaveText("nobody (AI answers)");
  // Nothing to hand back now: the page says so instead of doing nothing silently.
  await scroller.focus();
  await page.keyboard.press("h");
  await expect(page.getByTestId("shortcut-note")).toHaveText("Hand back is not available here right now.");
  await page.keyboard.press("a");
  await expect(page.getByTestId("assignee")).toHaveValue(/.+/);
  await expect(page.getByTestId("assignee").locator("option:checked")).toHaveText("Kai Keys (me)");
  await scroller.focus();
  await page.keyboard.press("f");
  await expect(page.getByLabel("Find in transcript")).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("find-bar")).toHaveCount(0);

  // j / k: next and previous in the inbox view it came from.
  await scroller.focus();
  await page.keyboard.press("j");
  await expect(page).toHaveURL(new RegExp(`/sessions/${first.id}`));
  await hydrated(page);
  await page.getByTestId("message-scroller").focus();
  await page.keyboard.press("k");
  await expect(page).toHaveURL(new RegExp(`/sessions/${second.id}`));
  await hydrated(page);

  // e resolves (archives), after the same confirmation as the button.
  page.once("dialog", (d) => void d.accept());
  await page.getByTestId("message-scroller").focus();
  await page.keyboard.press("e");
  await expect(page.getByTestId("session-status")).toHaveText("archived");
});

test("find in transcript finds text far outside the rendered window and scrolls to each hit", async ({ browser, baseURL, fleetlm }) => {
  test.setTimeout(120_000);
  const { default: AxeBuilder } = await import("@axe-core/playwright");
  const fay = createAccount("operator", "Fay Finder");
  const page = await signedIn(browser, baseURL!, fay);
  const word = `quokka${randomUUID().slice(0, 6)}`;
  const texts = Array.from({ length: 300 }, (_, i) =>
    i === 2 || i === 149 || i === 289 ? `message ${i + 1} mentions ${word.toUpperCase()} here` : `message ${i + 1}`,
  );
  const { session } = await indexedSession(page, fleetlm, texts);
  await openSession(page, session.id);
  // The tail is rendered; seq 3 and 150 are not in the page at all.
  await expect(page.locator('[data-seq="300"]')).toBeVisible();
  await expect(page.locator('[data-seq="3"]')).toHaveCount(0);

  await page.getByTestId("message-scroller").focus();
  await page.keyboard.press("Control+f");
  const input = page.getByLabel("Find in transcript");
  await expect(input).toBeFocused();
  await input.fill(word);
  const count = page.getByTestId("find-count");
  // The newest hit first (the reader is at the tail).
  await expect(count).toHaveText("3 of 3");
  await expect(page.locator('[data-seq="290"]')).toBeInViewport();
  await input.press("Shift+Enter");
  await expect(count).toHaveText("2 of 3");
  await expect(page.locator('[data-seq="150"]')).toBeInViewport();
  await expect(page.locator('[data-seq="150"]')).toHaveAttribute("aria-current", "true");
  await input.press("Shift+Enter");
  await expect(count).toHaveText("1 of 3");
  await expect(page.locator('[data-seq="3"]')).toBeInViewport();
  await expect(page.locator('[data-seq="3"]')).toContainText(word.toUpperCase());
  await input.press("Enter");
  await expect(count).toHaveText("2 of 3");
  await expect(page.locator('[data-seq="150"]')).toBeInViewport();
  await input.fill("no such text anywhere");
  await expect(count).toHaveText("No matches");

  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
});

test("the inbox row shows who is viewing the session, live", async ({ browser, baseURL, fleetlm }) => {
  const vera = createAccount("operator", "Vera Viewer");
  const wes = createAccount("operator", "Wes Watcher");
  const v = await signedIn(browser, baseURL!, vera);
  const w = await signedIn(browser, baseURL!, wes);
  const { userId, session } = await indexedSession(w, fleetlm, ["who is looking?"]);
  await w.goto(`/inbox?q=${userId}`);
  await hydrated(w);
  const row = w.getByTestId("inbox-row").filter({ hasText: userId });
  await expect(row.getByTestId("row-viewers")).toHaveCount(0);
  await openSession(v, session.id);
  await expect(row.getByTestId("row-viewers")).toHaveText(/Vera Viewer/);
  await v.goto("/inbox");
  await expect(row.getByTestId("row-viewers")).toHaveCount(0);
});

test("deactivating asks first and says what it ends: sign-ins and the sessions held", async ({ browser, baseURL, admin, fleetlm }) => {
  const otto = createAccount("operator", `Otto ${randomUUID().slice(0, 4)}`);
  const o = await signedIn(browser, baseURL!, otto);
  const { session } = await indexedSession(o, fleetlm, ["help"]);
  await openSession(o, session.id);
  await o.getByRole("button", { name: "Take over" }).click();
  await expect(o.getByTestId("takeover-status")).toContainText("You hold this session");

  const page = await signedIn(browser, baseURL!, admin);
  await page.goto(`/admin/operators?q=${encodeURIComponent(otto.email)}`);
  await hydrated(page);
  let said = "";
  page.once("dialog", (d) => {
    said = d.message();
    void d.dismiss();
  });
  await page.locator("summary", { hasText: `Actions for ${otto.email}` }).click();
  await page.getByRole("button", { name: "Deactivate" }).click();
  await expect.poll(() => said).toContain(`Deactivate ${otto.name}?`);
  expect(said).toContain("will be signed out of 1 browser");
  expect(said).toContain("The session they hold is handed back to the AI at once");
  // Dismissed: nothing ended.
  await o.reload();
  await expect(o.getByTestId("takeover-status")).toContainText("You hold this session");
});
