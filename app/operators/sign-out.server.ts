// What must end when an operator signs out or is deactivated. Each feature's clean-up is called here
// explicitly (no registration by import side effect, which a bundler may drop).
import { releaseAllHeldBy } from "~/takeover/takeover.server";

export async function onSignOut(operatorId: string, reason: "signout" | "deactivated"): Promise<void> {
  // A session held by someone who left would stay silent (the gate pauses the AI) until it idled out.
  await releaseAllHeldBy(operatorId, reason);
}
