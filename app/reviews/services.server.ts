// The reviews feature's background work: the reply-index backfill and the interrupted-stream counter.
import { env } from "~/env.server";
import { startReplyBackfill } from "./backfill.server";
import { startInterruptedTracker } from "./interrupted.server";

export function startReviewServices() {
  startInterruptedTracker();
  // Tests run without the gateway; the backfill would read FleetLM behind their backs.
  if (env().GATEWAY_DISABLED === "1") return;
  startReplyBackfill();
}
