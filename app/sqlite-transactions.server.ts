// SQLite transactions that always give their connection back. @prisma/adapter-better-sqlite3 6.19 serialises a
// process's transactions with a mutex that only commit() and rollback() release: when its BEGIN fails (SQLITE_BUSY
// once the busy timeout runs out, which a loaded machine with many writers reaches) or COMMIT/ROLLBACK fails,
// the mutex stays locked and every later transaction of the process waits for it forever (Prisma's maxWait does
// not end that wait). This replaces the adapter's startTransaction with one that releases in every case, and
// begins with BEGIN IMMEDIATE: the write lock is taken (through the busy timeout) when the transaction begins,
// as a deferred transaction that reads first cannot take it later once another process has committed. A statement
// outside a transaction, or a BEGIN, that runs out of busy timeout is tried again after yielding the event loop,
// up to BUSY_ATTEMPTS busy timeouts in all: with 20 writer processes on a loaded machine one waiter can lose the
// lock for longer than one timeout (ADR 218).
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
type Adapter = Queryable & { queryRaw(query: Query): Promise<unknown>; startTransaction(isolationLevel?: string): Promise<unknown> };

/** How many busy timeouts a statement outside a transaction, or a BEGIN, may wait in all before it fails. */
export const BUSY_ATTEMPTS = 3;

const isBusy = (error: unknown) =>
  String((error as { code?: unknown })?.code).startsWith("SQLITE_BUSY") || (error as { cause?: { kind?: unknown } })?.cause?.kind === "SocketTimeout";
/** A few milliseconds, so the other waiters' busy handlers get their turn at the lock. */
const yieldBriefly = () => new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));

/** Runs `run` again while it fails busy, BUSY_ATTEMPTS times in all. */
export async function retryBusy<T>(run: () => T | Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!isBusy(error) || attempt >= BUSY_ATTEMPTS) throw error;
    }
    await yieldBriefly();
  }
}

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

type Lock = ReturnType<typeof mutex>;
/** Each connected adapter's transaction lock, so a synchronous transaction of the Console's own queues with Prisma's. */
const locks = new WeakMap<object, Lock>();

function startTransactions(adapter: Adapter, lock: Lock) {
  // The adapter's transaction class is not exported; a transaction is its query methods on the same connection.
  const queryMethods = Object.getPrototypeOf(Object.getPrototypeOf(adapter)) as object;
  return async (isolationLevel?: string) => {
    if (isolationLevel && isolationLevel !== "SERIALIZABLE") {
      throw new Error(`SQLite transactions are SERIALIZABLE; ${isolationLevel} was asked for.`);
    }
    const release = await lock();
    try {
      await retryBusy(() => adapter.client.prepare("BEGIN IMMEDIATE").run());
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
    const lock = mutex();
    locks.set(adapter, lock);
    own.startTransaction = startTransactions(own, lock);
    // Only the adapter's own statements (outside transactions): a transaction's are its own methods (above).
    const queryRaw = own.queryRaw.bind(own);
    const executeRaw = own.executeRaw.bind(own);
    own.queryRaw = (query) => retryBusy(() => queryRaw(query));
    own.executeRaw = (query) => retryBusy(() => executeRaw(query));
    return adapter;
  };
  return factory;
}

/**
 * Runs `run` as one transaction on the connection of `adapter` (one that `safeSqliteTransactions` connected),
 * synchronously from its BEGIN IMMEDIATE to its COMMIT (ADR 221). It waits for the same lock as Prisma's
 * transactions, so none of theirs is open meanwhile; and since nothing between BEGIN and COMMIT awaits, no other
 * statement of this process (Prisma's outside a transaction included) can run on the connection inside it. A
 * BEGIN that runs out of busy timeout is retried as in `retryBusy`; a throw from `run` (or a failed COMMIT) rolls
 * the whole transaction back and is rethrown.
 */
export async function runSqliteTransaction<T>(adapter: object, run: () => T): Promise<T> {
  const lock = locks.get(adapter);
  if (!lock) throw new Error("runSqliteTransaction needs an adapter connected through safeSqliteTransactions.");
  const client = (adapter as Adapter).client;
  const release = await lock();
  try {
    // No await between a BEGIN that succeeded and the COMMIT: only a busy BEGIN (which did nothing) waits.
    for (let attempt = 1; ; attempt++) {
      if (client.inTransaction) throw new Error("The SQLite connection is inside a transaction the Console did not start.");
      try {
        client.prepare("BEGIN IMMEDIATE").run();
        break;
      } catch (error) {
        if (!isBusy(error) || attempt >= BUSY_ATTEMPTS) throw error;
      }
      await yieldBriefly();
    }
    try {
      const result = run();
      if (result instanceof Promise) throw new Error("runSqliteTransaction runs synchronous work only.");
      client.prepare("COMMIT").run();
      return result;
    } catch (error) {
      if (client.inTransaction) {
        try {
          client.prepare("ROLLBACK").run();
        } catch {
          // the connection is unusable anyway; its next query reports why
        }
      }
      throw error;
    }
  } finally {
    release();
  }
}
