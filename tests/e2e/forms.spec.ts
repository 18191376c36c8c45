// Forms (issue 15, ADR 190): a field's error is shown beside it, the input says it is invalid and names the error
// (aria-invalid, aria-describedby), and nothing is written; and the account and settings pages have no serious or
// critical axe violation in light and dark at 1440 and 390 px (screenshots in .tmp/, not docs/).
import { randomUUID } from "node:crypto";
import type { Locator, Page } from "@playwright/test";
import { createAccount, expect, hydrated, inEveryThemeAndWidth, login, seriousViolations, test } from "./support";

/** The input is invalid, names an element by aria-describedby, and that element says `message`. */
async function expectFieldError(page: Page, input: Locator, message: string | RegExp) {
  await expect(input).toHaveAttribute("aria-invalid", "true");
  const describedBy = await input.getAttribute("aria-describedby");
  expect(describedBy, "aria-describedby").toBeTruthy();
  const ids = describedBy!.split(/\s+/);
  const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()));
  expect(texts.join(" | ")).toMatch(message);
  // The error is beside its input: in the same field box.
  await expect(input.locator("xpath=..").locator(`[id="${ids[0]}"]`)).toBeVisible();
}

test("operators: a bad e-mail and a too-long name are shown by their fields, and nothing is created", async ({ page, admin }) => {
  await login(page, admin);
  await page.goto("/admin/operators");
  await hydrated(page);
  await page.getByText("New operator", { exact: true }).click();
  const create = page.getByRole("form", { name: "New operator" });
  const email = `forms-${randomUUID().slice(0, 8)}@e2e.test`;
  await create.getByLabel("E-mail", { exact: true }).fill("not-an-e-mail");
  await create.getByLabel("Name", { exact: true }).fill("n".repeat(101));
  await create.getByLabel("Initial password", { exact: true }).fill("long enough password");
  await create.getByRole("button", { name: "Create operator" }).click();
  await expectFieldError(page, create.getByLabel("E-mail", { exact: true }), "Enter a valid e-mail address");
  // The name's limit reached the input as maxLength (typing stops there), so a longer one comes from a paste
  // past the attribute: it is still refused by the schema.
  const name = create.getByLabel("Name", { exact: true });
  await expect(name).toHaveAttribute("maxlength", "100");
  await name.evaluate((input: HTMLInputElement) => {
    input.removeAttribute("maxlength");
    input.value = "n".repeat(101);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  });
  await create.getByRole("button", { name: "Create operator" }).click();
  await expectFieldError(page, name, "At most 100 characters");
  // Fixed, the e-mail error clears as it is typed; the form is still refused for the name.
  await create.getByLabel("E-mail", { exact: true }).fill(email);
  await expect(create.getByLabel("E-mail", { exact: true })).not.toHaveAttribute("aria-invalid", "true");
  await create.getByRole("button", { name: "Create operator" }).click();
  await expectFieldError(page, name, "At most 100 characters");
  // Nothing was written: the operator is not in the list.
  await page.goto(`/admin/operators?q=${encodeURIComponent(email)}`);
  await expect(page.getByText("No operators match.")).toBeVisible();
});

test("operators: the server's verdict is shown by the field too (an e-mail already taken), with nothing created", async ({ page, admin }) => {
  const existing = createAccount("operator");
  await login(page, admin);
  await page.goto("/admin/operators");
  await hydrated(page);
  await page.getByText("New operator", { exact: true }).click();
  const create = page.getByRole("form", { name: "New operator" });
  await create.getByLabel("E-mail", { exact: true }).fill(existing.email);
  await create.getByLabel("Name", { exact: true }).fill("Second Person");
  await create.getByLabel("Initial password", { exact: true }).fill("long enough password");
  await create.getByRole("button", { name: "Create operator" }).click();
  await expectFieldError(page, page.getByRole("form", { name: "New operator" }).getByLabel("E-mail", { exact: true }), /already exists/);
  await page.goto(`/admin/operators?q=${encodeURIComponent(existing.email)}`);
  await expect(page.getByRole("row", { name: new RegExp(existing.email) })).toHaveCount(1);
  await expect(page.getByRole("row", { name: /Second Person/ })).toHaveCount(0);
});

