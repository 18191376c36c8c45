// Reviews in Chromium against the production build and the dev server's demo agent: keyboard-only review of
// ten replies, flag → first in the queue, the agent page reflecting ratings, and a CSV export read back.
import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import type { FleetLMRest } from "@fleetlm/client";
import type { BrowserContext, Page } from "@playwright/test";
import { createAccount, expect, hydrated, login, test } from "./support";

// Every context a test opens is closed after it, passed or failed (as in takeover.spec.ts): an open page keeps its
// live stream and its badge refreshes going, and slows the Console for the tests after it.
const opened: BrowserContext[] = [];
test.afterEach(async () => {
  await Promise.all(opened.splice(0).map((context) => context.close()));
});

test.describe.configure({ timeout: 180_000 });

/** A session with the demo agent that has `replies` AI replies stored in FleetLM. */
async function sessionWithReplies(fleetlm: FleetLMRest, replies: number) {
  const session = await fleetlm.createSession({ userId: `reviews-e2e-${randomUUID().slice(0, 6)}`, agentId: "demo-agent" });
  for (let i = 0; i < replies; i++)
    await fleetlm.appendMessage(session.id, { userId: session.user_id, content: { text: `question ${i + 1}: where is my order?` } });
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
  opened.push(context);
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

/** POSTs a form from inside the page (same origin, the page's cookie), answering status and JSON. */
async function post(page: Page, url: string, form: Record<string, string>) {
  return page.evaluate(
    async ([u, f]) => {
      const res = await fetch(u, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: new URLSearchParams(f),
      });
      return { status: res.status, body: await res.text() };
    },
    [url, form] as const,
  );
}

/** The key of the reply I hold, or null once the queue has nothing left for me. */
const workKey = (page: Page) => page.evaluate(() => document.querySelector('[data-testid="work-item"]')?.getAttribute("data-key") ?? null);

