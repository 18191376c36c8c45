// What each Console process keeps in memory but must agree on with the others (ADR 132): password guesses,
// the one-second session cache, Stop for a reply another process relays, and who views which session (a process
// that starts asks the others for their viewers, ADR 170). Wired at boot on PostgreSQL.
import { countGuess, forgetGuesses } from "~/auth/throttle.server";
import { forgetSessions } from "~/auth/session-cache.server";
import { stopLocalReplies } from "~/agent-gate/streams.server";
import { republishPresence } from "~/fleetlm-sync/session-watch.server";
import type { ClusterSignals } from "./cluster/signals.server";

export function shareStateAcrossProcesses(signals: ClusterSignals): () => void {
  const offs = [
    signals.on("throttle.guess", (signal) => countGuess(signal)),
    signals.on("throttle.success", (signal) => forgetGuesses(signal)),
    signals.on("sessions.forget", () => forgetSessions()),
    signals.on("reply.stop", (signal) => {
      const stopped = stopLocalReplies(signal.sessionId, signal.by);
      if (stopped > 0) void signals.send({ kind: "reply.stopped", requestId: signal.requestId, stopped });
    }),
    signals.on("presence.ask", () => republishPresence()),
  ];
  return () => offs.forEach((off) => off());
}