test("account: a too-short new password is shown by its field, and the password is not changed", async ({ page }) => {
  const account = createAccount("operator", "Fran Forms");
  await login(page, account);
  await page.goto("/account");
  await hydrated(page);
  const form = page.getByRole("form", { name: "Change password" });
  await form.getByLabel("Current password", { exact: true }).fill(account.password);
  await form.getByLabel("New password", { exact: true }).fill("short");
  await form.getByLabel("New password again", { exact: true }).fill("short");
  await form.getByRole("button", { name: "Change password" }).click();
  const next = form.getByLabel("New password", { exact: true });
  await expectFieldError(page, next, "At least 8 characters");
  // The description stays named too, after the error.
  await expect(next).toHaveAttribute("aria-describedby", /\s/);
  await expect(next).toHaveAttribute("minlength", "8");
  await expect(next).toHaveAttribute("maxlength", "256");
  await expect(page.getByRole("status").filter({ hasText: "Password changed" })).toHaveCount(0);
  // Nothing was written: the old password still signs in.
  await page.getByRole("button", { name: "Sign out" }).click();
  await login(page, account);
});

for (const path of ["/account", "/admin/settings"]) {
  test(`${path}: no serious or critical axe violation in light and dark at 1440 and 390 px`, async ({ browser, baseURL, admin }) => {
    test.setTimeout(120_000);
    const context = await browser.newContext({ baseURL, viewport: { width: 1440, height: 900 }, reducedMotion: "reduce" });
    try {
      const page = await context.newPage();
      await login(page, admin);
      await page.goto(path);
      await hydrated(page);
      // Fields in their error state (sent and refused by the browser's check), so the error styling is judged too.
      if (path === "/account") {
        const form = page.getByRole("form", { name: "Change password" });
        await form.getByLabel("New password", { exact: true }).fill("short");
        await form.getByRole("button", { name: "Change password" }).click();
        await expect(form.getByLabel("New password", { exact: true })).toHaveAttribute("aria-invalid", "true");
      } else {
        const form = page.getByRole("form", { name: "Join and leave message" });
        // Sent, the browser's check refuses it before it leaves (nothing is saved).
        await form.getByLabel("Message kind").fill("Not A Kind");
        await form.getByRole("button", { name: "Save join and leave messages" }).click();
        await expect(form.getByLabel("Message kind")).toHaveAttribute("aria-invalid", "true");
        await expect(page).not.toHaveURL(/saved=1/);
      }
      await inEveryThemeAndWidth(page, async (theme, width) => {
        expect(await seriousViolations(page), `${path} ${theme} at ${width}`).toEqual([]);
        await page.screenshot({ path: `.tmp/forms${path.replaceAll("/", "-")}-${theme}-${width}.png`, fullPage: true });
      });
    } finally {
      await context.close();
    }
  });
}

test("scores: a bad key and a reversed range are shown by their fields, and no score is written", async ({ page, admin }) => {
  await login(page, admin);
  await page.goto("/admin/scores");
  await hydrated(page);
  const form = page.getByRole("form", { name: "New score" });
  const label = `Forms ${randomUUID().slice(0, 6)}`;
  await form.getByLabel("Key").fill("Not A Key");
  await form.getByLabel("Label").fill(label);
  await form.getByLabel("Min").fill("5");
  await form.getByLabel("Max").fill("1");
  await form.getByRole("button", { name: "Create score" }).click();
  await expectFieldError(page, form.getByLabel("Key"), "Lower-case letters, digits and _, starting with a letter");
  await expectFieldError(page, form.getByLabel("Max"), "The maximum must be above the minimum.");
  await expect(form.getByLabel("Key")).toHaveAttribute("maxlength", "40");
  await expect(form.getByLabel("Label")).toHaveAttribute("maxlength", "60");
  // The server says the same when the browser's check is skipped (a hand-made post): 400, and nothing written.
  const refused = await page.request.post("/admin/scores", {
    form: { intent: "create", key: "not a key", label, kind: "numeric", min: "5", max: "1" },
    headers: { origin: new URL(page.url()).origin },
    maxRedirects: 0,
  });
  expect(refused.status()).toBe(400);
  await page.reload();
  await expect(page.getByTestId("score-configs")).not.toContainText(label);
});

