// The gateway: one Phoenix socket to FleetLM per Console process (inbox feature fills this in).
export async function startGateway(): Promise<void> {}
/** Starts the gateway if it is not running (lazy start under `vite dev`). */
export function ensureGateway(): void {}
