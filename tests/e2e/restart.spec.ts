// FleetLM crashes mid-stream: the dev server is SIGKILLed while the demo agent's reply is streaming into the session
// view, then started again on the same port and data (global-setup's control server). The page must stay up,
// show the cut reply as interrupted (never spinning), follow the messages written after the restart live, and
// render every seq from 1 to FleetLM's head exactly once — before and after a reload.
import type { FleetLMRest, Session } from "@fleetlm/client";
import type { Page } from "@playwright/test";
import { expect, hydrated, killFleetlm, login, seriousViolations, startFleetlm, test } from "./support";

const message = (page: Page, seq: number) => page.locator(`[data-testid=message][data-seq="${seq}"]`);

/** The seqs of the messages in the DOM, in DOM order. */
const renderedSeqs = (page: Page) => page.locator("[data-testid=message]").evaluateAll((nodes) => nodes.map((node) => Number(node.getAttribute("data-seq"))));

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** From now on, records every moment the DOM holds the same seq twice (the final DOM could hide a transient one). */
async function recordDuplicateSeqs(page: Page) {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __duplicateSeqs: string[] }).__duplicateSeqs = seen;
    new MutationObserver(() => {
      const seqs = [...document.querySelectorAll("[data-testid=message]")].map((node) => node.getAttribute("data-seq") ?? "?");
      const twice = seqs.filter((seq, i) => seqs.indexOf(seq) !== i);
      if (twice.length) seen.push(twice.join(","));
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-seq"] });
  });
}

const duplicateSeqs = (page: Page) => page.evaluate(() => (window as unknown as { __duplicateSeqs: string[] }).__duplicateSeqs);

/**
 * Posts a user message, waits until the demo reply's text is streaming in the live bubble, and SIGKILLs FleetLM.
 * A short reply can finish in the moment between seeing it and the kill: then FleetLM is started again and another
 * question asked (at most three times). Returns the question's seq, with FleetLM down and the cut reply interrupted.
 */
async function killMidStream(page: Page, fleetlm: FleetLMRest, session: Session): Promise<number> {
  const bubble = page.getByTestId("live-bubble");
  for (let attempt = 1; ; attempt++) {
    const question = await fleetlm.appendMessage(session.id, { userId: session.user_id, content: { text: `Where is my order? (try ${attempt})` } });
    // Some of the answer's words are painted (not just the "streaming" badge of an empty text part).
    const painted = await page.waitForFunction(
      () => document.querySelector("[data-testid=live-bubble][data-status=streaming] [data-part=text] > .prose-message")?.textContent?.trim() || null,
      undefined,
      { polling: "raf", timeout: 20_000 },
    );
    const partial = (await painted.jsonValue()) as string;
    await killFleetlm();
    await expect(bubble).not.toHaveAttribute("data-status", "streaming");
    const statuses = await bubble.evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-status")));
    if (statuses.join() === "interrupted") {
      await expect(bubble).toContainText(partial); // what was streamed stays readable
      return question.seq;
    }
    expect(attempt, "the demo reply kept finishing before the kill").toBeLessThan(3);
    await startFleetlm();
    await expect(bubble).toHaveCount(0, { timeout: 20_000 }); // the finished reply arrives as a stored message
  }
}

test("FleetLM SIGKILLed mid-stream and restarted: the cut reply is interrupted, every message shows exactly once", async ({
  page,
  context,
  admin,
  fleetlm,
}) => {
  test.setTimeout(180_000);
  const session = await fleetlm.createSession({ userId: `e2e-restart-${Date.now()}`, agentId: "demo-agent" });
  try {
    await login(page, admin);
    await page.goto(`/sessions/${session.id}`);
    await hydrated(page);
    await expect(page.getByTestId("live-status")).toHaveText("● live");
    // The Console has joined session:{id} (as the agent): from now on no message is missed.
    await expect(page.getByTestId("live-status")).toHaveAttribute("data-watching", "true");
    await recordDuplicateSeqs(page);

    const asked = await killMidStream(page, fleetlm, session);

    // FleetLM is down. The open page stays up: the cut reply says it was interrupted, no spinner, history kept.
    const bubble = page.getByTestId("live-bubble");
    await expect(bubble).toContainText("interrupted");
    await expect(bubble).toContainText("This reply stopped before it finished");
    await expect(bubble.locator(".animate-pulse")).toHaveCount(0);
    await expect(bubble.getByText("streaming", { exact: true })).toHaveCount(0); // no part still says it streams
    expect(await seriousViolations(page, "[data-testid=live-bubble]")).toEqual([]); // the red "interrupted" bubble is readable
    await expect(page.getByRole("heading", { name: `Session ${session.id}` })).toBeVisible();
    await expect(message(page, asked)).toContainText("Where is my order?");
    // The gateway's outage reaches the open page live: it says nothing new can arrive for now.
    await expect(page.getByTestId("fleetlm-unreachable")).toBeVisible({ timeout: 20_000 });
    // A fresh load meanwhile is the degraded page (503 with a notice), not an error page.
    const other = await context.newPage();
    const response = await other.goto(`/sessions/${session.id}`);
    expect(response?.status()).toBe(503);
    await expect(other.getByTestId("degraded")).toContainText("Messages are unavailable: FleetLM could not be reached.");
    await other.close();

    await startFleetlm();
    await expect(page.getByTestId("fleetlm-unreachable")).toBeHidden({ timeout: 20_000 });
    // Still interrupted after the restart: FleetLM stores nothing for the cut reply, and nobody resumes it.
    await expect(bubble).toHaveAttribute("data-status", "interrupted");

    // Two more turns, written through REST after the restart: they arrive live, with no reload.
    for (const question of ["Can I change my billing address?", "How do I export my data?"]) {
      const user = await fleetlm.appendMessage(session.id, { userId: session.user_id, content: { text: question } });
      await expect(message(page, user.seq)).toContainText(question, { timeout: 30_000 });
      const reply = message(page, user.seq + 1);
      await expect(reply.getByTestId("sender")).toHaveText("AI", { timeout: 30_000 });
      await expect(reply.getByTestId("termination")).toHaveText(/finish|abort/);
    }
    await expect(bubble).toHaveCount(0); // the stored replies replaced the interrupted bubble

    // Every seq from 1 to FleetLM's head, exactly once, in order — and never twice at any moment.
    const stored = (await fleetlm.listMessages(session.id, { limit: 1000 })).map((m) => m.seq);
    const head = await fleetlm.headSeq(session.id);
    expect(stored).toEqual(range(1, head));
    await expect.poll(() => renderedSeqs(page)).toEqual(range(1, head));
    expect(await duplicateSeqs(page)).toEqual([]);

    await page.reload();
    await expect(message(page, head)).toBeVisible();
    expect(await renderedSeqs(page)).toEqual(range(1, head));
    await expect(bubble).toHaveCount(0);
  } finally {
    await startFleetlm(); // the specs after this one need FleetLM, whatever happened here
  }
});
