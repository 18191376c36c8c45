// What must end when an operator signs out or is deactivated. Each feature's clean-up is called here
// explicitly (no registration by import side effect, which a bundler may drop).
export async function onSignOut(_operatorId: string, _reason: "signout" | "deactivated"): Promise<void> {
  // Takeovers held by the operator are released here (takeover feature).
}
