// Which Console process runs the cluster-wide background work (the gateway, the reply backfill, the takeover
// sweep). On PostgreSQL the leader holds a session-level advisory lock on a connection of its own; the others
// try again every second, so a leader that dies (even by SIGKILL) is replaced within about a second. ADR 130.
import pg from "pg";

/** Advisory lock key of the gateway leader ("FLMC" as a 32-bit number): one per database. */
export const LEADER_LOCK_KEY = 0x464c4d43;
export const LEADER_RETRY_MS = 1_000;
/** How often the leader checks that its lock connection is still alive. */
const LEADER_CHECK_MS = 2_000;

export type Leadership = {
  /** Resolves after the first attempt: whether this process leads right away. */
  first: Promise<boolean>;
  readonly leading: boolean;
  /** Releases the lock (if held) and stops trying. */
  stop: () => Promise<void>;
};

export type ElectionOptions = {
  databaseUrl: string;
  /** Runs once, when this process becomes the leader. */
  onElected: () => Promise<void> | void;
  /** The lock connection died while leading: another process may already lead, so this one must stop leading. */
  onLost: (reason: string) => void;
  retryMs?: number;
  log?: (line: string) => void;
};

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Takes part in the election until stopped. */
export function electLeader(options: ElectionOptions): Leadership {
  const retryMs = options.retryMs ?? LEADER_RETRY_MS;
  const log = options.log ?? ((line: string) => console.warn(line));
  let client: pg.Client | null = null;
  let leading = false;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let announcedWaiting = false;
  let resolveFirst: (leading: boolean) => void = () => {};
  const first = new Promise<boolean>((resolve) => (resolveFirst = resolve));

  const lose = (reason: string) => {
    if (!leading || stopped) return;
    leading = false;
    stopped = true;
    if (timer) clearTimeout(timer);
    options.onLost(reason);
  };

  const connect = async (): Promise<pg.Client> => {
    if (client) return client;
    const fresh = new pg.Client({ connectionString: options.databaseUrl, application_name: "fleetlm-console leader", keepAlive: true });
    fresh.on("error", (error) => {
      if (client === fresh) client = null;
      lose(`the lock connection failed: ${errorText(error)}`);
    });
    fresh.on("end", () => {
      if (client === fresh) client = null;
      lose("the lock connection closed");
    });
    await fresh.connect();
    client = fresh;
    return fresh;
  };

  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => void attempt(), ms);
    timer.unref?.();
  };

  const attempt = async () => {
    timer = null;
    if (stopped) return;
    try {
      const connection = await connect();
      if (leading) {
        await connection.query("SELECT 1");
        schedule(LEADER_CHECK_MS);
        return;
      }
      const { rows } = await connection.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [LEADER_LOCK_KEY]);
      if (stopped) return;
      if (rows[0]?.ok) {
        leading = true;
        log(`[cluster] this process (pid ${process.pid}) leads the cluster: it runs the gateway and the background work.`);
        resolveFirst(true);
        await options.onElected();
        schedule(LEADER_CHECK_MS);
        return;
      }
      if (!announcedWaiting) {
        announcedWaiting = true;
        log(`[cluster] another Console process leads the cluster; this one (pid ${process.pid}) serves requests and tries to lead every ${retryMs} ms.`);
      }
      resolveFirst(false);
      schedule(retryMs);
    } catch (error) {
      if (leading) {
        lose(`the lock check failed: ${errorText(error)}`);
        return;
      }
      const broken = client;
      client = null;
      await broken?.end().catch(() => {});
      resolveFirst(false);
      schedule(retryMs);
    }
  };

  void attempt();

  return {
    first,
    get leading() {
      return leading;
    },
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      const open = client;
      client = null;
      leading = false;
      // Ending the session releases its advisory locks.
      await open?.end().catch(() => {});
    },
  };
}