test("datasets: a name over the limit is refused by its field, and no dataset is created", async ({ page, admin }) => {
  await login(page, admin);
  await page.goto("/reviews/datasets");
  await hydrated(page);
  const form = page.getByRole("form", { name: "New dataset" });
  const name = form.getByLabel("Name");
  await expect(name).toHaveAttribute("maxlength", "80");
  await expect(name).toHaveAttribute("required", "");
  // Past the attribute (a paste with the limit removed), the schema still refuses it.
  const long = `forms-${randomUUID().slice(0, 6)}-${"n".repeat(80)}`;
  await name.evaluate((input: HTMLInputElement, value) => {
    input.removeAttribute("maxlength");
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }, long);
  await form.getByRole("button", { name: "Create dataset" }).click();
  await expectFieldError(page, name, "At most 80 characters.");
  await page.reload();
  await expect(page.getByTestId("datasets")).not.toContainText(long.slice(0, 12));
});

/**
 * The pages the kit and the converted forms reach; the session page is one with notes. The inbox with its filters is
 * checked by inbox-layout.spec.ts (the same axe filter and widths, after its live rows have settled).
 */
const PAGES = [
  "/admin/operators",
  "/admin/review-queues",
  "/admin/review-labels",
  "/admin/canned-replies",
  "/admin/agents",
  "/admin/scores",
  "/admin/inbox",
  "/reviews/datasets",
  "session",
] as const;

for (const target of PAGES) {
  test(`${target}: no serious or critical axe violation in light and dark at 1440 and 390 px, nothing wider than the page`, async ({
    browser,
    baseURL,
    admin,
    fleetlm,
  }) => {
    test.setTimeout(120_000);
    const context = await browser.newContext({ baseURL, viewport: { width: 1440, height: 900 }, reducedMotion: "reduce" });
    try {
      const page = await context.newPage();
      await login(page, admin);
      let path: string = target;
      if (target === "session") {
        const userId = `forms-e2e-${randomUUID().slice(0, 6)}`;
        const session = await fleetlm.createSession({ userId, agentId: "demo-agent" });
        await fleetlm.appendMessage(session.id, { userId, content: { text: "where is my order?" } });
        path = `/sessions/${encodeURIComponent(session.id)}`;
      }
      await page.goto(path);
      await hydrated(page);
      if (target === "session") {
        // A note through the converted notes form, so the panel shows a list and its form.
        const notes = page.getByRole("region", { name: "Notes" });
        await notes.getByLabel("New note").fill("Called the user back, waiting on the courier.");
        await notes.getByRole("button", { name: "Add note" }).click();
        await expect(notes.getByTestId("note")).toContainText("waiting on the courier");
        await expect(notes.getByLabel("New note")).toHaveValue("");
      }
      const name = target === "session" ? "session" : target.replaceAll("/", "-").slice(1);
      await inEveryThemeAndWidth(page, async (theme, width) => {
        expect(await seriousViolations(page), `${path} ${theme} at ${width}`).toEqual([]);
        // The page never scrolls sideways (wide tables scroll in their own box).
        expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), `${path} ${theme} at ${width}`).toBe(0);
        await page.screenshot({ path: `.tmp/forms-${name}-${theme}-${width}.png`, fullPage: true });
      });
    } finally {
      await context.close();
    }
  });
}

/**
 * The page's URL once Remix has nothing in flight (no navigation, no revalidation, every fetcher idle, read from
 * window.__remixRouter), else "busy at …": a redirect still to come cannot hide behind a URL that looks right.
 */
async function settledUrl(page: Page) {
  return page.evaluate(() => {
    type Router = { state: { navigation: { state: string }; revalidation: string; fetchers: Map<string, { state: string }> } };
    const router = (window as unknown as { __remixRouter?: Router }).__remixRouter;
    if (!router) return "busy";
    const { navigation, revalidation, fetchers } = router.state;
    const idle = navigation.state === "idle" && revalidation === "idle" && [...fetchers.values()].every((f) => f.state === "idle");
    return idle ? window.location.href : `busy at ${window.location.href}`;
  });
}

