// What the production server (server.mjs) asks the app before Remix runs: how far to trust X-Forwarded-For,
// and whether a request is cross-site. Exported through entry.server so server.mjs reads the validated env.
import { env } from "./env.server";
import type { TrustProxy } from "./lib/trust-proxy.server";

/** express's `trust proxy` value from TRUST_PROXY (docs/accounts.md, "Behind a proxy"). */
export function trustProxySetting(): TrustProxy {
  return env().TRUST_PROXY;
}

export { refuseCrossSite } from "./security/origin.server";
