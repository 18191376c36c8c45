// @fleetlm/client: REST + Phoenix Channels client for FleetLM with exactly-once, in-order delivery.
export * from "./assembler.js";
export * from "./backoff.js";
export * from "./channel-mux.js";
export * from "./client.js";
export * from "./delivery.js";
export * from "./emitter.js";
export * from "./errors.js";
export * from "./inbox.js";
export * from "./range.js";
export * from "./rest.js";
export * from "./schemas.js";
export * from "./session-stream.js";
export * from "./socket.js";
export * from "./urls.js";
