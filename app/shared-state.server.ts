// What each Console process keeps in memory but must agree on with the others (ADR 132): password guesses,
// the one-second session cache, and Stop for a reply another process relays. Wired at boot on PostgreSQL.
import { countGuess, forgetGuesses } from "~/auth/throttle.server";
import { forgetSessions } from "~/auth/session-cache.server";
import { stopLocalReplies } from "~/agent-gate/streams.server";
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
  ];
  return () => offs.forEach((off) => off());
}
