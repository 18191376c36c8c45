// SQLite transactions that always give their connection back. @prisma/adapter-better-sqlite3 6.19 serialises a
// process's transactions with a mutex that only commit() and rollback() release: when its BEGIN fails (SQLITE_BUSY
// once the busy timeout runs out, which a loaded machine with many writers reaches) or COMMIT/ROLLBACK fails,
// the mutex stays locked and every later transaction of the process waits for it forever (Prisma's maxWait does
// not end that wait). This replaces the adapter's startTransaction with one that releases in every case, and
// begins with BEGIN IMMEDIATE: the write lock is taken (through the busy timeout) when the transaction begins,
// as a deferred transaction that reads first cannot take it later once another process has committed (ADR 218).
import type { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

type Query = { sql: string; args: unknown[]; argTypes: unknown[] };
type Statement = { run(): unknown };
type SqliteClient = { prepare(sql: string): Statement; inTransaction: boolean };
type Queryable = {
  client: SqliteClient;
  adapterOptions: unknown;
  provider: string;
  adapterName: string;
  executeRaw(query: Query): Promise<number>;
  onError(error: unknown): never;
};
type Adapter = Queryable & { startTransaction(isolationLevel?: string): Promise<unknown> };

/** A lock one holder at a time, in arrival order. */
function mutex() {
  let tail: Promise<void> = Promise.resolve();
  return async (): Promise<() => void> => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const before = tail;
    tail = before.then(() => held);
    await before;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      release();
    };
  };
}

function startTransactions(adapter: Adapter) {
  const lock = mutex();
  // The adapter's transaction class is not exported; a transaction is its query methods on the same connection.
  const queryMethods = Object.getPrototypeOf(Object.getPrototypeOf(adapter)) as object;
  return async (isolationLevel?: string) => {
    if (isolationLevel && isolationLevel !== "SERIALIZABLE") {
      throw new Error(`SQLite transactions are SERIALIZABLE; ${isolationLevel} was asked for.`);
    }
    const release = await lock();
    try {
      adapter.client.prepare("BEGIN IMMEDIATE").run();
    } catch (error) {
      release();
      adapter.onError(error);
    }
    const tx = Object.assign(Object.create(queryMethods) as Queryable, {
      client: adapter.client,
      adapterOptions: adapter.adapterOptions,
      provider: adapter.provider,
      adapterName: adapter.adapterName,
      options: { usePhantomQuery: false },
      commit: async () => release(),
      rollback: async () => release(),
    });
    const executeRaw = tx.executeRaw.bind(tx);
    // Prisma sends COMMIT or ROLLBACK through executeRaw and calls commit()/rollback() only when it succeeded.
    tx.executeRaw = async (query: Query) => {
      if (query.sql !== "COMMIT" && query.sql !== "ROLLBACK") return executeRaw(query);
      try {
        return await executeRaw(query);
      } catch (error) {
        if (adapter.client.inTransaction) {
          try {
            adapter.client.prepare("ROLLBACK").run();
          } catch {
            // the connection is unusable anyway; its next query reports why
          }
        }
        release();
        throw error;
      }
    };
    return tx;
  };
}

export function safeSqliteTransactions(factory: PrismaBetterSQLite3): PrismaBetterSQLite3 {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const own = adapter as unknown as Adapter;
    own.startTransaction = startTransactions(own);
    return adapter;
  };
  return factory;
}
