// Reviews in Chromium against the production build and the dev server's demo agent: keyboard-only review of
// ten replies, flag → first in the queue, the agent page reflecting ratings, and a CSV export read back.
import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import type { FleetLMRest } from "@fleetlm/client";
import type { Page } from "@playwright/test";
import { createAccount, expect, hydrated, login, test } from "./support";

test.describe.configure({ timeout: 180_000 });

/** A session with the demo agent that has `replies` AI replies stored in FleetLM. */
async function sessionWithReplies(fleetlm: FleetLMRest, replies: number) {
  const session = await fleetlm.createSession({ userId: `reviews-e2e-${randomUUID().slice(0, 6)}`, agentId: "demo-agent" });
  for (let i = 0; i < replies; i++) await fleetlm.appendMessage(session.id, { userId: session.user_id, content: { text: `question ${i + 1}: where is my order?` } });
  await expect
    .poll(async () => (await fleetlm.listMessages(session.id, { limit: 200 })).filter((m) => m.kind === "assistant").length, { timeout: 60_000 })
    .toBeGreaterThanOrEqual(replies);
  const messages = await fleetlm.listMessages(session.id, { limit: 200 });
  return { session, replies: messages.filter((m) => m.kind === "assistant") };
}

/** Reloads the queue until the gateway and the backfill have indexed at least `n` replies for it. */
async function queueWithAtLeast(page: Page, query: string, n: number) {
  await expect
    .poll(
      async () => {
        await page.goto(`/reviews?${query}`);
        return page.getByTestId("queue-item").count();
      },
      { timeout: 60_000, intervals: [1_000, 2_000] },
    )
    .toBeGreaterThanOrEqual(n);
  await hydrated(page);
}

async function currentKey(page: Page) {
  return page.locator('[data-testid="queue-item"][aria-current="true"]').getAttribute("data-key");
}

test("an auditor reviews ten replies from the queue with the keyboard only", async ({ page, fleetlm }) => {
  await Promise.all([sessionWithReplies(fleetlm, 4), sessionWithReplies(fleetlm, 4), sessionWithReplies(fleetlm, 4)]);
  const auditor = createAccount("auditor");
  await login(page, auditor);
  const today = new Date().toISOString().slice(0, 10);
  await queueWithAtLeast(page, `agent=demo-agent&from=${today}`, 10);

  const reviewed: string[] = [];
  for (let i = 0; i < 10; i++) {
    const key = await currentKey(page);
    expect(key).toBeTruthy();
    // Context is loaded from FleetLM for each reply.
    await expect(page.getByTestId("reply-context").locator("[data-seq]").last()).toBeVisible();
    await page.keyboard.press(i % 3 === 0 ? "2" : "1");
    if (i === 0) {
      await page.keyboard.press("t"); // the "tone" label's hotkey
      await page.keyboard.press("c");
      await page.keyboard.type("too curt");
    }
    await page.keyboard.press("Enter");
    await expect(page.locator(`[data-testid="queue-item"][data-key="${key}"]`)).toContainText("✓");
    reviewed.push(key!);
    await expect.poll(() => currentKey(page)).not.toBe(key);
  }
  // k goes back to a reply just reviewed, which shows my review.
  await page.keyboard.press("k");
  await expect.poll(() => currentKey(page)).toBe(reviewed[9]);
  await expect(page.getByText(/You reviewed this/)).toBeVisible();

  // A reload no longer lists them: they are reviewed by me.
  await page.goto(`/reviews?agent=demo-agent&from=${today}`);
  const keys = await page.getByTestId("queue-item").evaluateAll((items) => items.map((i) => i.getAttribute("data-key")));
  for (const key of reviewed) expect(keys).not.toContain(key);
});