test("theme: a switch made while the page's own read post is in flight returns to that exact page (path and query)", async ({ page, admin, fleetlm }) => {
  // The review's bug: the session page posted its read cursor with a fetcher; when that post finished while the
  // theme post was still a pending navigation to /theme, Remix revalidated /theme's loader (a redirect to
  // /inbox) and the browser landed on the inbox. The read post now goes around the router (ADR 223); here it is
  // still held until the theme post has left, and the theme post until the read post's answer is in.
  const userId = `forms-theme-${randomUUID().slice(0, 6)}`;
  const session = await fleetlm.createSession({ userId, agentId: "demo-agent" });
  await fleetlm.appendMessage(session.id, { userId, content: { text: "which theme is this?" } });
  await login(page, admin);
  let releaseRead!: () => void;
  const readReleased = new Promise<void>((resolve) => (releaseRead = resolve));
  let readArrived!: () => void;
  const readPosted = new Promise<void>((resolve) => (readArrived = resolve));
  const isRead = (request: { method(): string; url(): string; postData(): string | null }) =>
    request.method() === "POST" && /^\/sessions\/[^/]+\/read$/.test(new URL(request.url()).pathname);
  await page.route(/\/sessions\/[^/]+\/read$/, async (route) => {
    if (!isRead(route.request())) return route.fallback();
    readArrived();
    await readReleased;
    await route.fallback();
  });
  await page.route(/\/theme/, async (route) => {
    if (route.request().method() !== "POST") return route.fallback();
    const readAnswered = page.waitForResponse((response) => isRead(response.request()));
    releaseRead();
    await readAnswered;
    await route.fallback();
  });
  const path = `/sessions/${encodeURIComponent(session.id)}?seq=1`;
  await page.goto(path);
  await hydrated(page);
  const here = new URL(path, page.url()).href;
  await readPosted;
  await page.getByRole("form", { name: "Theme" }).getByRole("button", { name: "dark" }).click();
  await expect(page.locator("html")).toHaveClass(/dark/);
  await expect.poll(() => settledUrl(page), { timeout: 20_000 }).toBe(here);
  await expect(page.getByTestId("session-status")).toBeVisible();
  // And back, with nothing held.
  await page.unrouteAll({ behavior: "ignoreErrors" });
  await page.getByRole("form", { name: "Theme" }).getByRole("button", { name: "light" }).click();
  await expect(page.locator("html")).toHaveClass(/light/);
  await expect.poll(() => settledUrl(page), { timeout: 20_000 }).toBe(here);
});

test("session panel: a bad label is shown by its box, and no label is added", async ({ page, admin, fleetlm }) => {
  const userId = `forms-label-${randomUUID().slice(0, 6)}`;
  const session = await fleetlm.createSession({ userId, agentId: "demo-agent" });
  await fleetlm.appendMessage(session.id, { userId, content: { text: "label me" } });
  await login(page, admin);
  const path = `/sessions/${encodeURIComponent(session.id)}`;
  await page.goto(path);
  await hydrated(page);
  const panel = page.getByRole("complementary", { name: "About this session" });
  const box = panel.getByLabel("Add a label");
  await expect(box).toHaveAttribute("maxlength", "40");
  await box.fill("<script>");
  await panel.getByRole("button", { name: "Add", exact: true }).click();
  await expectFieldError(page, box, "may use letters, digits, space and . : _ -");
  // Fixed, it is added and the box empties.
  await box.fill("billing");
  await expect(box).not.toHaveAttribute("aria-invalid", "true");
  await panel.getByRole("button", { name: "Add", exact: true }).click();
  await expect(panel.getByTestId("labels")).toContainText("billing");
  await expect(box).toHaveValue("");
  // A hand-made post past the browser's check: 400, and nothing written.
  const refused = await page.request.post(path, {
    form: { intent: "label-add", label: "<script>" },
    headers: { origin: new URL(page.url()).origin },
    maxRedirects: 0,
  });
  expect(refused.status()).toBe(400);
  await page.reload();
  await expect(panel.getByTestId("labels")).not.toContainText("script");
});

test("inbox: a saved view without a name is refused by its field, and nothing is saved", async ({ page }) => {
  await login(page, createAccount("operator"));
  await page.goto("/inbox?unread=1");
  await hydrated(page);
  await page.getByText("Save this view…").click();
  const form = page.getByRole("form", { name: "Save this view" });
  const name = form.getByLabel("Name");
  await expect(name).toHaveAttribute("maxlength", "60");
  await name.fill("   ");
  await form.getByRole("button", { name: "Save" }).click();
  await expectFieldError(page, name, "name the view");
  await expect(page.getByRole("list", { name: "My saved views" })).toHaveCount(0);
});
