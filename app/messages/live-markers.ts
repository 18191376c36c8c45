// Markers the Console adds to a session's live chunk stream (shared by the gateway and the browser).

/** Published as a chunk when the agent socket dropped or rejoined: any reply being streamed is lost. */
export const INTERRUPTED_CHUNK_TYPE = "console-stream-interrupted";

/** A reply with no chunk for this long, and no finish or abort, is shown as interrupted. */
export const STREAM_STALL_MS = 15_000;
