// One Prisma client per process. SQLite runs in WAL mode with a busy timeout so concurrent writers wait
// instead of failing with SQLITE_BUSY.
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { forgetSessions } from "./auth/session-cache.server";
import { clusterSignals } from "./cluster/signals.server";
import { PrismaClient } from "./generated/prisma/client";
import { env } from "./env.server";
import { runSqliteTransaction, safeSqliteTransactions } from "./sqlite-transactions.server";
import { singleton, slot } from "~/lib/singleton.server";

export type Db = PrismaClient;
export const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//.test(url);

function hasNul(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return value.includes("\u0000");
  if (depth > 8 || value === null || typeof value !== "object" || value instanceof Date) return false;
  return Object.values(value as Record<string, unknown>).some((item) => hasNul(item, depth + 1));
}

const nulRefused = () => new Response("Text must not contain NUL (\\0) characters.", { status: 400 });

/** PostgreSQL refuses NUL in text (SQLite stores it): refuse it the same way on both, as the caller's bad input. */
function refuseNul(client: PrismaClient): PrismaClient {
  return client.$extends({
    query: {
      async $allOperations({ args, query }) {
        if (hasNul(args)) throw nulRefused();
        return query(args);
      },
    },
  }) as unknown as PrismaClient;
}

const AUTH_MODELS = new Set(["Operator", "AuthSession"]);
const WRITES = new Set(["create", "createMany", "createManyAndReturn", "update", "updateMany", "updateManyAndReturn", "upsert", "delete", "deleteMany"]);

/**
 * Any write to who is signed in, or as whom, drops the guard's one-second session cache (before and after), and
 * tells the other Console processes to drop theirs (ADR 132) instead of waiting out the second.
 */
function forgetSessionsOnAuthWrites(client: PrismaClient): PrismaClient {
  return client.$extends({
    query: {
      async $allOperations({ model, operation, args, query }) {
        if (!model || !AUTH_MODELS.has(model) || !WRITES.has(operation)) return query(args);
        forgetSessions();
        try {
          return await query(args);
        } finally {
          forgetSessions();
          void clusterSignals()?.send({ kind: "sessions.forget" });
        }
      },
    },
  }) as unknown as PrismaClient;
}

const extend = (client: PrismaClient) => forgetSessionsOnAuthWrites(refuseNul(client));

/** The part of a connected driver adapter (either database) that runs one parameterised query. */
type DriverQueryable = {
  queryRaw(query: { sql: string; args: unknown[]; argTypes: { scalarType: string; arity: string }[] }): Promise<{ columnNames: string[]; rows: unknown[][] }>;
  dispose(): Promise<void>;
};
type SqliteStatement = {
  all(...args: unknown[]): Record<string, unknown>[];
  get(...args: unknown[]): Record<string, unknown> | undefined;
  run(...args: unknown[]): { changes: number };
};
type Connection = { adapter: DriverQueryable | null; postgres: boolean; statements: Map<string, SqliteStatement> };
const connections = new WeakMap<PrismaClient, Connection>();

/** Keeps the adapter Prisma connects, until Prisma disposes of it, so `driverRows` can query it directly. */
function capture<F extends { connect(): Promise<unknown> }>(factory: F, connection: Connection): F {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = (await connect()) as DriverQueryable;
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      if (connection.adapter === adapter) connection.adapter = null;
      await dispose();
    };
    connection.adapter = adapter;
    connection.statements = new Map();
    return adapter;
  };
  return factory;
}

/** `busyTimeoutMs`: how long a SQLite statement waits for another process's write lock (tests shorten it). */
export function createPrisma(url: string, { busyTimeoutMs = 10_000 } = {}): PrismaClient {
  const connection: Connection = { adapter: null, postgres: isPostgresUrl(url), statements: new Map() };
  // Writers queue for the write lock (SQLite) or a session row's lock (PostgreSQL), and a loaded machine runs every
  // query slower: Prisma's default budget (2 s to start, 5 s in all) would give up before a busy moment passes. On
  // PostgreSQL a timed-out transaction's ROLLBACK also waits behind its running query, so the retry queued behind
  // it timed out too, pass after pass, and one session's index stopped advancing (ADR 194).
  const transactionOptions = { maxWait: 15_000, timeout: 30_000 };
  const client = connection.postgres
    ? extend(new PrismaClient({ adapter: capture(new PrismaPg({ connectionString: url }), connection), transactionOptions }))
    : extend(
        new PrismaClient({
          adapter: capture(safeSqliteTransactions(new PrismaBetterSQLite3({ url, timeout: busyTimeoutMs })), connection),
          transactionOptions,
        }),
      );
  connections.set(client, connection);
  return client;
}

