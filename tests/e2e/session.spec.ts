// The session view in Chromium against the production build and a dev server with --demo: history paged by
// the Console's loader (tail, older pages to the first message, deep link), a demo reply streamed token by
// token into a live bubble that the stored message replaces, and notes.
import type { FleetLMRest } from "@fleetlm/client";
import type { Page } from "@playwright/test";
import { REAL_STORAGE } from "../support/dev-storage";
import { expect, hydrated, login, seriousViolations, test } from "./support";

// A 1440×900 window, as operators use: at Playwright's default 720 px the taller navigation (inbox settings, the
// waiting count) pushes the transcript's bottom below the fold, which the workspace layout of issue 17 fixes.
test.use({ viewport: { width: 1440, height: 900 } });

async function sessionWith(fleetlm: FleetLMRest, count: number, agentId = "e2e-silent-agent") {
  const session = await fleetlm.createSession({ userId: `e2e-user-${Date.now()}`, agentId });
  for (let n = 1; n <= count; n++) {
    await fleetlm.appendMessage(
      session.id,
      n % 2 ? { userId: session.user_id, content: { text: `message ${n}` } } : { agentId, content: { text: `message ${n}` } },
    );
  }
  return session;
}

const message = (page: Page, seq: number) => page.locator(`[data-testid=message][data-seq="${seq}"]`);

