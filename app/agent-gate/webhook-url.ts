// FleetLM's webhook URL rule (protocol §8.3), from the SDK. The gate uses it to compute the one address it
// forwards to, from the stored settings only — never from anything in a request.
export { webhookUrl } from "@fleetlm/client";
