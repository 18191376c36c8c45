// Process-wide services started once at boot by server.mjs (and lazily under `vite dev`). The cluster-wide work
// (gateway, reply backfill, authorship re-check, takeover sweep) runs in one process only: the leader on
// PostgreSQL, the lock file's holder on SQLite (ADR 130). Per-process work starts everywhere.
import { electLeader, type Leadership } from "./cluster/leader.server";
import { acquireSqliteLock, secondProcessMessage } from "./cluster/sqlite-lock.server";
import { isPostgresUrl } from "./db.server";
import { env } from "./env.server";
import { slot } from "./lib/singleton.server";

let started = false;
const leadership = slot<Leadership>("leadership");

async function startLeaderWork() {
  const { startGateway } = await import("./fleetlm-sync/gateway.server");
  await startGateway();
  const { startReviewBackfills } = await import("./reviews/services.server");
  startReviewBackfills();
  const { startSearchBackfill } = await import("./inbox/search-backfill.server");
  startSearchBackfill();
  const { startTakeoverSweep } = await import("./takeover/takeover.server");
  startTakeoverSweep();
  const { startNotifier } = await import("./notifications/notifier.server");
  const { liveBus } = await import("./live/bus.server");
  startNotifier(liveBus());
}

export async function startBackgroundServices() {
  if (started) return;
  started = true;
  const { holdGatewayForLeader } = await import("./fleetlm-sync/gateway.server");
  // From now on only the election starts the gateway: a lazy ensureGateway() must not start a second one.
  holdGatewayForLeader();
  const { startReviewServices } = await import("./reviews/services.server");
  startReviewServices();

  const url = env().DATABASE_URL;
  if (!isPostgresUrl(url)) {
    const lock = acquireSqliteLock(url);
    if (!lock.ok) {
      console.error(secondProcessMessage(url, lock));
      return;
    }
    await startLeaderWork();
    return;
  }
  const { startClusterSignals } = await import("./cluster/signals.server");
  const { shareStateAcrossProcesses } = await import("./shared-state.server");
  const signals = startClusterSignals(url);
  shareStateAcrossProcesses(signals);
  await signals.ready;
  // Presence across processes: listen first, then ask the others who they serve (ADR 170).
  const { presence } = await import("./fleetlm-sync/session-watch.server");
  const { liveBus } = await import("./live/bus.server");
  presence();
  // The answers are bus events: the bus must be reading (its cursor set) before they are published.
  await (liveBus() as { ready?: Promise<void> }).ready?.catch(() => {});
  void signals.send({ kind: "presence.ask" });
  const election = electLeader({
    databaseUrl: url,
    onElected: startLeaderWork,
    // Another process may already have taken over: stop at once, and let the supervisor start a follower.
    onLost: (reason) => {
      console.error(`[cluster] this process lost the cluster leadership (${reason}); exiting so that only one gateway runs.`);
      process.exit(1);
    },
  });
  leadership.set(election);
  await election.first;
}

/** Whether this process runs the cluster-wide work (for status pages and tests). */
export function isClusterLeader(): boolean {
  return leadership.get()?.leading ?? !isPostgresUrl(env().DATABASE_URL);
}
