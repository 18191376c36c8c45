// Work-arounds for Prisma 6.19.3's JS schema engine with driver adapters (see docs/decisions/002-prisma-6-js-engine.md).
// Only the CLI (migrations) uses these; the runtime client needs no patches.
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

export const isPostgres = (url: string) => /^postgres(ql)?:\/\//.test(url);

// The engine sends whole migration scripts through executeRaw; better-sqlite3 prepares one statement at a time.
function patchSqlite(adapter: any) {
  const executeRaw = adapter.executeRaw.bind(adapter);
  adapter.executeRaw = async (query: any) => {
    if ((query.args?.length ?? 0) === 0 && /;\s*\S/.test(query.sql)) {
      await adapter.executeScript(query.sql);
      return 0;
    }
    return executeRaw(query);
  };
  return adapter;
}

export function sqliteMigrationAdapter(url: string) {
  const factory: any = new PrismaBetterSQLite3({ url });
  const connect = factory.connect.bind(factory);
  const shadow = factory.connectToShadowDb.bind(factory);
  factory.connect = async () => patchSqlite(await connect());
  factory.connectToShadowDb = async () => patchSqlite(await shadow());
  return factory;
}

// adapter-pg has no mapping for the `name` (19) and `"char"` (18) column types the engine reads from catalogs.
function patchPg(adapter: any) {
  const performIO = adapter.performIO.bind(adapter);
  adapter.performIO = async (query: any) => {
    const result = await performIO(query);
    for (const field of result.fields ?? []) if (field.dataTypeID === 19 || field.dataTypeID === 18) field.dataTypeID = 25;
    return result;
  };
  // adapter-pg runs a migration script by splitting it on every ";", so a semicolon inside a comment or a string
  // literal breaks the migration ("syntax error at or near …"). PostgreSQL's simple query protocol takes the whole
  // script as it is, statements and comments alike.
  adapter.executeScript = async (script: string) => {
    try {
      await adapter.client.query(script);
    } catch (error) {
      adapter.onError(error);
    }
  };
  return adapter;
}

export function pgConfig(url: string) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: u.pathname.slice(1),
  };
}

export function pgMigrationAdapter(url: string) {
  const config = pgConfig(url);
  const factory: any = new PrismaPg(config);
  const connect = factory.connect.bind(factory);
  factory.connect = async () => patchPg(await connect());
  // The stock shadow database is dropped before its pool closes; make and drop our own.
  factory.connectToShadowDb = async () => {
    const name = `prisma_shadow_${Date.now()}`;
    const admin = new pg.Client(config);
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const adapter = patchPg(await new PrismaPg({ ...config, database: name }).connect());
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      const cleanup = new pg.Client(config);
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await cleanup.end();
    };
    return adapter;
  };
  return factory;
}
