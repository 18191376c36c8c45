import { expect, login, test } from "./support";

test("the admin signs in and sees the shell; unknown URLs answer a real 404", async ({ page, admin }) => {
  await login(page, admin);
  await expect(page.getByRole("navigation", { name: "Main" })).toContainText("Operators");
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
});

test("a wrong password shows one generic error", async ({ page, admin }) => {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(admin.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("E-mail or password is wrong");
});

test("the header fits a 390 px phone and a 720 px window: the navigation scrolls sideways in its own row, every link reachable", async ({ page, admin }) => {
  await login(page, admin);
  const nav = page.getByRole("navigation", { name: "Main" });
  const header = page.locator("header", { has: nav });
  for (const width of [390, 720]) {
    await page.setViewportSize({ width, height: 800 });
    await page.goto("/inbox");
    // Nothing in the header reaches past the window, and the navigation is one row (it scrolls, it never wraps).
    const box = await header.evaluate((el) => ({
      scroll: el.scrollWidth,
      client: el.clientWidth,
      right: Math.max(...[...el.querySelectorAll("*")].filter((c) => !c.closest("nav")).map((c) => c.getBoundingClientRect().right)),
    }));
    expect(box.scroll, `header at ${width}`).toBeLessThanOrEqual(box.client);
    expect(box.right, `header at ${width}`).toBeLessThanOrEqual(width);
    expect((await nav.boundingBox())!.height, `nav at ${width}`).toBeLessThanOrEqual(48);
    for (const name of ["Sign out", "light", "dark"]) await expect(header.getByRole("button", { name, exact: true })).toBeInViewport();
    // A link past the edge is reached by scrolling the navigation (Playwright scrolls it like a finger would).
    await nav.getByRole("link", { name: "Audit log" }).click();
    await expect(page).toHaveURL(/\/admin\/audit/);
    await nav.getByRole("link", { name: /^Inbox\b(?! settings)/ }).click();
    await expect(page).toHaveURL(/\/inbox/);
    await expect(nav.getByRole("link", { name: /^Inbox\b(?! settings)/ })).toBeInViewport();
    // Opened directly, a page whose link is past the edge still shows it as the current one.
    await page.goto("/admin/settings");
    await expect(nav.getByRole("link", { name: "Settings", exact: true })).toHaveAttribute("aria-current", "page");
    await expect(nav.getByRole("link", { name: "Settings", exact: true })).toBeInViewport({ ratio: 1 });
  }
});