test("opens at the tail, loads older pages to the first message, and deep-links to a seq", async ({ page, admin, fleetlm }) => {
  test.setTimeout(120_000);
  const session = await sessionWith(fleetlm, 230);
  if (REAL_STORAGE) {
    // The trap the loader avoids: FleetLM answers a middle page with the unflushed newest messages first (§13.1).
    const holed = await fleetlm.listMessages(session.id, { afterSeq: 100, limit: 100 });
    expect(holed.map((m) => m.seq).slice(-3)).toEqual([228, 229, 230]);
  }
  await login(page, admin);
  await page.goto(`/sessions/${session.id}`);
  await expect(message(page, 230)).toBeVisible();
  await expect(message(page, 230)).toContainText("message 230");
  await expect(page.getByTestId("session-status")).toHaveText("active");

  const scroller = page.getByTestId("message-scroller");
  // Each scroll to the top loads one older page; retried until the first page (and its marker) is in.
  await expect(async () => {
    await scroller.evaluate((el) => el.scrollTo({ top: 0 }));
    await expect(page.getByTestId("start-of-conversation")).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await scroller.evaluate((el) => el.scrollTo({ top: 0 }));
  await expect(message(page, 1)).toBeVisible();
  await expect(message(page, 1)).toContainText("message 1");

  await page.goto(`/sessions/${session.id}?seq=120`);
  const target = message(page, 120);
  await expect(target).toBeVisible();
  await expect(target).toHaveAttribute("aria-current", "true");
  await expect(target).toContainText("message 120");
});

test("streams a demo reply token by token into a live bubble that becomes the stored message", async ({ page, admin, fleetlm }) => {
  test.setTimeout(90_000);
  const session = await fleetlm.createSession({ userId: `e2e-live-${Date.now()}`, agentId: "demo-agent" });
  await login(page, admin);
  await page.goto(`/sessions/${session.id}`);
  await expect(page.getByTestId("live-status")).toHaveText("● live");
  // The Console has joined session:{id} (as the agent): from now on no message is missed.
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-watching", "true");

  // Record every text the live bubble shows, as the browser paints it.
  await page.evaluate(() => {
    const texts: string[] = [];
    (window as unknown as { __bubbleTexts: string[] }).__bubbleTexts = texts;
    new MutationObserver(() => {
      const text = document.querySelector("[data-testid=live-bubble]")?.textContent ?? null;
      if (text !== null && texts.at(-1) !== text) texts.push(text);
      // A copy of the bubble as it first streams, kept after the bubble is gone, for the axe check below.
      const streaming = document.querySelector("[data-testid=live-bubble][data-status=streaming]");
      if (streaming && !document.querySelector("[data-testid=live-bubble-copy]")) {
        const copy = streaming.cloneNode(true) as HTMLElement;
        copy.dataset.testid = "live-bubble-copy";
        copy.removeAttribute("aria-live");
        document.body.append(copy);
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await fleetlm.appendMessage(session.id, { userId: session.user_id, content: { text: "Hello, can you help me?" } });
  await expect(message(page, 1)).toContainText("Hello, can you help me?");
  const reply = message(page, 2);
  await expect(reply).toBeVisible({ timeout: 20_000 });
  await expect(reply.getByTestId("sender")).toHaveText("AI");
  await expect(reply.getByTestId("termination")).toHaveText(/finish|abort/);
  const bubble = page.getByTestId("live-bubble");
  await expect(bubble).toHaveCount(0);
  const texts = await page.evaluate(() => (window as unknown as { __bubbleTexts: string[] }).__bubbleTexts);
  expect(texts.length).toBeGreaterThan(3); // the reply grew chunk by chunk before the stored message replaced it
  await expect(page.locator("[data-testid=message]")).toHaveCount(2); // exactly once each
  // The bubble while it streamed ("typing…" on its tinted background) was readable: axe on its copy alone.
  await expect(page.getByTestId("live-bubble-copy")).toContainText("typing");
  expect(await seriousViolations(page, "[data-testid=live-bubble-copy]")).toEqual([]);
});

test("adds and edits a note", async ({ page, admin, fleetlm }) => {
  const session = await sessionWith(fleetlm, 2);
  await login(page, admin);
  await page.goto(`/sessions/${session.id}`);
  const notes = page.getByRole("region", { name: "Notes" });
  await notes.getByLabel("New note").fill("Refund approved, see https://example.com/ticket/42");
  await notes.getByRole("button", { name: "Add note" }).click();
  const note = notes.getByTestId("note");
  await expect(note).toHaveCount(1);
  await expect(note).toContainText("Refund approved");
  await expect(note.getByRole("link", { name: "https://example.com/ticket/42" })).toHaveAttribute("href", "https://example.com/ticket/42");
  await expect(note).toContainText(admin.name);

  await note.getByRole("button", { name: "Edit" }).click();
  await note.getByLabel("Edit note").fill("Refund approved and sent");
  await note.getByRole("button", { name: "Save" }).click();
  await expect(note).toContainText("Refund approved and sent");
  await expect(notes.getByTestId("note")).toHaveCount(1);
  await page.reload();
  await expect(page.getByRole("region", { name: "Notes" }).getByTestId("note")).toContainText("Refund approved and sent");
});

test("follows new messages at the tail and marks them when scrolled up", async ({ page, admin, fleetlm }) => {
  test.setTimeout(90_000);
  const session = await sessionWith(fleetlm, 150);
  await login(page, admin);
  await page.goto(`/sessions/${session.id}`);
  await expect(message(page, 150)).toBeVisible();
  await expect(page.getByTestId("live-status")).toHaveText("● live");
  // The Console has joined session:{id} (as the agent): from now on no message is missed.
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-watching", "true");

  await fleetlm.appendMessage(session.id, { userId: session.user_id, content: { text: "a new question" } });
  await expect(message(page, 151)).toBeInViewport();

  // Scrolled up, and still there: the list's follow of #151 may still be settling when the test scrolls, and a
  // new message that arrives before the page has seen the scroll is followed (the marker is for a reader who left).
  const scroller = page.getByTestId("message-scroller");
  await expect(async () => {
    await scroller.evaluate((el) => el.scrollTo({ top: 0 }));
    await expect(message(page, 151)).not.toBeInViewport({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await fleetlm.appendMessage(session.id, { userId: session.user_id, content: { text: "another one" } });
  const marker = page.getByTestId("new-messages");
  await expect(marker).toHaveText("1 new message ↓");
  await marker.click();
  await expect(message(page, 152)).toBeInViewport();
  await expect(marker).toHaveCount(0);
  await expect(page.locator('[data-testid=message][data-seq="151"]')).toHaveCount(1); // exactly once
});

test("a jump to the newest message while an older page is loading stays at the newest message", async ({ page, admin, fleetlm }) => {
  test.setTimeout(90_000);
  const session = await sessionWith(fleetlm, 150);
  await login(page, admin);
  await page.goto(`/sessions/${session.id}`);
  await expect(message(page, 150)).toBeVisible();
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-watching", "true");

  // The older page is held until the reader has jumped back to the newest message.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let asked!: () => void;
  const olderAsked = new Promise<void>((resolve) => (asked = resolve));
  await page.route(/[?&]before=\d+&part=messages/, async (route) => {
    asked();
    await held;
    await route.continue();
  });
  await page.getByTestId("message-scroller").evaluate((el) => el.scrollTo({ top: 0 }));
  await olderAsked;
  await fleetlm.appendMessage(session.id, { userId: session.user_id, content: { text: "a new question" } });
  await page.getByTestId("new-messages").click();
  await expect(message(page, 151)).toBeInViewport();

  release();
  await expect(page.getByTestId("start-of-conversation")).toBeAttached(); // the older page has landed
  await expect(message(page, 151)).toBeInViewport();
});

test("renders hostile message content as inert text", async ({ page, admin, fleetlm }) => {
  const agentId = "e2e-hostile-agent";
  const session = await fleetlm.createSession({ userId: `e2e-hostile-${Date.now()}`, agentId });
  const payload = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>[click](javascript:window.__pwned=3)`;
  await fleetlm.appendMessage(session.id, { userId: session.user_id, content: { text: payload } });
  await fleetlm.appendMessage(session.id, {
    agentId,
    kind: "assistant",
    content: {
      id: "x",
      role: "assistant",
      parts: [
        { type: "text", text: `**hi** ${payload}`, state: "done" },
        { type: "tool-x", toolCallId: "c1", state: "output-available", input: { html: payload }, output: payload },
      ],
    },
    metadata: { termination: "finish" },
  });
  await login(page, admin);
  await page.goto(`/sessions/${session.id}`);
  await expect(message(page, 1)).toContainText("<script>");
  await expect(message(page, 2).locator("strong")).toHaveText("hi");
  // Hydrated: React has rendered every message on the client, so any script in them would have run by now.
  await hydrated(page);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await expect(page.locator("[data-testid=message] img, [data-testid=message] script")).toHaveCount(0);
  await expect(page.locator('[data-testid=message] a[href^="javascript"]')).toHaveCount(0);
});
