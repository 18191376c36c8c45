// Where the Console may send a browser next (`redirectTo`, the Referer of /theme): only a path on this site.
// Targets are judged by the WHATWG URL parser, the one browsers use, not by string prefixes: a browser strips
// TAB/CR/LF and reads "\" as "/", so "/\t/evil.test" or "/\\evil.test" become "//evil.test", another site.

// Any origin of our own will do as the base: only "is the result still on it" is asked.
const BASE = "http://console.invalid";

// C0 controls and DEL: never part of a path we link to, and what the string tricks above are made of.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The path (with query and hash) of `target` if it stays on the base origin, else null. */
function sameOriginPath(target: string, base: string): string | null {
  let url: URL;
  try {
    url = new URL(target, base);
  } catch {
    return null;
  }
  if (url.origin !== new URL(base).origin) return null;
  // "/.//evil.test" normalises to the path "//evil.test", which a Location header would send off-site.
  if (url.pathname.startsWith("//")) return null;
  // The parser's output is percent-encoded ASCII, so non-ASCII input can never make the header invalid.
  return url.pathname + url.search + url.hash;
}

/** A redirect target given by the client (`redirectTo`): a local path, or `fallback`. Never throws. */
export function safeRedirect(to: unknown, fallback = "/inbox"): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.length > 2048 || CONTROL.test(to)) return fallback;
  return sameOriginPath(to, BASE) ?? fallback;
}

/** The page the request came from when it is a page of this site (per its Referer), else `fallback`. Never throws. */
export function sameSiteReferer(request: Request, fallback = "/inbox"): string {
  const referer = request.headers.get("referer");
  if (!referer || referer.length > 4096 || CONTROL.test(referer)) return fallback;
  let origin: string;
  try {
    origin = new URL(request.url).origin;
  } catch {
    return fallback;
  }
  // Only an absolute URL of our origin counts: a browser always sends one, and "//evil.test/x" resolves off-site.
  if (!/^https?:\/\//i.test(referer)) return fallback;
  const path = sameOriginPath(referer, origin);
  return path === null ? fallback : safeRedirect(path, fallback);
}
