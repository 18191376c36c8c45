// FleetLM failures as one sentence an operator can read. FleetLM's address is private (design: browsers never
// see it) and errno text means nothing to a support team, so the client's technical message (method, internal
// URL, ECONNREFUSED) goes to the server log and never into a page. Shared by every place that shows one.
import { FleetLMBadResponseError, FleetLMHttpError, FleetLMTimeoutError } from "@fleetlm/client";

/** FleetLM's own short error code (e.g. "not_found"), when it is a plain token safe and useful to show. */
function shortCode(error: FleetLMHttpError): string | null {
  const code = error.error;
  return typeof code === "string" && /^[\w .:-]{1,60}$/.test(code) ? code : null;
}

/** What went wrong, as a sentence without any address: "FleetLM could not be reached." */
export function fleetlmProblem(error: unknown): string {
  if (error instanceof FleetLMTimeoutError) return "FleetLM did not answer in time.";
  if (error instanceof FleetLMHttpError) {
    if (error.status === 429) return "FleetLM is busy (too many requests).";
    if (error.status >= 500) return `FleetLM had an internal error (${error.status}).`;
    const code = shortCode(error);
    return `FleetLM refused the request (${error.status}${code ? `: ${code}` : ""}).`;
  }
  if (error instanceof FleetLMBadResponseError) return "FleetLM sent an answer the Console could not read.";
  return "FleetLM could not be reached.";
}

/** The sentence plus what it means for the operator: "FleetLM could not be reached, so the reply was not sent. Try again." */
export function fleetlmFailureSentence(error: unknown, consequence: string): string {
  return `${fleetlmProblem(error).replace(/\.$/, "")}, so ${consequence}. Try again in a moment.`;
}
