// CSRF defence: a state-changing request must prove it comes from our own pages.
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isSameOrigin(request: Request): boolean {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return true;
  const site = request.headers.get("sec-fetch-site");
  if (site === "same-origin") return true;
  const origin = request.headers.get("origin");
  if (!origin) return false;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  try {
    return new URL(origin).host === (host ?? new URL(request.url).host);
  } catch {
    return false;
  }
}

export function assertSameOrigin(request: Request) {
  if (!isSameOrigin(request)) {
    throw new Response("Cross-site request refused: missing or foreign Origin header.", { status: 403 });
  }
}
