// Account management end to end: an admin creates an operator, who signs in, is refused the admin pages,
// and changes their password.
import { randomUUID } from "node:crypto";
import { expect, login, logout, test } from "./support";

test("an admin creates an operator; the operator is refused the admin pages and changes their password", async ({ page, admin }) => {
  const operator = { email: `op-${randomUUID().slice(0, 8)}@e2e.test`, name: "Olive Operator", password: `first-${randomUUID().slice(0, 8)}` };

  await login(page, admin);
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav).toContainText("Operators");
  await expect(nav).toContainText("Audit log");
  await expect(page.getByTestId("signed-in-as")).toContainText("Ada Admin");

  await nav.getByRole("link", { name: "Operators" }).click();
  await expect(page.getByRole("heading", { name: "Operators" })).toBeVisible();
  await page.getByText("New operator", { exact: true }).click();
  const create = page.getByRole("form", { name: "New operator" });
  await create.getByLabel("E-mail", { exact: true }).fill(operator.email);
  await create.getByLabel("Name", { exact: true }).fill(operator.name);
  await create.getByRole("combobox", { name: /^Role/ }).selectOption("operator");
  await create.getByLabel("Initial password", { exact: true }).fill(operator.password);
  await create.getByRole("button", { name: "Create operator" }).click();
  const row = page.getByRole("row", { name: new RegExp(operator.email) });
  await expect(row).toBeVisible();
  await expect(row).toContainText("operator");
  await expect(row).toContainText("Active");

  // The creation is in the audit log.
  await page.goto("/admin/audit?action=operator.create");
  await expect(
    page
      .getByRole("row", { name: /operator\.create/ })
      .filter({ hasText: admin.email })
      .first(),
  ).toBeVisible();

  await logout(page);
  await login(page, operator);
  await expect(page.getByTestId("signed-in-as")).toContainText("Olive Operator");
  await expect(page.getByRole("navigation", { name: "Main" })).not.toContainText("Operators");

  for (const path of ["/admin/operators", "/admin/audit"]) {
    const response = await page.goto(path);
    expect(response?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  }

  await page.goto("/account");
  await expect(page.getByTestId("current-session")).toBeVisible();
  const form = page.getByRole("form", { name: "Change password" });
  const next = `second-${randomUUID().slice(0, 8)}`;
  await form.getByLabel("Current password", { exact: true }).fill("not my password");
  await form.getByLabel("New password", { exact: true }).fill(next);
  await form.getByLabel("New password again", { exact: true }).fill(next);
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("That is not your current password.")).toBeVisible();

  await form.getByLabel("Current password", { exact: true }).fill(operator.password);
  await form.getByLabel("New password", { exact: true }).fill(next);
  await form.getByLabel("New password again", { exact: true }).fill(next);
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Password changed" })).toBeVisible();

  await logout(page);
  await login(page, { email: operator.email, password: next });
  await expect(page.getByTestId("signed-in-as")).toContainText("Olive Operator");
});
