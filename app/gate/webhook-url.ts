// FleetLM's webhook URL rule (protocol §8.3): origin_url + webhook_path. The gate uses it to compute the one
// address it forwards to, from the stored settings only — never from anything in a request.

export function webhookUrl(originUrl: string, webhookPath: string): string {
  // An absolute webhook path (with a scheme, or protocol-relative) is used as is.
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(webhookPath)) return new URL(webhookPath).toString();
  if (webhookPath.startsWith("//")) return new URL(`${new URL(originUrl).protocol}${webhookPath}`).toString();
  const url = new URL(originUrl);
  const [pathAndQuery, fragment] = splitOnce(webhookPath, "#");
  const [path, query] = splitOnce(pathAndQuery, "?");
  const base = url.pathname === "" ? "/" : url.pathname;
  const relative = path.replace(/^\/+/, "");
  // client.ex build_agent_url: an empty relative path keeps the base as is; otherwise Path.join, which drops
  // a trailing slash ("/webhook/" → "/webhook", protocol §13.3), so the gate forwards where FleetLM would.
  url.pathname = relative === "" ? base : `${base.replace(/\/+$/, "")}/${relative}`.replace(/(.)\/+$/, "$1");
  // The webhook path's query and fragment are used; the origin's query is dropped.
  url.search = query === undefined ? "" : `?${query}`;
  url.hash = fragment === undefined ? "" : `#${fragment}`;
  return url.toString();
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const index = text.indexOf(separator);
  return index < 0 ? [text, undefined] : [text.slice(0, index), text.slice(index + 1)];
}