test("a reply flagged from the session view is first in the queue", async ({ page, fleetlm }) => {
  const { session, replies } = await sessionWithReplies(fleetlm, 2);
  const operator = createAccount("operator");
  await login(page, operator);
  const reply = replies[0]!;
  await page.goto(`/sessions/${session.id}`);
  await hydrated(page);
  const controls = page.getByTestId(`review-controls-${reply.seq}`);
  await controls.scrollIntoViewIfNeeded();
  await controls.getByRole("button", { name: "Flag for review" }).click();
  await expect(controls.getByRole("button", { name: "Flagged" })).toBeVisible();

  await page.goto("/reviews");
  await expect(page.getByTestId("queue-item").first()).toHaveAttribute("data-key", `${session.id}:${reply.seq}`);
  await expect(page.getByTestId("queue-item").first()).toContainText("flagged");
  await page.goto("/reviews?flagged=1");
  await expect(page.getByTestId("queue-item").first()).toHaveAttribute("data-key", `${session.id}:${reply.seq}`);
});

test("the agent page's charts reflect new ratings", async ({ page, fleetlm }) => {
  const { session } = await sessionWithReplies(fleetlm, 3);
  const auditor = createAccount("auditor");
  await login(page, auditor);
  const today = new Date().toISOString().slice(0, 10);
  const figure = async (id: string) => (await page.getByTestId(id).textContent())?.trim() ?? "";
  await page.goto(`/reviews/agents/demo-agent?from=${today}&to=${today}`);
  await expect(page.getByTestId("chart-replies").locator("svg").first()).toBeVisible();
  const reviewsBefore = Number(await figure("figure-reviews"));

  await queueWithAtLeast(page, `agent=demo-agent&from=${today}`, 1);
  // Rate two replies bad, with the "hallucination" label (hotkey h).
  for (let i = 0; i < 2; i++) {
    const key = await currentKey(page);
    await expect(page.getByTestId("reply-context").locator("[data-seq]").last()).toBeVisible();
    await page.keyboard.press("2");
    await page.keyboard.press("h");
    await page.keyboard.press("Enter");
    await expect(page.locator(`[data-testid="queue-item"][data-key="${key}"]`)).toContainText("✓");
  }

  await page.goto(`/reviews/agents/demo-agent?from=${today}&to=${today}`);
  await expect(page.getByTestId("figure-reviews")).toHaveText(String(reviewsBefore + 2));
  await expect(page.getByTestId("figure-bad-share")).not.toHaveText("–");
  await expect(page.getByTestId("label-shares")).toContainText("hallucination");
  await expect(page.getByTestId("chart-ratings").locator(".recharts-bar-rectangle").first()).toBeVisible();
  await expect(page.getByTestId("chart-latency").locator(".recharts-bar-rectangle").first()).toBeVisible();
  await expect(page.getByTestId("interrupted-note")).toBeVisible();
  expect(Number(await figure("figure-replies"))).toBeGreaterThan(0);
  void session;
});

test("an auditor exports the reviews as CSV with progress, and reads them back neutralised", async ({ browser, baseURL, fleetlm }) => {
  const { session } = await sessionWithReplies(fleetlm, 1);
  const auditor = createAccount("auditor");
  const context = await browser.newContext({ baseURL, acceptDownloads: true });
  const page = await context.newPage();
  await login(page, auditor);
  const tag = randomUUID().slice(0, 8);
  await queueWithAtLeast(page, `agent=demo-agent`, 1);
  const key = await currentKey(page);
  // The rating keys act once the reply's context has loaded (as in the keyboard test above).
  await expect(page.getByTestId("reply-context").locator("[data-seq]").last()).toBeVisible();
  await page.keyboard.press("1");
  await page.keyboard.press("c");
  await page.keyboard.type(`=HYPERLINK("http://evil") ${tag}`);
  await page.keyboard.press("Enter");
  await expect(page.locator(`[data-testid="queue-item"][data-key="${key}"]`)).toContainText("✓");

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export reviews (CSV)" }).click();
  const file = await (await download).path();
  await expect(page.getByTestId("export-done")).toBeVisible();
  const csv = readFileSync(file!, "utf8");
  expect(csv.split("\r\n")[0]).toContain("review_id");
  const line = csv.split("\r\n").find((l) => l.includes(tag));
  expect(line).toBeTruthy();
  expect(line).toContain(`"'=HYPERLINK(""http://evil"") ${tag}"`);
  expect(line).toContain(key!.split(":")[0]);
  void session;
  await context.close();
});
