// Login throttling: a fixed window per key (client IP, account e-mail); see docs/decisions/005-login-throttle.md.
// Counted in each process; with several processes (PostgreSQL) every guess and every success is told to the
// others, which count it too (ADR 132).
import { clusterSignals } from "~/cluster/signals.server";
import { singleton } from "~/lib/singleton.server";
export type ThrottleRule = { limit: number; windowMs: number };

export class Throttle {
  private readonly hits = new Map<string, { count: number; resetAt: number }>();
  constructor(
    private readonly rule: ThrottleRule,
    private readonly now: () => number = Date.now,
  ) {}

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

export function loginThrottles() {
  return singleton("loginThrottles", () => ({
    ip: new Throttle({ limit: 20, windowMs: 15 * 60_000 }),
    account: new Throttle({ limit: 5, windowMs: 15 * 60_000 }),
  }));
}

/**
 * One guess at an operator's password — a sign-in, or the current password on the Account page — counted
 * before the password is checked (a parallel burst cannot race the check), against the account and, for a
 * sign-in, the client IP. Both places share the account's counter: they guess the same secret. (The Account
 * page skips the IP: its guesser already holds that one account's session, so the account's limit is the
 * one that binds.) Returns the wait in ms when a key is over its limit (nothing is counted then), else 0.
 */
export function beginPasswordGuess(keys: { account: string; ip?: string }): number {
  const throttles = loginThrottles();
  const account = keys.account.toLowerCase();
  const wait = Math.max(keys.ip === undefined ? 0 : throttles.ip.retryAfterMs(keys.ip), throttles.account.retryAfterMs(account));
  if (wait > 0) return wait;
  countGuess({ account, ip: keys.ip });
  void clusterSignals()?.send({ kind: "throttle.guess", account, ip: keys.ip });
  return 0;
}

/** A guess counted here, or by another Console process (ADR 132). */
export function countGuess(keys: { account: string; ip?: string }) {
  const throttles = loginThrottles();
  if (keys.ip !== undefined) throttles.ip.hit(keys.ip);
  throttles.account.hit(keys.account);
}

/** The guess was right: the account's count is cleared and the IP gets its hit back (ADR 013). */
export function passwordGuessSucceeded(keys: { account: string; ip?: string }) {
  const account = keys.account.toLowerCase();
  forgetGuesses({ account, ip: keys.ip });
  void clusterSignals()?.send({ kind: "throttle.success", account, ip: keys.ip });
}

/** A right guess, here or in another Console process. */
export function forgetGuesses(keys: { account: string; ip?: string }) {
  const throttles = loginThrottles();
  throttles.account.reset(keys.account);
  if (keys.ip !== undefined) throttles.ip.forgive(keys.ip);
}

export function retryAfterSeconds(retryAfterMs: number) {
  return Math.max(1, Math.ceil(retryAfterMs / 1000));
}

/** A `headers` export for pages whose action may answer 429: Remix keeps only Set-Cookie from an action's
 * headers unless the route passes the others on. */
export function passRetryAfter({ actionHeaders, errorHeaders }: { actionHeaders: Headers; errorHeaders?: Headers }): HeadersInit {
  const retryAfter = errorHeaders?.get("Retry-After") ?? actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : {};
}
