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