test("a QA team runs a queue: scores, two auditors by keyboard, agreement, adjudication, a chart bar, a dataset", async ({
  browser,
  baseURL,
  page,
  admin,
  fleetlm,
}) => {
  const tag = randomUUID().slice(0, 6);
  const { session, replies } = await sessionWithReplies(fleetlm, 3);
  const [ann, ben] = [createAccount("auditor", `Ann ${tag}`), createAccount("auditor", `Ben ${tag}`)];

  // The admin defines a numeric and a categorical score, flags the three replies and builds a queue of them.
  await login(page, admin);
  await page.goto("/admin/scores");
  await hydrated(page);
  const form = page.getByRole("form", { name: "New score" });
  await form.getByLabel("Key").fill(`helpful_${tag}`);
  await form.getByLabel("Label").fill(`Helpful ${tag}`);
  await form.getByLabel("Rubric").fill("5 = solved the problem; 1 = no help at all");
  await form.getByRole("button", { name: "Create score" }).click();
  await expect(page.getByTestId("score-configs")).toContainText(`helpful_${tag} v1`);
  await form.getByLabel("Key").fill(`tone_${tag}`);
  await form.getByLabel("Label").fill(`Tone ${tag}`);
  await form.getByLabel("Kind").selectOption("categorical");
  await form.getByLabel("Options").fill("polite\ncurt");
  await form.getByRole("button", { name: "Create score" }).click();
  await expect(page.getByTestId("score-configs")).toContainText(`tone_${tag} v1`);
  await expect
    .poll(async () => {
      for (const r of replies) await post(page, `/reviews/${session.id}/${r.seq}`, { intent: "flag" });
      return (await post(page, `/reviews/${session.id}/${replies[2]!.seq}`, { intent: "flag" })).status;
    })
    .toBe(200);
  // The label the chart bar will count: one reply, labelled once.
  await page.goto("/admin/review-labels");
  await hydrated(page);
  const newLabel = page.getByRole("form", { name: "New label" });
  await newLabel.getByLabel("New label").fill(`e2e ${tag}`);
  await newLabel.getByRole("button", { name: "Add label" }).click();
  await expect(page.getByLabel(`Name of e2e ${tag}`)).toBeVisible();

  await page.goto("/admin/review-queues");
  await hydrated(page);
  const q = page.getByRole("form", { name: "New queue" });
  await q.getByLabel("Name").fill(`QA ${tag}`);
  await q.getByLabel("Agent").selectOption("demo-agent");
  await q.getByLabel("Flagged only").check();
  await q.getByLabel(`Helpful ${tag}`).check();
  await q.getByLabel(`Tone ${tag}`).check();
  await q.getByLabel("Reviews per reply").selectOption("2");
  await q.getByRole("button", { name: "Build queue" }).click();
  await expect(page).toHaveURL(/\/reviews\/queues\/[^/]+$/);
  const queueUrl = new URL(page.url()).pathname;
  // The admin reviews in it too (any auditor or admin) and the page has claimed an item: let it go.
  await expect(page.getByTestId("work-item")).toBeVisible();
  expect((await post(page, `${queueUrl}/work`, { intent: "release" })).status).toBe(200);
  await page.goto("/reviews");

  // Two auditors in two browsers: never the same open item at the same time.
  const contexts = await Promise.all([browser.newContext({ baseURL }), browser.newContext({ baseURL })]);
  opened.push(...contexts);
  const [pa, pb] = await Promise.all(contexts.map((c) => c.newPage()));
  await login(pa!, ann);
  await login(pb!, ben);
  for (const p of [pa!, pb!]) {
    await p.goto(queueUrl);
    await hydrated(p);
    await expect(p.getByTestId("work-item")).toBeVisible();
  }
  const mine = new Set(replies.map((r) => `${session.id}:${r.seq}`));
  const rated: Record<string, string[]> = { ann: [], ben: [] };
  const rate = async (p: Page, who: "ann" | "ben", rating: "1" | "2", helpful: string, tone: "polite" | "curt", label = false) => {
    const key = (await workKey(p))!;
    await expect(p.getByTestId("reply-context").locator("[data-seq]").last()).toBeVisible();
    await expect(p.getByTestId("rubric").first()).toContainText("5 = solved the problem");
    await p.keyboard.press(rating);
    if (label) await p.getByLabel(`e2e ${tag}`).check();
    await p.getByLabel(`Helpful ${tag}`).fill(helpful);
    await p.getByLabel(`Tone ${tag}`).selectOption(tone);
    await p.getByLabel(`Helpful ${tag}`).press("Enter"); // Enter in a score saves and fetches the next
    await expect.poll(() => workKey(p)).not.toBe(key);
    rated[who]!.push(key);
    return key;
  };
  const openPair = async () => {
    const [a, b] = await Promise.all([workKey(pa!), workKey(pb!)]);
    expect(a).not.toBe(b);
  };
  // Ann and Ben alternate until both have rated the three replies; they disagree on the tone of the first.
  for (let round = 0; round < 3; round++) {
    await openPair();
    await rate(pa!, "ann", "1", "4", round === 0 ? "polite" : "curt", round === 0);
    await openPair();
    await rate(pb!, "ben", round === 2 ? "2" : "1", "4", "curt");
  }
  const both = rated.ann!.filter((k) => rated.ben!.includes(k) && mine.has(k));
  expect(both.length).toBeGreaterThanOrEqual(2);

  // Agreement appears for the replies both rated; the admin settles the tone disagreement.
  await page.goto(`${queueUrl}/agreement`);
  await expect(page.getByTestId(`agreement-tone_${tag}`).getByTestId("n")).not.toHaveText("0");
  await expect(page.getByTestId("agreement-rating").getByTestId("kappa")).not.toHaveText("–");
  const dispute = page
    .getByTestId("disagreement")
    .filter({ hasText: `Tone ${tag}` })
    .first();
  await dispute.getByLabel("Final value").selectOption("curt");
  await dispute.getByLabel("Note").fill("abrupt refusal");
  await dispute.getByRole("button", { name: "Decide" }).click();
  await expect(page.getByTestId("disagreement").filter({ hasText: "abrupt refusal" }).getByTestId("final")).toContainText("final curt");

  // A chart bar opens exactly its replies: the new label's bar holds one reply.
  const today = new Date().toISOString().slice(0, 10);
  await page.goto(`/reviews/agents/demo-agent?from=${today}&to=${today}`);
  await hydrated(page);
  // Scores over time: the numeric score's chart, titled with its sample (six values, on the replies rated).
  const scoreChart = page.getByTestId(`chart-score-helpful_${tag}`);
  await expect(scoreChart).toContainText(`6 values on ${new Set([...rated.ann!, ...rated.ben!]).size} replies`);
  await expect(scoreChart.locator(".recharts-bar-rectangle").first()).toBeVisible();
  const link = page
    .getByTestId("chart-labels")
    .getByTestId("chart-link")
    .filter({ hasText: `e2e ${tag}` });
  await expect(link).toHaveAttribute("data-count", "1");
  const labelIndex = await page
    .getByTestId("chart-labels")
    .getByTestId("chart-link")
    .evaluateAll((els, name) => els.findIndex((e) => e.textContent?.startsWith(name)), `e2e ${tag}`);
  await page.getByTestId("bars-labels").locator(".recharts-bar-rectangle").nth(labelIndex).click();
  await expect(page).toHaveURL(/label=e2e/);
  await expect(page.getByTestId("queue-item")).toHaveCount(1);
  await expect(page.getByTestId("queue-item").first()).toHaveAttribute("data-key", rated.ann![0]!);

  // A dataset: Ann adds her first reply with a corrected answer; the JSONL export reads back.
  await page.goto("/reviews/datasets");
  await page.getByLabel("Name").fill(`ft ${tag}`);
  await page.getByRole("button", { name: "Create dataset" }).click();
  await expect(page.getByTestId("datasets")).toContainText(`ft ${tag}`);
  const [sid, seq] = rated.ann![0]!.split(":");
  await pa!.goto(`/reviews?show=all&flagged=1&agent=demo-agent`);
  await hydrated(pa!);
  await pa!.locator(`[data-testid="queue-item"][data-key="${sid}:${seq}"]`).click();
  await pa!.getByTestId("add-to-dataset").locator("summary").click();
  await pa!.getByLabel("Dataset").selectOption({ label: `ft ${tag}` });
  await pa!.getByLabel("Corrected answer").fill("Your order ships tomorrow.");
  await pa!.getByTestId("add-to-dataset").getByRole("button", { name: "Add" }).click();
  await expect(pa!.getByTestId("add-to-dataset").getByRole("status")).toContainText("Added");
  await page.reload();
  const row = page.getByTestId("dataset").filter({ hasText: `ft ${tag}` });
  await expect(row.getByTestId("dataset-size")).toHaveText("1 item");
  const href = await row.getByRole("link", { name: "JSONL" }).getAttribute("href");
  const jsonl = await page.request.get(href!);
  const lines = (await jsonl.text()).split("\n").filter(Boolean);
  expect(lines).toHaveLength(1);
  const example = JSON.parse(lines[0]!) as { messages: { role: string; content: string }[] };
  expect(example.messages[0]!.role).toBe("user");
  expect(example.messages.at(-1)).toEqual({ role: "assistant", content: "Your order ships tomorrow." });
  await Promise.all(contexts.map((c) => c.close()));
});

