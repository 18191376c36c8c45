// Which proxies in front of the Console may say who the client is (X-Forwarded-For), for express's
// `trust proxy` (server.mjs). Never "trust everything": then the client's own left-most X-Forwarded-For entry
// becomes its address, which defeats the per-IP sign-in throttle and forges the audit log's IPs.
import { isIP } from "node:net";

/** What express's `trust proxy` is set to: off, a number of hops, or the proxies' addresses/subnets. */
export type TrustProxy = false | number | string[];

// Names proxy-addr (express's parser) understands for well-known ranges.
const NAMED_RANGES = new Set(["loopback", "linklocal", "uniquelocal"]);

function isAddressOrSubnet(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const [address, prefix, extra] = entry.split("/");
  const family = isIP(address ?? "");
  if (!family || extra !== undefined) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * `TRUST_PROXY`: unset, empty or `0` → off (the socket's address is the client); a whole number N ≥ 1 → the
 * N proxies nearest the Console are trusted (the address N hops back is the client); otherwise a
 * comma-separated list of proxy addresses or subnets (`10.0.0.5, 192.168.0.0/16, loopback`).
 * Throws with a readable reason for anything else, including `true`.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const text = (value ?? "").trim();
  if (text === "" || text === "0" || text.toLowerCase() === "false") return false;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > 20) throw new Error("a hop count above 20 is not a real proxy chain");
    return hops;
  }
  if (text.toLowerCase() === "true") {
    throw new Error(
      '"true" would trust every hop (the client could choose its own address): give the number of proxies in front of the Console or their addresses',
    );
  }
  const entries = text
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const bad = entries.filter((entry) => !isAddressOrSubnet(entry));
  if (!entries.length || bad.length) throw new Error(`not a hop count or a list of proxy addresses/subnets: ${JSON.stringify(bad.join(", ") || text)}`);
  return entries;
}
