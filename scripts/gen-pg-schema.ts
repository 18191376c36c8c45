// Generates prisma/postgres/schema.prisma from prisma/schema.prisma (the SQLite schema is the source).
// `--check` exits 1 when the committed PostgreSQL schema has drifted.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { pgSchemaFrom } from "./pg-schema.ts";

const source = readFileSync("prisma/schema.prisma", "utf8");
const target = "prisma/postgres/schema.prisma";
const generated = pgSchemaFrom(source);

if (process.argv.includes("--check")) {
  const current = readFileSync(target, "utf8");
  if (current !== generated) {
    console.error(`${target} has drifted from prisma/schema.prisma: run npm run db:pg-schema`);
    process.exit(1);
  }
  console.log(`${target} is in sync`);
} else {
  mkdirSync("prisma/postgres", { recursive: true });
  writeFileSync(target, generated);
  console.log(`wrote ${target}`);
}
