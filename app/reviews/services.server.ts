// The reviews feature's background work: the reply-index backfill, the re-check of rows indexed before
// authorship came from the sender (ADR 067), and the interrupted-stream counter.
import { env } from "~/env.server";
import { startAuthorshipRecheck } from "./authorship-recheck.server";
import { startReplyBackfill } from "./backfill.server";
import { startInterruptedTracker } from "./interrupted.server";

/** Per process: the interrupted-stream counter watches this process's live bus. */
export function startReviewServices() {
  startInterruptedTracker();
}

/** Once per cluster, in the leader (ADR 130): both read FleetLM and write the index. */
export function startReviewBackfills() {
  // Tests run without the gateway; the backfill would read FleetLM behind their backs.
  if (env().GATEWAY_DISABLED === "1") return;
  startReplyBackfill();
  startAuthorshipRecheck();
}
