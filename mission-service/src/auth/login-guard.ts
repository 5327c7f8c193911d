import os from 'node:os';
import { BoundedMap } from '../limits/rate-limit.ts';

export interface LoginGuardOptions {
  /** Failures a source may have in the window before it must back off. */
  sourceFreeFailures: number;
  /** Failures an account may have in the window before each attempt on it is slowed. */
  accountFreeFailures: number;
  /** How long failures are remembered. */
  windowMs: number;
  /** First back-off of a source past its free failures; doubles with each further failure. */
  sourceBackoffMs: number;
  /** Longest back-off of a source. */
  maxSourceBackoffMs: number;
  /** Longest delay added to an attempt on a much-attacked account: it slows, never locks. */
  maxAccountDelayMs: number;
  /** Failures in the last minute, all sources together, past which only sources without failures may try. */
  globalFailuresPerMinute: number;
  /** Password checks (scrypt, 32 MiB each) running at once; more wait for a slot or are refused. */
  maxConcurrentChecks: number;
}

export const DEFAULT_LOGIN_GUARD: LoginGuardOptions = {
  sourceFreeFailures: 10,
  accountFreeFailures: 5,
  windowMs: 15 * 60_000,
  sourceBackoffMs: 30_000,
  maxSourceBackoffMs: 15 * 60_000,
  maxAccountDelayMs: 3_000,
  globalFailuresPerMinute: 300,
  maxConcurrentChecks: Math.max(1, Math.floor(os.availableParallelism() / 2)),
};

/** What `guarded` answers when every password-check slot is taken (the caller answers 429, Retry-After 1). */
export const CHECKS_BUSY: unique symbol = Symbol('password checks busy');

/** The guard's answer before a password is checked. */
export type LoginVerdict = { allowed: true; delayMs: number } | { allowed: false; retryAfterS: number };

/**
 * Slows password guessing without letting anyone lock an account out (OWASP API2/4):
 * - per source (address): 10 free failures per 15 min, then a back-off of 30 s that doubles with each failure
 *   (up to 15 min): attempts before it ends answer 429 with Retry-After;
 * - per account: past 5 failures (from anywhere) each attempt is delayed, doubling up to 3 s — the real user
 *   still gets in, from any address, a bit slower;
 * - globally: past 300 failures a minute (a distributed attack), sources that have failed recently are refused
 *   while sources without failures go on; and at most half the CPU cores run password checks at once.
 * In memory per instance; the same guard throttles `POST /api/auth/password` (per user).
 */
export class LoginGuard {
  private readonly sources = new BoundedMap<number[]>();
  private readonly accounts = new BoundedMap<number[]>();
  private recentGlobal: number[] = [];
  private running = 0;

  constructor(
    private readonly opts: LoginGuardOptions = DEFAULT_LOGIN_GUARD,
    private readonly now: () => number = Date.now,
  ) {}

  private recent(map: Map<string, number[]>, key: string): number[] {
    const cutoff = this.now() - this.opts.windowMs;
    const list = (map.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length) map.set(key, list);
    else map.delete(key);
    return list;
  }

  /** May `source` try a password for `account` now, and after what delay? */
  check(source: string, account: string): LoginVerdict {
    const t = this.now();
    const bySource = this.recent(this.sources, source);
    const excess = bySource.length - this.opts.sourceFreeFailures;
    if (excess >= 0) {
      const backoff = Math.min(this.opts.sourceBackoffMs * 2 ** excess, this.opts.maxSourceBackoffMs);
      const wait = bySource[bySource.length - 1]! + backoff - t;
      if (wait > 0) return { allowed: false, retryAfterS: Math.ceil(wait / 1000) };
    }
    this.recentGlobal = this.recentGlobal.filter((x) => x > t - 60_000);
    if (this.recentGlobal.length >= this.opts.globalFailuresPerMinute && bySource.length > 0)
      return { allowed: false, retryAfterS: 60 };
    if (this.running >= this.opts.maxConcurrentChecks) return { allowed: false, retryAfterS: 1 };
    const byAccount = this.recent(this.accounts, account).length - this.opts.accountFreeFailures;
    const delayMs = byAccount >= 0 ? Math.min(250 * 2 ** byAccount, this.opts.maxAccountDelayMs) : 0;
    return { allowed: true, delayMs };
  }

  /**
   * Runs one password check in a concurrency slot, or answers CHECKS_BUSY when every slot is taken. The slot is
   * taken here, not in `check`: callers may wait (an account's delay) in between, and a cap judged before that
   * wait would let every waiting caller run scrypt at once.
   */
  async guarded<T>(fn: () => Promise<T>): Promise<T | typeof CHECKS_BUSY> {
    if (this.running >= this.opts.maxConcurrentChecks) return CHECKS_BUSY;
    this.running += 1;
    try {
      return await fn();
    } finally {
      this.running -= 1;
    }
  }

  fail(source: string, account: string): void {
    const t = this.now();
    this.sources.set(source, [...this.recent(this.sources, source), t]);
    this.accounts.set(account, [...this.recent(this.accounts, account), t]);
    this.recentGlobal.push(t);
  }

  /** A success clears the source's failures (a user who mistyped is not slowed later), not the account's. */
  succeed(source: string): void {
    this.sources.delete(source);
  }
}
