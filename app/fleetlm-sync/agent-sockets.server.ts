// Sockets connected as an agent, for the session page's watches of `session:{id}` channels: FleetLM lets only a
// session's user or agent join it, so the Console joins as the session's agent. At most CHANNELS_PER_SOCKET
// sessions on one socket (phoenix walks every channel of a socket per frame, ADR 198), and never one topic twice on a
// socket; a socket left with no session is closed. The gateway's pushes have their own, leaner sockets (push-muxes,
// ADR 222), so a watched session is joined twice, once on each: FleetLM allows that.
import { FleetLMSocket, socketUrlFor } from "@fleetlm/client";
import { env } from "~/env.server";
import { singleton } from "~/lib/singleton.server";

export const CHANNELS_PER_SOCKET = 200;

/**
 * A place on an agent socket; `release` gives it back (and closes the socket when it was the last). `failed`: the
 * holder could not use the socket; one that is not connected is then dropped from the pool, so the next seat
 * builds a new one (a first open that failed is final).
 */
export type AgentSeat = { socket: FleetLMSocket; release: (options?: { failed?: boolean }) => Promise<void> };

type Pooled = { key: string; socket: FleetLMSocket; seats: number; topics: Set<string>; offs: (() => void)[]; onDrop: Set<() => void> };

function pool() {
  return singleton("agentSockets", () => new Map<string, Pooled[]>());
}

/**
 * A place for `topic` on a socket of `agentId` with room and without that topic, or on a new one. `onDisconnected`
 * runs whenever that socket drops (the watch tells its page that live chunks may have been missed). `fleetlmUrl`
 * defaults to FLEETLM_URL.
 */
export function acquireAgentSeat(agentId: string, topic: string, options: { onDisconnected?: () => void; fleetlmUrl?: string } = {}): AgentSeat {
  const socketUrl = socketUrlFor(options.fleetlmUrl ?? env().FLEETLM_URL);
  const key = `${socketUrl} ${agentId}`;
  const sockets = pool().get(key) ?? [];
  pool().set(key, sockets);
  let entry = sockets.find((pooled) => pooled.seats < CHANNELS_PER_SOCKET && !pooled.topics.has(topic));
  if (!entry) {
    const socket = new FleetLMSocket({ socketUrl, agentId });
    const created: Pooled = { key, socket, seats: 0, topics: new Set(), offs: [], onDrop: new Set() };
    created.offs.push(
      socket.on("disconnected", () => {
        for (const drop of created.onDrop) drop();
      }),
      socket.on("error", () => {}), // reconnects are the socket's job; errors are reported per channel
    );
    sockets.push(created);
    entry = created;
  }
  const held = entry;
  held.seats += 1;
  held.topics.add(topic);
  const onDrop = options.onDisconnected;
  if (onDrop) held.onDrop.add(onDrop);
  let released = false;
  return {
    socket: held.socket,
    release: async ({ failed = false } = {}) => {
      if (released) return;
      released = true;
      if (onDrop) held.onDrop.delete(onDrop);
      held.seats -= 1;
      held.topics.delete(topic);
      if (held.seats > 0 && !(failed && !held.socket.isConnected)) return;
      forget(held);
      if (held.seats <= 0) await held.socket.disconnect();
    },
  };
}

/** Agent sockets open or opening (diagnostics and tests). */
export function agentSocketCount(): number {
  let count = 0;
  for (const sockets of pool().values()) count += sockets.length;
  return count;
}

function forget(entry: Pooled) {
  const sockets = pool().get(entry.key);
  const at = sockets?.indexOf(entry) ?? -1;
  if (sockets && at >= 0) sockets.splice(at, 1);
  if (sockets?.length === 0) pool().delete(entry.key);
  if (entry.seats <= 0) for (const off of entry.offs) off();
}
