// What the production server (server.mjs) asks the app before Remix runs: how far to trust X-Forwarded-For,
// and whether a request is cross-site. Exported through entry.server so server.mjs reads the validated env.
import { env } from "./env.server";
import type { TrustProxy } from "./lib/trust-proxy.server";
import { crossSiteRefusal } from "./security/origin.server";

/** express's `trust proxy` value from TRUST_PROXY (docs/accounts.md, "Behind a proxy"). */
export function trustProxySetting(): TrustProxy {
  return env().TRUST_PROXY;
}

/**
 * The 403 message for a state-changing request whose Origin is another site or not a URL (node's lower-cased
 * header object), or null. Only requests that carry an Origin are judged here — exactly those Remix's own check
 * would answer with a 500. One without an Origin goes on: the route's guard refuses it, and the agent gate's
 * webhook (FleetLM, a server sending no Origin) must still get through.
 */
export function refuseCrossSite(method: string, headers: Record<string, string | string[] | undefined>): string | null {
  if (headers.origin === undefined) return null;
  return crossSiteRefusal(method, (name) => {
    const value = headers[name];
    return Array.isArray(value) ? value.join(", ") : value;
  });
}
