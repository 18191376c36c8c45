// Discovery: the gateway's poll of FleetLM's newest-50 session list, for new sessions (indexed and synced at once)
// and new users (whose inbox the gateway then follows). After failures in a row it backs off, up to 10 s.
import { backoffDelay, type FleetLMRest } from "@fleetlm/client";
import { upsertSessions } from "~/inbox/session-index.server";
import type { LinkHealth } from "./link-health.server";
import type { Timers } from "./timers";

const MAX_BACKOFF_MS = 10_000;
/** Doublings of the poll interval before the backoff stops growing (a short poll interval stays short). */
const MAX_DOUBLINGS = 6;

export class SessionListPoll {
  polls = 0;
  lastPollAt: string | null = null;
  #failures = 0;

  constructor(
    private readonly deps: {
      rest: FleetLMRest;
      pollMs: number;
      timers: Timers;
      health: LinkHealth;
      follow: (userId: string) => void;
      /** Users a session of whom was archived: unfollowed if none of theirs is left (ADR 205). */
      unfollowGone: (userIds: string[]) => Promise<void>;
      sync: (sessionId: string) => void;
      reconcile: (sessionId: string) => void;
      /** A session new to the index, of a followed user: its channel may be joined at once (ADR 222). */
      learned?: (userId: string, sessionId: string, agentId: string | null) => void;
    },
  ) {}

  /** Polls now, then every `pollMs` (with backoff while failing) until the gateway stops. */
  start(): void {
    void this.#poll();
  }

  async #poll(): Promise<void> {
    const { rest, pollMs, timers, health, follow, unfollowGone, sync, reconcile } = this.deps;
    try {
      const sessions = await rest.listSessions();
      this.polls += 1;
      this.lastPollAt = new Date().toISOString();
      const { added, newUsers, archivedUsers, failed } = await upsertSessions(sessions);
      for (const [id, error] of failed) health.problem(`indexing session ${JSON.stringify(id)}`, error);
      const live = sessions.filter((session) => session.status !== "archived");
      const liveUsers = new Set(live.map((session) => session.user_id));
      for (const user of newUsers) if (liveUsers.has(user)) follow(user);
      // Users seen before but whose inbox we have not joined (e.g. added while this process was down, or
      // unfollowed once all their sessions were archived).
      for (const session of live) follow(session.user_id);
      if (archivedUsers.length > 0) await unfollowGone(archivedUsers.filter((user) => !liveUsers.has(user)));
      for (const id of added) sync(id);
      if (this.deps.learned && added.length > 0) {
        const fresh = new Set(added);
        for (const session of live) if (fresh.has(session.id)) this.deps.learned(session.user_id, session.id, session.agent_id);
      }
      // While polls failed, syncs likely failed too: whatever the list shows may have moved unseen.
      if (this.#failures > 0) for (const session of sessions) reconcile(session.id);
      this.#failures = 0;
      health.recovered("session list poll");
      health.setReachable(true);
    } catch (error) {
      this.#failures += 1;
      health.problem("session list poll", error);
      health.failed(error);
    }
    const delay =
      this.#failures === 0
        ? pollMs
        : backoffDelay(this.#failures + 1, { baseMs: pollMs, maxMs: Math.min(MAX_BACKOFF_MS, pollMs * 2 ** MAX_DOUBLINGS), jitter: "equal" });
    timers.later(delay, () => void this.#poll());
  }
}
