// Webhook URL = origin_url + webhook_path, joined the way FleetLM's client does it (§8.3).

export function webhookUrl(originUrl: string, webhookPath: string): string {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(webhookPath) || webhookPath.startsWith("//")) return webhookPath;
  const origin = new URL(originUrl);
  const [pathAndQuery, fragment] = splitOnce(webhookPath, "#");
  const [path, query] = splitOnce(pathAndQuery, "?");
  const base = origin.pathname === "" ? "/" : origin.pathname;
  const relative = path.replace(/^\/+/, "");
  // client.ex build_agent_url: an empty relative path keeps the base as is; otherwise Path.join, which
  // also drops a trailing slash ("/webhook/" → "/webhook", §13.3).
  const joined = relative === "" ? base : `${base.replace(/\/+$/, "")}/${relative}`.replace(/(.)\/+$/, "$1");
  origin.pathname = joined.startsWith("/") ? joined : `/${joined}`;
  origin.search = query === undefined ? "" : `?${query}`;
  origin.hash = fragment === undefined ? "" : `#${fragment}`;
  return origin.toString();
}

function splitOnce(text: string, sep: string): [string, string | undefined] {
  const i = text.indexOf(sep);
  return i < 0 ? [text, undefined] : [text.slice(0, i), text.slice(i + 1)];
}
