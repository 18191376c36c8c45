// The gateway's `inbox:{user}` subscriptions, spread over its inbox sockets (ADR 198): which users it follows, re-joining each inbox
// on a staggered timer paced by the user's activity (FleetLM stops pushing deltas after one quiet second, quirk 4;
// ADR 089), and turning what an inbox says into syncs. An entry that changed is only a signal (its unread_count is
// not an unread count, quirk 5); a snapshot that cannot be trusted to have seen what happened before it (the first
// join, the first after a reconnect, one whose counts went down because FleetLM restarted) has all its sessions
// reconciled. A user left with no session that is not archived is unfollowed, and their seat freed for the next
// user (ADR 205). Hot users are re-joined first each tick, with places kept for them, and their sessions followed by
// push (hot-pushes); a user whose every session is pushed is re-joined at the warm rate (ADR 208).
import { FleetLMInbox, type InboxEntry } from "@fleetlm/client";
import { indexedHeads, usersWithLiveSessions } from "~/inbox/session-index.server";
import type { HotPushes } from "./hot-pushes.server";
import type { InboxSockets } from "./inbox-sockets.server";
import type { LinkHealth } from "./link-health.server";
import { activityClass, nextRejoinAt, spread, type ActivityClass, type RejoinPolicy } from "./rejoin-policy";
import type { SyncHint } from "./sync-queue.server";
import type { Timers } from "./timers";

const REFRESH_TIMEOUT_MS = 15_000;
/** Inbox re-joins waiting for FleetLM's answer at once. */
export const MAX_REFRESHING = 64;
/** Of those, the places warm and cold re-joins never take: a burst of them cannot starve hot users (ADR 208). */
export const HOT_RESERVED = 16;

/** `untrusted`: the next snapshot may hide activity from before the join, so its sessions are reconciled. */
/** `activeAt`: when this user's sessions last moved, as far as the gateway saw; `dueAt`: the next re-join (ADR 089). */
/** `socket`: which of the inbox sockets the seat's channel lives on, for good; `sessions`: the ones its inbox listed, with their agent. */
type InboxSeat = {
  inbox: FleetLMInbox | null;
  busySince: number | null;
  untrusted: boolean;
  activeAt: number;
  dueAt: number;
  socket: number;
  sessions: Map<string, string | null>;
  refreshes: number;
  /** Scope all: every session is pushed, so the inbox channel was left after its snapshot, until the next re-join (ADR 222). */
  parked: boolean;
};

/** `socket`: the index of the inbox socket the seat is on; `pushed`: every session of it followed by push. */
export type PushScope = "hot" | "all";

/** `parked`: the inbox channel was left until the next re-join, every session being pushed (ADR 222). */
export type InboxSchedule = {
  class: ActivityClass;
  activeAt: number;
  dueAt: number;
  joined: boolean;
  socket: number;
  refreshes: number;
  pushed: boolean;
  parked: boolean;
};

export class InboxSubscriptions {
  refreshes = 0;
  readonly #seats = new Map<string, InboxSeat>();
  /** The round-robin order of the re-join timer, and where it stands. */
  readonly #order: string[] = [];
  #cursor = 0;
  /** The last count and activity each session's inbox entry showed: a change is a signal to sync. */
  readonly #signals = new Map<string, { count: number; at: number }>();
  /** One string per agent id for every seat's session map (each snapshot parses its own copies). */
  readonly #agents = new Map<string, string>();
  readonly #inFlight = new Map<string, number>();
  readonly #failing = new Set<string>();
  /** Users hot when last looked at: served first each tick (ADR 208); a user found cooled leaves it. */
  readonly #hot = new Set<string>();

