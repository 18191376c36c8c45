// Which storage the dev server uses in tests that read history, sync the index, backfill or look up replies.
// `FLEETLM_DEV_STORAGE=real` (scripts/test.sh re-runs those files so) makes them read a FleetLM whose newest
// messages are unflushed, so every page that is not the tail is holed as on a real FleetLM (protocol §13.1).
// One ring per session: no losses there; the loss tests set their rings themselves.
import type { FleetlmDevOptions } from "@fleetlm/dev";

export const REAL_STORAGE = process.env.FLEETLM_DEV_STORAGE === "real";

export function devStorage(): FleetlmDevOptions["storage"] {
  return REAL_STORAGE ? { mode: "real", unflushedNewest: 3, rings: 0 } : "default";
}
