// Webhook URL = origin_url + webhook_path (§8.3): the SDK's rule, the same one the Console's agent gate uses.
export { webhookUrl } from "@fleetlm/client";
