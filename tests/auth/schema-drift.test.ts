import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { pgSchemaFrom } from "../../scripts/pg-schema";

const migrationNames = (dir: string) =>
  readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => name.replace(/^\d+_/, "")); // timestamps differ between the two folders; names and order must not

describe("PostgreSQL schema", () => {
  it("is exactly what the generator makes of the SQLite schema", () => {
    const sqlite = readFileSync("prisma/schema.prisma", "utf8");
    const postgres = readFileSync("prisma/postgres/schema.prisma", "utf8");
    expect(postgres).toBe(pgSchemaFrom(sqlite));
  });

  it("the generator switches the provider and output and would notice a model added to only one side", () => {
    const sqlite = readFileSync("prisma/schema.prisma", "utf8");
    const generated = pgSchemaFrom(sqlite);
    expect(generated).toContain('provider = "postgresql"');
    expect(generated).not.toContain('provider = "sqlite"');
    expect(pgSchemaFrom(`${sqlite}\nmodel Extra {\n  id String @id\n}\n`)).not.toBe(readFileSync("prisma/postgres/schema.prisma", "utf8"));
  });

  it("has a PostgreSQL migration for every SQLite migration, in the same order", () => {
    expect(migrationNames("prisma/postgres/migrations")).toEqual(migrationNames("prisma/migrations"));
  });
});
