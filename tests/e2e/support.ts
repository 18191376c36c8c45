// Fixtures for browser tests: the URLs global-setup started, the admin's credentials, and helpers.
import { execFileSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { test as base, expect, type Page } from "@playwright/test";
import { FleetLMRest } from "@fleetlm/client";

export type Account = { email: string; password: string; name: string; role: "admin" | "operator" | "auditor" };

function required(name: string) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the browser tests through playwright.config.ts`);
  return value;
}

export async function login(page: Page, account: { email: string; password: string }) {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-as")).toBeVisible();
}

/** Waits until React has hydrated the page (key handlers and fetchers are live). */
export async function hydrated(page: Page) {
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
}

/** Runs `check` in the light and the dark theme (through the shell's Theme form), each at 1440 and 390 px wide. */
export async function inEveryThemeAndWidth(page: Page, check: (theme: "light" | "dark", width: number) => Promise<void>) {
  for (const theme of ["light", "dark"] as const) {
    await page.getByRole("form", { name: "Theme" }).getByRole("button", { name: theme }).click();
    await expect(page.locator("html")).toHaveClass(theme === "dark" ? /dark/ : /^(?!.*dark)/);
    for (const width of [1440, 390]) {
      await page.setViewportSize({ width, height: width === 1440 ? 900 : 844 });
      await check(theme, width);
    }
  }
}

/**
 * axe-core's serious and critical violations on the page as it is now (or only in the part `include` selects),
 * one line each: rule id and elements.
 */
export async function seriousViolations(page: Page, include?: string): Promise<string[]> {
  const { default: AxeBuilder } = await import("@axe-core/playwright");
  const builder = new AxeBuilder({ page });
  const results = await (include ? builder.include(include) : builder).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

export async function logout(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in to FleetLM Console" })).toBeVisible();
}

/** Creates an account directly through the Console CLI (for tests that are not about account management). */
export function createAccount(role: Account["role"], name = `${role} ${randomUUID().slice(0, 4)}`): Account {
  const email = `${role}-${randomUUID().slice(0, 8)}@e2e.test`;
  const password = randomBytes(12).toString("base64url");
  execFileSync("npx", ["tsx", "scripts/console.ts", "create-operator", "--email", email, "--name", name, "--role", role], {
    env: { ...process.env, DATABASE_URL: required("E2E_DATABASE_URL") },
    input: password,
    stdio: ["pipe", "pipe", "pipe"],
  });
  return { email, password, name, role };
}

/** Asks global-setup's control server to act on the FleetLM dev server; throws unless it answered 2xx. */
async function controlFleetlm(action: "kill" | "start" | "restart") {
  const response = await fetch(`${required("E2E_CONTROL_URL")}/fleetlm/${action}`, { method: "POST" });
  if (!response.ok) throw new Error(`fleetlm ${action} failed: ${response.status} ${await response.text()}`);
}

/** SIGKILLs the FleetLM dev server (a crash: nothing flushed) and resolves once the process is gone. */
export const killFleetlm = () => controlFleetlm("kill");
/** Starts the FleetLM dev server again on the same port and data (a no-op when it runs); resolves once it listens. */
export const startFleetlm = () => controlFleetlm("start");
/** killFleetlm, then startFleetlm. */
export const restartFleetlm = () => controlFleetlm("restart");

/**
 * Makes the dev server lose exactly these seqs of a session, as FleetLM's shared rings do (§13.2). Its test hook
 * `POST /_dev/storage/lose`, not FleetLM's API: it exists only with FLEETLM_DEV_STORAGE=real. Returns every seq
 * of the session now lost.
 */
export async function loseMessages(sessionId: string, seqs: number[]): Promise<number[]> {
  const response = await fetch(`${required("E2E_FLEETLM_URL")}/_dev/storage/lose`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ session_id: sessionId, seqs }),
  });
  if (!response.ok) throw new Error(`lose hook failed: ${response.status} ${await response.text()} (is the dev server in real storage?)`);
  return ((await response.json()) as { lost: number[] }).lost;
}

type Fixtures = { admin: Account; fleetlmUrl: string; fleetlm: FleetLMRest };

export const test = base.extend<Fixtures>({
  baseURL: async ({}, use) => use(required("E2E_BASE_URL")),
  admin: async ({}, use) => use({ email: required("E2E_ADMIN_EMAIL"), password: required("E2E_ADMIN_PASSWORD"), name: "Ada Admin", role: "admin" }),
  fleetlmUrl: async ({}, use) => use(required("E2E_FLEETLM_URL")),
  fleetlm: async ({}, use) => use(new FleetLMRest({ baseUrl: required("E2E_FLEETLM_URL"), timeoutMs: 10_000 })),
});

export { expect };
