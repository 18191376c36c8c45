// The inbox page at a desk's width and a phone's (issue 16): nothing makes the page scroll sideways at 390 px
// (the table scrolls inside its own box), no serious or critical axe violation in light or dark, and the
// screenshots in docs/ (inbox-light-1440.png, inbox-dark-1440.png, inbox-light-390.png, inbox-dark-390.png).
import { randomUUID } from "node:crypto";
import { createAccount, expect, hydrated, inEveryThemeAndWidth, login, seriousViolations, test } from "./support";

test("inbox: no sideways page scroll at 390 px, no serious or critical axe violation in light and dark; screenshots at 1440 and 390 px", async ({
  browser,
  baseURL,
  fleetlm,
}) => {
  test.setTimeout(120_000);
  // A long user id and message: the widest content a row can have.
  const userId = `layout-${randomUUID()}-with-a-very-long-user-identifier`;
  const session = await fleetlm.createSession({ userId, agentId: "e2e-silent-agent" });
  await fleetlm.appendMessage(session.id, {
    userId,
    content: { text: "Hello, I was charged twice for order 1042 and would like a refund to my card, can I talk to a human please?" },
  });
  // Reduced motion: the demo traffic keeps rows flashing, and axe would judge contrast mid-flash.
  const context = await browser.newContext({ baseURL, viewport: { width: 1440, height: 900 }, reducedMotion: "reduce" });
  try {
    const page = await context.newPage();
    await login(page, createAccount("operator", "Lena Layout"));
    await page.goto("/inbox");
    await expect(page.getByTestId(`unread-${session.id}`)).toBeVisible({ timeout: 20_000 });
    await hydrated(page);
    await inEveryThemeAndWidth(page, async (theme, width) => {
      await expect(page.getByTestId("inbox-list")).toBeVisible();
      await expect(page.locator("[aria-busy=true]")).toHaveCount(0);
      expect(await seriousViolations(page), `${theme} at ${width}`).toEqual([]);
      // On failure, the message names the elements that reach past the viewport (outside scrolling boxes).
      const wide = await page.evaluate(() => {
        const inScroller = (el: Element) => {
          for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) if (getComputedStyle(p).overflowX !== "visible") return true;
          return false;
        };
        return [...document.querySelectorAll("body *")]
          .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5 && (!inScroller(el) || el.scrollWidth > el.clientWidth + 1))
          .slice(0, 8)
          .map((el) => `${el.tagName.toLowerCase()}.${String(el.className).slice(0, 60)} → ${Math.round(el.getBoundingClientRect().right)}`);
      });
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `${theme} at ${width}: ${wide.join("; ")}`).toBeLessThanOrEqual(width);
      await page.screenshot({ path: `docs/inbox-${theme}-${width}.png`, fullPage: width === 390 });
    });
  } finally {
    await context.close();
  }
});
