// Process-wide services started once at boot by server.mjs (and lazily under `vite dev`).
let started = false;

export async function startBackgroundServices() {
  if (started) return;
  started = true;
  const { startGateway } = await import("./gateway/gateway.server");
  await startGateway();
  const { startReviewServices } = await import("./reviews/services.server");
  startReviewServices();
  const { startTakeoverSweep } = await import("./takeover/takeover.server");
  startTakeoverSweep();
}
