// FleetLM's address rules, once for every caller (the Console's gateway and agent gate, the dev server):
// where the Phoenix socket of a FleetLM lives, and where FleetLM posts an agent's webhook (protocol §8.3).

/** http(s)://host[/base] → ws(s)://host[/base]/socket, the URL phoenix's Socket wants; the query is dropped. */
export function socketUrlFor(httpUrl: string): string {
  const url = new URL(httpUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/socket`;
  url.search = "";
  return url.toString();
}

/**
 * origin_url + webhook_path. An absolute webhook path (with a scheme) is used as is; a protocol-relative one
 * (`//host/…`) takes the origin's scheme, so the result is always a URL fetch accepts. Otherwise the origin's path
 * (or `/`) and the webhook path are joined with one slash; the webhook path's query and fragment are kept, the
 * origin's query is dropped.
 */
export function webhookUrl(originUrl: string, webhookPath: string): string {
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
  url.search = query === undefined ? "" : `?${query}`;
  url.hash = fragment === undefined ? "" : `#${fragment}`;
  return url.toString();
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const index = text.indexOf(separator);
  return index < 0 ? [text, undefined] : [text.slice(0, index), text.slice(index + 1)];
}