/** SQL written with `?` parameters (SQLite's), numbered `$1, $2, …` as PostgreSQL wants them. */
export function numberedParameters(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/**
 * One read-only query straight on the driver adapter Prisma connected, bypassing Prisma's query compiler and
 * interpreter (about 0.5 ms of CPU a call, ADR 181). For the few reads on a hot path only: `sql` uses `?` for
 * its text parameters (numbered for PostgreSQL here) and names that are the same on both databases. Before
 * Prisma has connected (or after it disconnected), the same query goes through `$queryRawUnsafe`.
 */
export async function driverRows(client: PrismaClient, sql: string, args: string[]): Promise<Record<string, unknown>[]> {
  const connection = connections.get(client);
  const text = connection?.postgres ? numberedParameters(sql) : sql;
  const adapter = connection?.adapter;
  if (!connection || !adapter) return client.$queryRawUnsafe<Record<string, unknown>[]>(text, ...args);
  if (!connection.postgres) {
    // better-sqlite3 is synchronous: a statement prepared once per connection and run with its arguments.
    return preparedOn(connection, adapter, text).all(...args);
  }
  const result = await adapter.queryRaw({ sql: text, args, argTypes: args.map(() => ({ scalarType: "string", arity: "scalar" })) });
  return result.rows.map((row) => Object.fromEntries(result.columnNames.map((name, i) => [name, row[i]])));
}

/**
 * A timestamp as the driver returns it: SQLite's ISO text (`…+00:00`, as Prisma writes it), PostgreSQL's
 * `timestamp(3)` text without a zone (UTC, as Prisma writes it), or a number of ms.
 */
export function driverDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value === "number" || typeof value === "bigint") return new Date(Number(value));
  const text = String(value).replace(" ", "T");
  return new Date(/(Z|[+-]\d\d:?\d\d)$/.test(text) ? text : `${text}Z`);
}

/** The statement for `sql` on this connection, prepared the first time it is asked for. */
function preparedOn(connection: Connection, adapter: DriverQueryable, sql: string): SqliteStatement {
  let statement = connection.statements.get(sql);
  if (!statement) {
    statement = (adapter as unknown as { client: { prepare(sql: string): SqliteStatement } }).client.prepare(sql);
    connection.statements.set(sql, statement);
  }
  return statement;
}

/** SQLite's connection for a hot write path's own statements (ADR 221); see `sqliteDriver`. */
export type SqliteDriver = {
  /** The better-sqlite3 statement for `sql`, prepared once per connection (integers read back as BigInt). */
  statement(sql: string): SqliteStatement;
  /** `run` as one synchronous transaction, queued with Prisma's (`runSqliteTransaction`). */
  transaction<T>(run: () => T): Promise<T>;
};

/**
 * The better-sqlite3 connection Prisma connected, for writes too hot for Prisma's client engine (ADR 221), or null
 * on PostgreSQL and while Prisma is not connected (the caller then takes Prisma's path). Its statements skip
 * Prisma's extensions (the NUL refusal, @updatedAt, @default(now())) and conversions: the caller binds values as
 * Prisma's SQLite adapter would (`sqliteValue`) and runs them inside `transaction`.
 */
export function sqliteDriver(client: PrismaClient): SqliteDriver | null {
  const connection = connections.get(client);
  const adapter = connection?.adapter;
  if (!connection || !adapter || connection.postgres) return null;
  return {
    statement: (sql) => preparedOn(connection, adapter, sql),
    transaction: (run) => runSqliteTransaction(adapter, run),
  };
}

/**
 * A value bound as @prisma/adapter-better-sqlite3 6.19 binds it (its `mapArg`, default `iso8601` timestamps): a
 * Date as ISO text with `+00:00`, a boolean as 0/1, anything else as it is. A string with NUL is refused as
 * Prisma's extension refuses it.
 */
export function sqliteValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString().replace("Z", "+00:00");
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "string" && value.includes("\u0000")) throw nulRefused();
  return value;
}

async function tuneSqlite(client: PrismaClient) {
  // journal_mode returns a row, so it goes through a query, not an execute.
  await client.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await client.$queryRawUnsafe("PRAGMA busy_timeout = 10000");
  await client.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
  await client.$queryRawUnsafe("PRAGMA foreign_keys = ON");
}

const current = slot<{ client: PrismaClient; ready: Promise<void> }>("consoleDb");

function instance() {
  return singleton("consoleDb", () => {
    const url = env().DATABASE_URL;
    const client = createPrisma(url);
    const ready = isPostgresUrl(url) ? Promise.resolve() : tuneSqlite(client);
    return { client, ready };
  });
}

/** The Prisma client, after the connection has been tuned. */
export async function db(): Promise<PrismaClient> {
  const { client, ready } = instance();
  await ready;
  return client;
}

export async function disconnectDb() {
  const open = current.get();
  current.set(undefined);
  await open?.client.$disconnect();
}
