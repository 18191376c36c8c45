// A real upgrade for migration tests: a throw-away database of the configured kind (SQLite, or PostgreSQL under
// `npm run test:pg`) migrated by `prisma migrate deploy` up to just before one migration, filled with rows as the
// app wrote them then, and deployed again with that migration (as a production upgrade would run it).
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";

export type Sql = { run(sql: string): Promise<void>; rows<T>(sql: string): Promise<T[]>; close(): Promise<void> };
export type Upgraded = { sql: Sql; isPg: boolean; remove(): Promise<void> };

const root = path.resolve(".");

async function connect(url: string, isPg: boolean): Promise<Sql> {
  if (!isPg) {
    const file = new Database(url.slice("file:".length));
    return {
      run: async (text) => void file.exec(text),
      rows: async <T>(text: string) => file.prepare(text).all() as T[],
      close: async () => void file.close(),
    };
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    run: async (text) => void (await client.query(text)),
    rows: async <T>(text: string) => (await client.query(text)).rows as T[],
    close: () => client.end(),
  };
}

const adminOf = (configured: string) => new pg.Client({ connectionString: Object.assign(new URL(configured), { pathname: "/postgres" }).toString() });

/** Deploys every migration before `migration`, runs `oldRows`, then deploys `migration`; the caller removes it. */
export async function upgradeThrough(migration: string, oldRows: string | { sqlite: string; postgres: string }): Promise<Upgraded> {
  const configured = process.env.DATABASE_URL!;
  const isPg = /^postgres(ql)?:\/\//.test(configured);
  const sourceMigrations = path.join(root, isPg ? "prisma/postgres/migrations" : "prisma/migrations");
  mkdirSync(".tmp", { recursive: true });
  const dir = mkdtempSync(path.join(root, ".tmp/migration-"));
  mkdirSync(path.join(dir, "migrations"));
  cpSync(path.join(sourceMigrations, "migration_lock.toml"), path.join(dir, "migrations/migration_lock.toml"));
  const copyMigration = (name: string) => cpSync(path.join(sourceMigrations, name), path.join(dir, "migrations", name), { recursive: true });
  const earlier = readdirSync(sourceMigrations, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name < migration)
    .map((entry) => entry.name);
  for (const name of earlier) copyMigration(name);
  const adapters = path.join(root, "prisma/adapters.ts");
  writeFileSync(
    path.join(dir, "prisma.config.ts"),
    `import { defineConfig } from "prisma/config";
import { pgMigrationAdapter, sqliteMigrationAdapter } from ${JSON.stringify(adapters)};
const url = process.env.DATABASE_URL!;
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: ${JSON.stringify(path.join(root, isPg ? "prisma/postgres/schema.prisma" : "prisma/schema.prisma"))},
  migrations: { path: ${JSON.stringify(path.join(dir, "migrations"))} },
  adapter: async () => (${isPg} ? pgMigrationAdapter(url) : sqliteMigrationAdapter(url)),
});
`,
  );
  const database = `migration_${process.pid}_${path.basename(dir).replace(/\W/g, "_")}`;
  let url: string;
  if (isPg) {
    const target = new URL(configured);
    target.pathname = `/${database}`;
    url = target.toString();
    const admin = adminOf(configured);
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${database}"`);
    await admin.end();
  } else {
    url = `file:${path.join(dir, "upgrade.db")}`;
  }
  const deploy = () =>
    execFileSync("npx", ["prisma", "migrate", "deploy", "--config", path.join(dir, "prisma.config.ts")], {
      env: { ...process.env, DATABASE_URL: url },
      stdio: "pipe",
    });
  deploy();
  const before = await connect(url, isPg);
  await before.run(typeof oldRows === "string" ? oldRows : isPg ? oldRows.postgres : oldRows.sqlite);
  await before.close();
  copyMigration(migration);
  deploy();
  const sql = await connect(url, isPg);
  return {
    sql,
    isPg,
    async remove() {
      await sql.close();
      if (isPg) {
        const admin = adminOf(configured);
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
        await admin.end();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
