// Login throttling: a fixed window per key (client IP, account e-mail). In-process, which fits one Console
// process; see docs/decisions/005-login-throttle.md.
export type ThrottleRule = { limit: number; windowMs: number };

export class Throttle {
  private readonly hits = new Map<string, { count: number; resetAt: number }>();
  constructor(private readonly rule: ThrottleRule, private readonly now: () => number = Date.now) {}

  /** Milliseconds to wait before another attempt, or 0 when the key may try now. */
  retryAfterMs(key: string): number {
    const entry = this.hits.get(key);
    if (!entry || entry.resetAt <= this.now()) return 0;
    return entry.count >= this.rule.limit ? entry.resetAt - this.now() : 0;
  }

  hit(key: string) {
    const now = this.now();
    const entry = this.hits.get(key);
    if (!entry || entry.resetAt <= now) this.hits.set(key, { count: 1, resetAt: now + this.rule.windowMs });
    else entry.count += 1;
    if (this.hits.size > 50_000) this.prune(now);
  }

  reset(key: string) {
    this.hits.delete(key);
  }

  /** Takes back one hit (a sign-in that succeeded), so a team behind one NAT address is not throttled by its own sign-ins. */
  forgive(key: string) {
    const entry = this.hits.get(key);
    if (entry && entry.count > 0) entry.count -= 1;
  }

  private prune(now: number) {
    for (const [key, entry] of this.hits) if (entry.resetAt <= now) this.hits.delete(key);
  }
}

const globalThrottles = globalThis as unknown as { __loginThrottles?: { ip: Throttle; account: Throttle } };
export function loginThrottles() {
  globalThrottles.__loginThrottles ??= {
    ip: new Throttle({ limit: 20, windowMs: 15 * 60_000 }),
    account: new Throttle({ limit: 5, windowMs: 15 * 60_000 }),
  };
  return globalThrottles.__loginThrottles;
}

export function tooManyAttempts(retryAfterMs: number) {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new Response(JSON.stringify({ error: `Too many sign-in attempts. Try again in ${seconds} s.` }), {
    status: 429,
    headers: { "Retry-After": String(seconds), "Content-Type": "application/json" },
  });
}
