// What the gateway knows of its link to FleetLM, and what it says about it: whether the socket is up and FleetLM
// answers (a `gateway` event on the live bus when either changes), and one log line when a problem starts and one
// when it ends, so FleetLM being down never floods the logs.
import { errorText, FleetLMHttpError } from "@fleetlm/client";
import { liveBus } from "~/live/bus.server";

export class LinkHealth {
  connected = false;
  fleetlmReachable = true;
  lastError: string | null = null;
  #everConnected = false;
  readonly #problems = new Set<string>();

  /** Records a failure of `key` (a kind of work: "session list poll", "socket"…); logs only its first. */
  problem(key: string, error: unknown): void {
    this.lastError = `${key}: ${errorText(error)}`;
    if (this.#problems.has(key)) return;
    this.#problems.add(key);
    console.warn(`[gateway] ${key} failing, retrying with backoff: ${errorText(error)}`);
  }

  recovered(key: string): void {
    if (this.#problems.delete(key)) console.warn(`[gateway] ${key} recovered`);
  }

  setReachable(reachable: boolean): void {
    if (this.fleetlmReachable === reachable) return;
    this.fleetlmReachable = reachable;
    this.#publish();
  }

  /** A failed call: FleetLM counts as unreachable unless the answer was about the request itself. */
  failed(error: unknown): void {
    if (isUnreachable(error)) this.setReachable(false);
  }

  /**
   * The socket went up or down. Answers true for an open after a drop: FleetLM may have restarted meanwhile, so
   * what its inbox servers were told may be gone.
   */
  setConnected(connected: boolean): boolean {
    if (this.connected === connected) return false;
    this.connected = connected;
    const reopened = connected && this.#everConnected;
    if (connected) this.#everConnected = true;
    this.#publish();
    return reopened;
  }

  #publish() {
    liveBus().publish({ type: "gateway", connected: this.connected, fleetlmReachable: this.fleetlmReachable });
  }
}

// Not answering, failing, timing out or rate-limiting us all leave the Console without fresh data: degraded.
// A 4xx about the request itself (404 for one session, 422) says nothing about FleetLM's health.
function isUnreachable(error: unknown) {
  return !(error instanceof FleetLMHttpError) || error.status >= 500 || error.status === 429 || error.status === 408;
}