test("an operator cannot review a reply they wrote", async ({ page, fleetlm }) => {
  const session = await fleetlm.createSession({ userId: `own-${randomUUID().slice(0, 6)}`, agentId: "demo-agent" });
  const operator = createAccount("operator");
  await login(page, operator);
  await page.goto(`/sessions/${session.id}`);
  await hydrated(page);
  expect((await post(page, `/sessions/${session.id}/takeover`, { intent: "claim" })).status).toBe(200);
  const sent = await post(page, `/sessions/${session.id}/takeover`, { intent: "send", clientMessageId: randomUUID(), body: "A human here." });
  expect(sent.status).toBe(200);
  const seq = (JSON.parse(sent.body) as { seq: number }).seq;
  const refused = await post(page, `/reviews/${session.id}/${seq}`, { intent: "review", rating: "good" });
  expect(refused.status).toBe(403);
  expect(refused.body).toContain("You wrote this reply");
  await page.goto("/reviews?author=operator&show=all");
  await expect(page.locator(`[data-testid="queue-item"][data-key="${session.id}:${seq}"]`)).toHaveCount(0);
});

test("the quality charts, light and dark, wide and narrow (docs/reviews-charts.png)", async ({ page, admin }) => {
  await login(page, admin);
  const today = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
  for (const [scheme, width] of [
    ["light", 1440],
    ["dark", 1440],
    ["light", 390],
    ["dark", 390],
  ] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width, height: 900 });
    await page.goto(`/reviews/agents/demo-agent?from=${from}&to=${today}`);
    await hydrated(page);
    await expect(page.getByTestId("chart-terminations").locator(".recharts-bar-rectangle").first()).toBeVisible();
    await expect(page.getByTestId("figure-p95-of")).toContainText("AI replies");
    const path = scheme === "light" && width === 1440 ? "docs/reviews-charts.png" : `test-results/reviews-charts-${scheme}-${width}.png`;
    await page.screenshot({ path, fullPage: true });
  }
});
