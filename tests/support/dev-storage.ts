// Which storage the dev server uses in tests that read history, sync the index, backfill or look up replies.
// `FLEETLM_DEV_STORAGE=real` (scripts/test.sh re-runs those files so, and the session and inbox browser specs)
// makes them read a FleetLM whose newest messages are unflushed, so every page that is not the tail is holed as
// on a real FleetLM (protocol §13.1). One ring per session: no losses there; the loss tests make their own.
import type { FleetlmDevOptions } from "@fleetlm/dev";

export const REAL_STORAGE = process.env.FLEETLM_DEV_STORAGE === "real";

export function devStorage(): FleetlmDevOptions["storage"] {
  return REAL_STORAGE ? { mode: "real", unflushedNewest: 3, rings: 0 } : "default";
}

/** The same storage as `fleetlm-dev` flags, for the dev server the browser tests run as a child process. */
export function devStorageFlags(): string[] {
  return REAL_STORAGE ? ["--storage", "real", "--unflushed-newest", "3", "--rings", "0"] : [];
}
