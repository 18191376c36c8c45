// Messages FleetLM lost (protocol §13.2), in Chromium against the production build: the transcript shows one
// marker exactly where the lost seqs were, and the inbox's "Lost messages" filter finds that session and no other.
// Needs the dev server in real storage (FLEETLM_DEV_STORAGE=real; scripts/test.sh runs it so), whose test hook
// places the loss at known seqs.
import { randomUUID } from "node:crypto";
import type { FleetLMRest } from "@fleetlm/client";
import type { Page } from "@playwright/test";
import { REAL_STORAGE } from "../support/dev-storage";
import { expect, login, loseMessages, test } from "./support";

test.skip(!REAL_STORAGE, "needs the dev server in real storage: FLEETLM_DEV_STORAGE=real");
test.use({ viewport: { width: 1440, height: 900 } });

const SILENT_AGENT = "e2e-silent-agent";

async function sessionWith(fleetlm: FleetLMRest, userId: string, count: number) {
  const session = await fleetlm.createSession({ userId, agentId: SILENT_AGENT });
  for (let n = 1; n <= count; n++) {
    await fleetlm.appendMessage(
      session.id,
      n % 2 ? { userId, content: { text: `message ${n}` } } : { agentId: SILENT_AGENT, content: { text: `message ${n}` } },
    );
  }
  return session;
}

const message = (page: Page, seq: number) => page.locator(`[data-testid=message][data-seq="${seq}"]`);
/** The transcript row (virtualizer item) holding that message, with the marker of the seqs lost just before it. */
const rowOf = (page: Page, seq: number) => page.locator("[data-index]").filter({ has: message(page, seq) });

test("the transcript marks 'FleetLM lost messages 12–14' in their place; the inbox's Lost messages filter finds the session", async ({
  page,
  admin,
  fleetlm,
}) => {
  test.setTimeout(90_000);
  const prefix = `e2e-lost-${randomUUID().slice(0, 8)}`;
  const lossy = await sessionWith(fleetlm, `${prefix}-a`, 20);
  const intact = await sessionWith(fleetlm, `${prefix}-b`, 20);
  await login(page, admin);
  // Delivered and indexed first, as on FleetLM: the loss comes after the messages were seen.
  await expect(async () => {
    await page.goto(`/inbox?q=${prefix}`);
    await expect(page.getByTestId(`state-${lossy.id}`)).toBeVisible({ timeout: 2_000 });
    await expect(page.getByTestId(`state-${intact.id}`)).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  expect(await loseMessages(lossy.id, [12, 13, 14])).toEqual([12, 13, 14]);

  await page.goto(`/sessions/${lossy.id}`);
  await expect(message(page, 20)).toBeVisible();
  const marker = page.getByTestId("lost-marker");
  await expect(marker).toHaveCount(1);
  await expect(marker).toContainText("FleetLM lost messages 12–14");
  await expect(marker).toHaveAttribute("data-seqs", "12,13,14");
  // Exactly there: in the row of message 15, whose row follows message 11's.
  await marker.scrollIntoViewIfNeeded();
  await expect(rowOf(page, 15).getByTestId("lost-marker")).toHaveAttribute("data-seqs", "12,13,14");
  const index11 = Number(await rowOf(page, 11).getAttribute("data-index"));
  expect(Number(await rowOf(page, 15).getAttribute("data-index"))).toBe(index11 + 1);
  for (const seq of [12, 13, 14]) await expect(message(page, seq)).toHaveCount(0);
  await expect(message(page, 11)).toContainText("message 11");
  await expect(message(page, 15)).toContainText("message 15");

  await page.goto(`/inbox?q=${prefix}`);
  await expect(page.getByTestId(`state-${intact.id}`)).toBeVisible();
  await page.getByTestId("facet-lost").click();
  await expect(page).toHaveURL(/[?&]lost=1/);
  await expect(page.getByTestId("facet-lost")).toHaveAttribute("aria-current", "true");
  await expect(page.getByTestId(`state-${lossy.id}`)).toBeVisible();
  await expect(page.getByTestId(`state-${intact.id}`)).toHaveCount(0);
});
