import "../support/db";
import { describe, expect, it } from "vitest";
import { parseEnv, publicEnv } from "~/env.server";

function failure(source: Record<string, string | undefined>): string {
  try {
    parseEnv(source);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected parseEnv to refuse");
}

describe("environment validation", () => {
  it("lists every problem, one readable line per variable", () => {
    const message = failure({ DATABASE_URL: "mysql://db/console", FLEETLM_URL: "not a url", PORT: "70000", SESSION_SECRET: "short" });
    const lines = message.split("\n");
    expect(lines[0]).toBe("Invalid environment:");
    expect(message).toContain("  - DATABASE_URL: must be a file: URL (SQLite) or a postgresql:// URL");
    expect(message).toContain("  - FLEETLM_URL: must be the http(s) URL of FleetLM");
    expect(message).toContain("  - SESSION_SECRET: must be at least 32 characters");
    expect(lines.some((line) => line.startsWith("  - PORT:"))).toBe(true);
    expect(lines).toHaveLength(5);
  });

  it("requires SESSION_SECRET in production and never prints secrets", () => {
    expect(failure({ NODE_ENV: "production" })).toBe("Invalid environment:\n  - SESSION_SECRET: required in production (at least 32 characters)");
    const secret = "s".repeat(20);
    expect(failure({ NODE_ENV: "production", SESSION_SECRET: secret })).not.toContain(secret);
  });

  it("accepts SQLite and PostgreSQL URLs and fills defaults", () => {
    expect(parseEnv({ DATABASE_URL: "postgresql://u:p@h:5432/db" }).DATABASE_URL).toMatch(/^postgresql:/);
    const env = parseEnv({});
    expect(env).toMatchObject({ PORT: 3000, DATABASE_URL: "file:./prisma/dev.db", NODE_ENV: "development" });
    expect(env.SESSION_SECRET.length).toBeGreaterThanOrEqual(32);
  });

  it("gives the browser only the whitelisted values", () => {
    expect(Object.keys(publicEnv())).toEqual(["mode"]);
  });
});
