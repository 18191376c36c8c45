// Public API of @fleetlm/dev: start a FleetLM-compatible server in-process.
export { startFleetlmDev, type FleetlmDevOptions, type FleetlmDevServer } from "./server.js";
export type { Faults, FaultMode, FaultSettings } from "./core/faults.js";
export type { Logger } from "./core/logger.js";
export { consoleLogger, silentLogger } from "./core/logger.js";
export { webhookUrl } from "./webhooks/url.js";
export type { RealStorage, RealStorageOptions } from "./store/real-storage.js";
