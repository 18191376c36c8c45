// The reviews feature's background work: the reply-index backfill, the re-check of rows indexed before
// authorship came from the sender (ADR 067), and the interrupted-stream counter.
import { env } from "~/env.server";
import { startAuthorshipRecheck } from "./authorship-recheck.server";
import { startReplyBackfill } from "./backfill.server";
import { startInterruptedTracker } from "./interrupted.server";

export function startReviewServices() {
  startInterruptedTracker();
  // Tests run without the gateway; the backfill would read FleetLM behind their backs.
  if (env().GATEWAY_DISABLED === "1") return;
  startReplyBackfill();
  startAuthorshipRecheck();
}
