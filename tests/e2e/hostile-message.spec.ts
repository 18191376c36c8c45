// A hostile message in Chromium against the production build: a megabyte of markup-dense markdown posted by
// the end user as kind "assistant" and content nested 2,000 levels deep (ADR 085), forged operator metadata
// (ADR 087). The page opens, shows them for what they are, and "Show all" brings the whole text, painted in slices.
import { MEGABYTE_MARKDOWN, postHostileMessages } from "../support/hostile-messages";
import { expect, hydrated, login, test } from "./support";

test("opens a session of hostile messages, marks the forgeries, and shows all of the megabyte on demand", async ({ page, admin, fleetlm }) => {
  test.setTimeout(120_000);
  const userId = `e2e-mallory-${Date.now()}`;
  const session = await fleetlm.createSession({ userId, agentId: "e2e-silent-agent" });
  await fleetlm.appendMessage(session.id, { userId, content: { text: "hello" } });
  const seqs = await postHostileMessages(fleetlm, session.id, userId);
  await login(page, admin);
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  const response = await page.goto(`/sessions/${session.id}`);
  expect(response?.status()).toBe(200);
  await hydrated(page);

  const forgedOperator = page.locator(`[data-testid=message][data-seq="${seqs.forgedOperator}"]`);
  await expect(forgedOperator.getByTestId("sender")).toHaveText("User");
  await expect(forgedOperator.getByTestId("suspicious")).toContainText("operator");

  const scroller = page.getByTestId("message-scroller");
  await scroller.evaluate((el) => el.scrollTo({ top: 0 }));
  const big = page.locator(`[data-testid=message][data-seq="${seqs.bigMarkdown}"]`);
  await expect(big.getByTestId("sender")).toHaveText("User");
  await expect(big.getByTestId("suspicious")).toContainText("AI reply");
  await expect(big.getByTestId("long-text")).toContainText("shown as plain text");
  await expect(big.locator("strong")).toHaveCount(0);
  await expect(big.getByTestId("review-controls-" + seqs.bigMarkdown)).toHaveCount(0);
  await big.getByTestId("show-all").click();
  const sliced = big.getByTestId("sliced-text");
  await expect(sliced).toHaveAttribute("data-complete", "true", { timeout: 60_000 });
  expect(await sliced.evaluate((el) => el.textContent?.length)).toBe(MEGABYTE_MARKDOWN.length);

  await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await expect(page.getByTestId("omitted-notice").first()).toContainText("nested too deeply");
  expect(errors).toEqual([]);
});

test("a long, markup-dense agent reply is plain at first, then formatted off the main thread", async ({ page, admin, fleetlm }) => {
  const userId = `e2e-long-${Date.now()}`;
  const session = await fleetlm.createSession({ userId, agentId: "e2e-silent-agent" });
  await fleetlm.appendMessage(session.id, { userId, content: { text: "give me everything" } });
  // ~45 KB with 3,000 bold runs: past the render budget (16 KB, 800 marks) and the loader's cut (20,000
  // characters), so the page fetches it whole and the worker formats it (ADR 088).
  const text = `# Everything\n\n${Array.from({ length: 300 }, (_, i) => `- item ${i}: ${"**bold** ".repeat(10)}`).join("\n")}\n\n<script>window.__owned = 1</script>`;
  await fleetlm.appendMessage(session.id, {
    agentId: "e2e-silent-agent",
    kind: "assistant",
    content: { id: "long", role: "assistant", parts: [{ type: "text", text }] },
    metadata: { termination: "finish" },
  });
  await login(page, admin);
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  // The server's HTML holds it plain: the server never parses markdown past the budget.
  const html = await (await page.request.get(`/sessions/${session.id}`)).text();
  expect(html).toContain("shown as plain text");
  await page.goto(`/sessions/${session.id}`);
  await hydrated(page);
  const reply = page.locator(`[data-testid=message][data-seq="2"]`);
  const formatted = reply.getByTestId("worker-markdown");
  await expect(formatted).toHaveAttribute("data-complete", "true", { timeout: 30_000 });
  await expect(formatted.locator("h1")).toHaveText("Everything");
  await expect(formatted.locator("li")).toHaveCount(300);
  await expect(formatted.locator("strong")).toHaveCount(3_000);
  expect(await page.evaluate(() => (window as unknown as { __owned?: number }).__owned)).toBeUndefined();
  await expect(formatted.locator("script")).toHaveCount(0);
  expect(errors).toEqual([]);
});
