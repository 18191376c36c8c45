// Prisma CLI configuration: the JS schema engine through a driver adapter, so nothing is downloaded.
// DATABASE_URL picks the provider: a `file:` URL is SQLite, `postgres(ql)://` is PostgreSQL.
import { defineConfig } from "prisma/config";
import { isPostgres, pgMigrationAdapter, sqliteMigrationAdapter } from "./prisma/adapters.ts";

const url = process.env.DATABASE_URL ?? "file:./prisma/dev.db";
const pgMode = isPostgres(url);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: pgMode ? "prisma/postgres/schema.prisma" : "prisma/schema.prisma",
  migrations: { path: pgMode ? "prisma/postgres/migrations" : "prisma/migrations" },
  adapter: async () => (pgMode ? pgMigrationAdapter(url) : sqliteMigrationAdapter(url)),
});