  constructor(
    private readonly deps: {
      sockets: InboxSockets;
      policy: RejoinPolicy;
      /** Re-join interval of an active user's inbox: the timer visits every inbox about this often. */
      rejoinMs: number;
      timers: Timers;
      health: LinkHealth;
      sync: (sessionId: string, hint?: SyncHint) => void;
      reconcile: (sessionId: string) => void;
      /** Sessions on their channels (ADR 208, 222); null: GATEWAY_HOT_PUSHES=0. */
      pushes?: HotPushes | null;
      /** Whose sessions are pushed: hot users' (when not given), or every user's once named (ADR 222; the gateway passes GATEWAY_PUSH_SCOPE, `all` by default). */
      pushScope?: PushScope;
      /** With `all`: re-join interval of a user whose every session is pushed (only to find sessions the list poll missed). */
      pushedRejoinMs?: number;
    },
  ) {}

  /** Follows the user's inbox (no-op if followed). `activeAt` defaults to now: a user just learned of (a new session) is active. */
  add(userId: string, activeAt = Date.now()): void {
    if (this.#seats.has(userId)) return;
    const socket = this.deps.sockets.assign();
    this.#seats.set(userId, { inbox: null, busySince: null, untrusted: true, activeAt, dueAt: 0, socket, sessions: new Map(), refreshes: 0, parked: false });
    this.#order.push(userId);
    if (activityClass(this.deps.policy, activeAt, Date.now()) === "hot") this.#hot.add(userId);
  }

  /**
   * Unfollows those of these users the index holds no live (not archived) session for: their inbox is left and
   * its seat freed (ADR 205). A user who gets a new session is followed again by the list poll.
   */
  async prune(userIds: readonly string[]): Promise<void> {
    const followed = userIds.filter((user) => this.#seats.has(user));
    if (followed.length === 0 || this.deps.timers.stopped) return;
    const live = await usersWithLiveSessions(followed);
    for (const user of followed) if (!live.has(user)) this.#remove(user);
  }

  #remove(userId: string): void {
    const seat = this.#seats.get(userId);
    if (!seat) return;
    this.#seats.delete(userId);
    const at = this.#order.indexOf(userId);
    if (at >= 0) {
      this.#order.splice(at, 1);
      if (at < this.#cursor) this.#cursor -= 1;
      if (this.#cursor >= this.#order.length) this.#cursor = 0;
    }
    this.#inFlight.delete(userId);
    this.#failing.delete(userId);
    this.#hot.delete(userId);
    this.deps.pushes?.unfollow(userId);
    for (const sessionId of seat.sessions.keys()) this.#signals.delete(sessionId);
    const inbox = seat.inbox;
    seat.inbox = null;
    inbox?.removeAllListeners();
    void (inbox?.stop().catch(() => {}) ?? Promise.resolve()).finally(() => this.deps.sockets.release(seat.socket));
  }

  /**
   * The list poll found a new session of a followed user: it is pushed at once where the user's sessions are (all
   * scope, or a hot user), instead of waiting for the inbox to list it on the user's next re-join.
   */
  learned(userId: string, sessionId: string, agentId: string | null): void {
    const seat = this.#seats.get(userId);
    const pushes = this.deps.pushes;
    if (!seat || seat.sessions.has(sessionId)) return;
    const agent = this.#agent(agentId);
    seat.sessions.set(sessionId, agent);
    if (pushes && (this.#pushesAll || this.#hot.has(userId))) pushes.follow(userId, new Map([[sessionId, agent]]));
  }

  /**
   * Every session of the user is pushed now (scope all): the inbox's next re-join, due at its class rate since it was
   * set before the channels were joined, moves to the pushed interval. Without this, every user's second re-join
   * (45–75 s after the boot for cold users) would still come, 10,000 of them within half a minute.
   */
  covered(userId: string): void {
    const seat = this.#seats.get(userId);
    // A seat not joined yet keeps its first join, due at once: its snapshot is what reconciles the user's sessions.
    if (!seat?.inbox || !this.#pushesAll || !this.deps.pushes?.covers(seat.sessions.keys())) return;
    seat.dueAt = Math.max(seat.dueAt, Date.now() + spread(this.deps.pushedRejoinMs ?? this.deps.policy.coldMs));
    if (seat.busySince === null) this.#park(seat);
  }

  /**
   * Leaves the inbox channel of a user whose every session is pushed: its deltas would only repeat the pushes, and
   * 10,000 joined inbox channels cost the Console ~80 MB (phoenix's channel, its pushes and timers, the last
   * snapshot's entries) and FleetLM an inbox process each. The next re-join joins afresh.
   */
  #park(seat: InboxSeat): void {
    const inbox = seat.inbox;
    if (!inbox) return;
    seat.inbox = null;
    seat.parked = true;
    inbox.removeAllListeners();
    void inbox.stop().catch(() => {});
  }

  #agent(agentId: string | null): string | null {
    if (agentId === null) return null;
    const known = this.#agents.get(agentId);
    if (known !== undefined) return known;
    this.#agents.set(agentId, agentId);
    return agentId;
  }

  get #pushesAll(): boolean {
    return this.deps.pushes != null && this.deps.pushScope === "all";
  }

  /** The user's sessions moved: their inbox is re-joined at the active rate again, starting now if it was quiet. */
  markActive(userId: string): void {
    const seat = this.#seats.get(userId);
    if (!seat) return;
    const now = Date.now();
    seat.activeAt = now;
    this.#hot.add(userId);
    const pushes = this.deps.pushes;
    if (pushes && seat.sessions.size > 0) pushes.follow(userId, seat.sessions);
    // Pushed sessions tell of their news themselves; the re-join is only for sessions the inbox has not listed yet.
    if (!pushes?.covers(seat.sessions.keys())) seat.dueAt = Math.min(seat.dueAt, now + this.deps.policy.hotMs);
  }

  /** After a reconnect FleetLM may have restarted, and its inbox servers forgotten what they were told. */
  distrustSocket(index: number): void {
    for (const seat of this.#seats.values()) {
      if (seat.socket !== index) continue;
      seat.untrusted = true;
      // phoenix rejoins a joined inbox by itself; a parked one is re-joined now, so its snapshot reconciles too.
      if (seat.parked) seat.dueAt = 0;
    }
  }

  /**
   * One timer for every inbox: each tick visits the next slice, so N inboxes are each looked at about once per
   * `rejoinMs` without N timers firing together, and re-joined when due (ADR 089: at once for a first join,
   * then by the user's activity). First joins go through the same queue (staggered start).
   */
  start(): void {
    const { rejoinMs, timers, sockets, policy } = this.deps;
    const tickMs = Math.max(20, Math.min(250, Math.floor(rejoinMs / 10)));
    const order = this.#order;
    timers.every(
      tickMs,
      () => {
        if (order.length === 0) return;
        const now = Date.now();
        for (const [user, since] of this.#inFlight) if (now - since >= REFRESH_TIMEOUT_MS) this.#inFlight.delete(user);
        // Hot users first, with every place (ADR 208); one found cooled down leaves the hot set and its channels.
        for (const user of this.#hot) {
          const seat = this.#seats.get(user);
          if (!seat || activityClass(policy, seat.activeAt, now) !== "hot") {
            this.#hot.delete(user);
            if (!this.#pushesAll) this.deps.pushes?.unfollow(user);
            continue;
          }
          if (this.#inFlight.size >= MAX_REFRESHING) continue; // keep looking for users who cooled down
          // A seat whose socket is down waits for it: phoenix rejoins its channel when it is back.
          if (now >= seat.dueAt && sockets.isUp(seat.socket)) this.#refresh(user);
        }
        // Then the round over everyone else, which leaves HOT_RESERVED places free for hot users. A slow FleetLM
        // answers joins slowly: the cap turns that into a slower round instead of a pile-up.
        const slice = Math.max(1, Math.ceil((order.length * tickMs) / rejoinMs));
        for (let i = 0; i < slice && i < order.length && this.#inFlight.size < MAX_REFRESHING - HOT_RESERVED; i++) {
          const user = order[this.#cursor % order.length]!;
          this.#cursor = (this.#cursor + 1) % order.length;
          if (this.#hot.has(user)) continue;
          const seat = this.#seats.get(user);
          if (seat && now >= seat.dueAt && sockets.isUp(seat.socket)) this.#refresh(user);
        }
      },
      0,
    );
  }

  /** Leaves every inbox (after the socket closed, so each leave answers at once). */
  async stop(): Promise<void> {
    await Promise.all([...this.#seats.values()].map((seat) => seat.inbox?.stop().catch(() => {})));
    for (const seat of this.#seats.values()) seat.inbox?.removeAllListeners();
  }

  users(): string[] {
    return [...this.#seats.keys()];
  }

  schedule(userId: string): InboxSchedule | null {
    const seat = this.#seats.get(userId);
    if (!seat) return null;
    return {
      class: activityClass(this.deps.policy, seat.activeAt, Date.now()),
      activeAt: seat.activeAt,
      dueAt: seat.dueAt,
      joined: seat.inbox !== null || seat.parked,
      socket: seat.socket,
      refreshes: seat.refreshes,
      pushed: this.deps.pushes?.covers(seat.sessions.keys()) ?? false,
      parked: seat.parked,
    };
  }

  /** Inboxes followed, joined (and not re-joining), left until their next re-join (parked), and by re-join class. */
  summary(): { inboxes: number; inboxesJoined: number; inboxesParked: number; inboxClasses: Record<ActivityClass, number> } {
    let joined = 0;
    let parked = 0;
    const inboxClasses = { hot: 0, warm: 0, cold: 0 };
    const now = Date.now();
    for (const seat of this.#seats.values()) {
      if (seat.inbox && seat.busySince === null) joined += 1;
      else if (seat.parked) parked += 1;
      inboxClasses[activityClass(this.deps.policy, seat.activeAt, now)] += 1;
    }
    return { inboxes: this.#seats.size, inboxesJoined: joined, inboxesParked: parked, inboxClasses };
  }

  #refresh(userId: string) {
    const seat = this.#seats.get(userId);
    if (!seat) return;
    const now = Date.now();
    if (seat.busySince !== null && now - seat.busySince < REFRESH_TIMEOUT_MS) return;
    seat.busySince = now;
    const { policy, pushes } = this.deps;
    // A user whose sessions are all pushed is re-joined only for new sessions: a hot one at the warm rate, and with
    // every session pushed (ADR 222) at GATEWAY_PUSHED_REJOIN_MS, since the list poll names new sessions too.
    const pushed = pushes?.covers(seat.sessions.keys()) ?? false;
    if (pushed && this.#pushesAll) seat.dueAt = now + spread(this.deps.pushedRejoinMs ?? policy.coldMs);
    else if (pushed && activityClass(policy, seat.activeAt, now) === "hot") seat.dueAt = now + spread(policy.warmMs);
    else seat.dueAt = nextRejoinAt(policy, seat.activeAt, now);
    this.#inFlight.set(userId, now);
    let work: Promise<InboxEntry[]>;
    if (!seat.inbox) {
      seat.parked = false;
      const inbox = new FleetLMInbox({ userId, socket: this.deps.sockets.socket(seat.socket) });
      seat.inbox = inbox;
      inbox.on("snapshot", (entries) => void this.#onEntries(userId, seat, entries, "snapshot"));
      inbox.on("delta", (entries) => void this.#onEntries(userId, seat, entries, "delta"));
      inbox.on("error", (error) => this.#failed(userId, error));
      work = inbox.start();
    } else {
      work = seat.inbox.refresh();
    }
    // A refresh that outlived REFRESH_TIMEOUT_MS was replaced: its late answer must not free the new one.
    const done = () => {
      if (seat.busySince !== now) return;
      seat.busySince = null;
      this.#inFlight.delete(userId);
    };
    work.then(
      () => {
        this.refreshes += 1;
        seat.refreshes += 1;
        this.#failing.delete(userId);
        if (this.#failing.size === 0) this.deps.health.recovered("inbox joins");
        done();
        // Its sessions were all pushed already (a re-join only to find new ones): the channel goes at once.
        if (this.#pushesAll && this.#seats.get(userId) === seat && this.deps.pushes?.covers(seat.sessions.keys())) this.#park(seat);
      },
      (error: unknown) => {
        // phoenix keeps retrying a refused join itself; the next round leaves and joins again anyway.
        if (!this.deps.timers.stopped) this.#failed(userId, error);
        done();
      },
    );
  }

  // One log line for all inboxes (a thousand of them fail together when FleetLM does), one when all work again.
  #failed(userId: string, error: unknown) {
    this.#failing.add(userId);
    this.deps.health.problem("inbox joins", error);
  }

  /**
   * An entry whose activity or count moved is a session with (maybe) new messages: read them. A snapshot the seat
   * cannot trust (first join, first after a reconnect) or whose counts went down (the inbox server restarted and
   * forgot what it had been told) says nothing about what happened before it: every session it lists is reconciled.
   */
  async #onEntries(userId: string, seat: InboxSeat, entries: InboxEntry[], kind: "snapshot" | "delta") {
    const { sync, reconcile, timers, health } = this.deps;
    const firstSight: InboxEntry[] = [];
    let restarted = false;
    let moved = false;
    if (this.#seats.get(userId) !== seat) return; // unfollowed meanwhile
    if (kind === "snapshot" && entries.length === 0) {
      // Nothing FleetLM would list: a user whose sessions are all archived is unfollowed (the index decides).
      await this.prune([userId]).catch((error: unknown) => health.problem("index lookup", error));
      return;
    }
    const pushes = this.deps.pushes;
    for (const entry of entries) {
      seat.sessions.set(entry.session_id, this.#agent(entry.agent_id));
      // Kept as numbers, updated in place: one small record per session of every user (100,000 at 10k users).
      const count = entry.unread_count;
      const at = activityMs(entry.last_activity_at);
      const previous = this.#signals.get(entry.session_id);
      if (previous && count < previous.count) restarted = true;
      if (previous?.count === count && previous.at === at) continue;
      if (previous) {
        previous.count = count;
        previous.at = at;
      } else this.#signals.set(entry.session_id, { count, at });
      if (previous === undefined) firstSight.push(entry);
      else {
        moved = true;
        // A pushed session's news came by push first, most likely: the queue skips it if synced to that seq.
        const seq = pushes?.seenSeq(entry.session_id) || undefined;
        sync(entry.session_id, { seq, via: kind === "delta" ? "inbox" : "rejoin" });
      }
    }
    if (moved) this.markActive(userId);
    else if (pushes && (this.#pushesAll || this.#hot.has(userId))) pushes.follow(userId, seat.sessions);
    // First sight (gateway start, new session): read it now if FleetLM saw activity since, or if the index lacks it.
    for (const entry of firstSight) if (entry.last_activity_at !== null) sync(entry.session_id);
    const quiet = firstSight.filter((entry) => entry.last_activity_at === null);
    if (kind === "snapshot" && (seat.untrusted || restarted)) {
      seat.untrusted = false;
      // Every listed session is re-read, and the reconciler looks up which ones the index lacks, in batches:
      // no lookup per snapshot here (ADR 198).
      for (const entry of entries) reconcile(entry.session_id);
      return;
    }
    if (quiet.length === 0 || timers.stopped) return;
    try {
      const known = await indexedHeads(quiet.map((e) => e.session_id));
      for (const entry of quiet) if (!known.has(entry.session_id)) sync(entry.session_id);
    } catch (error) {
      health.problem("index lookup", error);
      for (const entry of quiet) this.#signals.delete(entry.session_id); // try again on the next snapshot
    }
  }
}

/** An entry's `last_activity_at` as ms (0 for none, -1 for a value that does not parse, so it compares equal to itself). */
function activityMs(at: string | null): number {
  if (at === null) return 0;
  const ms = Date.parse(at);
  return Number.isNaN(ms) ? -1 : ms;
}
