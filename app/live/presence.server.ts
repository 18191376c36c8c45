// Who views a session, across Console processes (issue 19, ADR 170). Each process publishes the viewers it serves
// as a `presence` event (its bus origin rides along); every process keeps the newest list per session and
// publishing process, and merges those with its own viewers. A process that is gone — even by SIGKILL — is dropped
// once its LISTEN connection has been missing from PostgreSQL for two sweeps in a row; a process that starts asks
// the others to publish theirs again (the `presence.ask` signal). In one process (in-memory bus) nothing is remote.
import { liveBus, type Bus, type Delivered } from "./bus.server";
import { singleton } from "~/lib/singleton.server";

export type Viewer = { id: string; name: string };

export const PRESENCE_SWEEP_MS = 2_000;
/** Sweeps an origin must be missing before its viewers go (a LISTEN reconnect takes about one second). */
const MISSING_SWEEPS = 2;

export type ClusterPresenceOptions = {
  /** Sessions whose viewers changed because a process was dropped (the caller re-publishes its own). */
  onDropped?: (sessionIds: string[]) => void;
  sweepMs?: number;
  log?: (line: string) => void;
};

export class ClusterPresence {
  /** sessionId → origin → the viewers that process serves. */
  private readonly remote = new Map<string, Map<string, Viewer[]>>();
  private readonly missing = new Map<string, number>();
  private readonly off: () => void;
  private readonly timer: ReturnType<typeof setInterval> | undefined;
  private sweeping = false;

  constructor(
    private readonly bus: Bus,
    private readonly options: ClusterPresenceOptions = {},
  ) {
    // Deliveries reach this listener in id order, so the newest list of each process simply replaces the last.
    this.off = bus.subscribe((delivered) => this.apply(delivered));
    if (bus.liveOrigins) {
      this.timer = setInterval(() => void this.sweep(), options.sweepMs ?? PRESENCE_SWEEP_MS);
      this.timer.unref?.();
    }
  }

  private apply({ event, origin }: Delivered) {
    if (event.type !== "presence" || origin === undefined || origin === this.bus.origin) return;
    let perOrigin = this.remote.get(event.sessionId);
    if (event.viewers.length === 0) {
      perOrigin?.delete(origin);
      if (perOrigin?.size === 0) this.remote.delete(event.sessionId);
      return;
    }
    if (!perOrigin) this.remote.set(event.sessionId, (perOrigin = new Map()));
    perOrigin.set(origin, event.viewers);
  }

  /** The viewers other processes serve for this session (one entry per operator). */
  remoteViewers(sessionId: string): Viewer[] {
    const byId = new Map<string, Viewer>();
    for (const viewers of this.remote.get(sessionId)?.values() ?? []) for (const viewer of viewers) byId.set(viewer.id, viewer);
    return [...byId.values()];
  }

  /** Drops the viewers of processes that are gone; returns the sessions whose viewers changed. */
  async sweep(): Promise<string[]> {
    if (!this.bus.liveOrigins || this.sweeping) return [];
    this.sweeping = true;
    try {
      const alive = await this.bus.liveOrigins();
      const origins = new Set<string>();
      for (const perOrigin of this.remote.values()) for (const origin of perOrigin.keys()) origins.add(origin);
      const gone = new Set<string>();
      for (const origin of origins) {
        if (alive.has(origin)) this.missing.delete(origin);
        else {
          const sweeps = (this.missing.get(origin) ?? 0) + 1;
          this.missing.set(origin, sweeps);
          if (sweeps >= MISSING_SWEEPS) gone.add(origin);
        }
      }
      for (const origin of this.missing.keys()) if (!origins.has(origin)) this.missing.delete(origin);
      const changed: string[] = [];
      for (const [sessionId, perOrigin] of this.remote) {
        let dropped = false;
        for (const origin of gone) dropped = perOrigin.delete(origin) || dropped;
        if (perOrigin.size === 0) this.remote.delete(sessionId);
        if (dropped) changed.push(sessionId);
      }
      for (const origin of gone) this.missing.delete(origin);
      if (changed.length > 0) this.options.onDropped?.(changed);
      return changed;
    } catch (error) {
      (this.options.log ?? console.warn)(`[presence] could not list the live processes: ${(error as Error).message}`);
      return [];
    } finally {
      this.sweeping = false;
    }
  }

  close() {
    this.off();
    if (this.timer) clearInterval(this.timer);
  }
}

/** The process's cluster view of presence, on the process's bus (created on first use). */
export function clusterPresence(onDropped?: (sessionIds: string[]) => void): ClusterPresence {
  return singleton("clusterPresence", () => new ClusterPresence(liveBus(), { onDropped }));
}
