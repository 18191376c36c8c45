// CSRF defence: a state-changing request must prove it comes from our own pages.
// The rule is checked twice: by the production server (server.mjs) before Remix sees the request, and by
// every guard. The first matters because Remix runs its own Origin check on document actions and answers a
// mismatch (or an Origin it cannot parse) with a 500 before any guard runs; refusing first turns that into
// the documented 403. So our rule refuses at least everything Remix's would.
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

type HeaderLookup = (name: string) => string | null | undefined;

/** The host the browser addressed, as Remix reads it: the first X-Forwarded-Host entry, else Host. */
function addressedHost(header: HeaderLookup): string | null {
  const forwarded = header("x-forwarded-host")?.split(",")[0]?.trim();
  return forwarded || header("host") || null;
}

/**
 * Why the request is refused as cross-site, or null when it may go on. With an Origin header (every browser
 * sends one on a POST), its host must be the addressed host; without one, `Sec-Fetch-Site: same-origin`.
 */
export function crossSiteRefusal(method: string, header: HeaderLookup, fallbackHost?: () => string): string | null {
  if (SAFE_METHODS.has(method.toUpperCase())) return null;
  const origin = header("origin");
  if (origin) {
    let originHost: string;
    try {
      originHost = new URL(origin).host;
    } catch {
      return "Cross-site request refused: the Origin header is not a URL.";
    }
    const host = addressedHost(header) ?? fallbackHost?.();
    return originHost && originHost === host ? null : "Cross-site request refused: the Origin header is another site.";
  }
  if (header("sec-fetch-site") === "same-origin") return null;
  return "Cross-site request refused: missing Origin header.";
}

// The request's own host, parsed only when a state-changing request has neither Host nor X-Forwarded-Host: a
// guard runs on every page and data load, and most are GETs.
const requestHost = (request: Request) => () => new URL(request.url).host;

export function isSameOrigin(request: Request): boolean {
  return crossSiteRefusal(request.method, (name) => request.headers.get(name), requestHost(request)) === null;
}

export function assertSameOrigin(request: Request) {
  const refusal = crossSiteRefusal(request.method, (name) => request.headers.get(name), requestHost(request));
  if (refusal) throw new Response(refusal, { status: 403 });
}

/**
 * The 403 message for a state-changing request whose Origin is another site or not a URL (node's lower-cased
 * header object), or null. Only requests that carry an Origin are judged here — exactly those Remix's own check
 * would answer with a 500. One without an Origin goes on: the route's guard refuses it, and the agent gate's
 * webhook (FleetLM, a server sending no Origin) must still get through. Asked by the production server
 * (server.mjs, through entry.server) and by the Vite dev server (vite.config.ts), before Remix runs.
 */
export function refuseCrossSite(method: string, headers: Record<string, string | string[] | undefined>): string | null {
  if (headers.origin === undefined) return null;
  return crossSiteRefusal(method, (name) => {
    const value = headers[name];
    return Array.isArray(value) ? value.join(", ") : value;
  });
}
