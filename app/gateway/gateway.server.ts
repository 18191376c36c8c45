// The gateway: one Phoenix socket to FleetLM per Console process (inbox feature fills this in).
export async function startGateway(): Promise<void> {}
