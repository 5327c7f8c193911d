import os from 'node:os';
import { BoundedMap, TokenBuckets } from '../limits/rate-limit.ts';

export interface LoginGuardOptions {
  /** Failures a source may have in the window before it must back off. */
  sourceFreeFailures: number;
  /** Failures an account may have in the window before attempts on it are paced. */
  accountFreeFailures: number;
  /** How long failures are remembered. */
  windowMs: number;
  /** First back-off of a source past its free failures; doubles with each further failure. */
  sourceBackoffMs: number;
  /** Longest back-off of a source. */
  maxSourceBackoffMs: number;
  /**
   * Longest interval between two password checks of a much-attacked account: it slows, never locks (attempts in
   * between are told when to retry, at once; a source that signed in to the account before is not paced).
   */
  maxAccountDelayMs: number;
  /** Failures in the last minute, all sources together, past which the service counts as under attack. */
  globalFailuresPerMinute: number;
  /** Under attack: password checks per second for sources that have not signed in to the account before. */
  underAttackChecksPerS: number;
  /** Password checks (scrypt, 32 MiB each) running at once; more are refused (429, Retry-After 1). */
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
  underAttackChecksPerS: 2,
  maxConcurrentChecks: Math.max(1, Math.floor(os.availableParallelism() / 2)),
};

/** What `guarded` answers when every password-check slot is taken (the caller answers 429, Retry-After 1). */
export const CHECKS_BUSY: unique symbol = Symbol('password checks busy');

/** The guard's answer before a password is checked: go on now, or refuse at once with Retry-After. */
export type LoginVerdict = { allowed: true } | { allowed: false; retryAfterS: number };

/**
 * Slows password guessing without letting anyone lock an account out (OWASP API2/4), and without ever holding a
 * request open: every refusal is an immediate 429 with Retry-After (a delay slept per attempt kept each attacker's
 * socket open and, under a flood, left answers waiting for seconds).
 * - per source (address): 10 free failures per 15 min, then a back-off of 30 s that doubles with each failure
 *   (up to 15 min) — `sourceRetryAfterS` answers this from the address alone, before the body is read;
 * - per account: past 5 failures (from anywhere) one password check per interval, doubling up to 3 s; a source
 *   that signed in to the account in the last 30 days is not paced, so the real user still gets in;
 * - globally: past 300 failures a minute (a distributed attack) sources that have failed are refused and the
 *   others share a few checks a second; and at most half the CPU cores run password checks at once.
 * In memory per instance; the same guard throttles `POST /api/auth/password` (per user).
 */
export class LoginGuard {
  private readonly sources = new BoundedMap<number[]>();
  private readonly accounts = new BoundedMap<number[]>();
  /** Account → when its next paced check may start. */
  private readonly accountNext = new BoundedMap<number>();
  /** `source\naccount` pairs that signed in → until when they are trusted. */
  private readonly trusted = new BoundedMap<number>();
  private readonly underAttack: TokenBuckets;
  private recentGlobal: number[] = [];
  private running = 0;

  constructor(
    private readonly opts: LoginGuardOptions = DEFAULT_LOGIN_GUARD,
    private readonly now: () => number = Date.now,
  ) {
    const perS = opts.underAttackChecksPerS ?? DEFAULT_LOGIN_GUARD.underAttackChecksPerS;
    this.underAttack = new TokenBuckets({ burst: Math.max(1, perS), perSecond: perS }, now);
  }

  private recent(map: Map<string, number[]>, key: string): number[] {
    const cutoff = this.now() - this.opts.windowMs;
    const list = map.get(key);
    if (!list) return [];
    // Failures are appended in time order: drop the expired head only.
    let i = 0;
    while (i < list.length && list[i]! <= cutoff) i++;
    if (i === list.length) map.delete(key);
    else if (i > 0) list.splice(0, i);
    return list;
  }

  /** Seconds `source` must still back off (0: it may try). Needs no body: the edge answers it first. */
  sourceRetryAfterS(source: string): number {
    const bySource = this.recent(this.sources, source);
    const excess = bySource.length - this.opts.sourceFreeFailures;
    if (excess < 0) return 0;
    const backoff = Math.min(this.opts.sourceBackoffMs * 2 ** excess, this.opts.maxSourceBackoffMs);
    const wait = bySource[bySource.length - 1]! + backoff - this.now();
    return wait > 0 ? Math.ceil(wait / 1000) : 0;
  }

  /** 1 while every password-check slot is taken (an attempt now would be refused), else 0. */
  busyRetryAfterS(): number {
    return this.running >= this.opts.maxConcurrentChecks ? 1 : 0;
  }

  /** May `source` try a password for `account` now? Allowed attempts of a paced account take its interval. */
  check(source: string, account: string): LoginVerdict {
    const t = this.now();
    const sourceWait = this.sourceRetryAfterS(source);
    if (sourceWait) return { allowed: false, retryAfterS: sourceWait };
    const trusted = (this.trusted.get(`${source}\n${account}`) ?? 0) > t;
    while (this.recentGlobal.length && this.recentGlobal[0]! <= t - 60_000) this.recentGlobal.shift();
    if (!trusted && this.recentGlobal.length >= this.opts.globalFailuresPerMinute) {
      if (this.recent(this.sources, source).length > 0) return { allowed: false, retryAfterS: 60 };
      const wait = this.underAttack.take('all');
      if (wait) return { allowed: false, retryAfterS: wait };
    }
    if (this.running >= this.opts.maxConcurrentChecks) return { allowed: false, retryAfterS: 1 };
    if (!trusted) {
      const excess = this.recent(this.accounts, account).length - this.opts.accountFreeFailures;
      if (excess >= 0) {
        const next = this.accountNext.get(account) ?? 0;
        if (next > t) return { allowed: false, retryAfterS: Math.ceil((next - t) / 1000) };
        this.accountNext.set(account, t + Math.min(250 * 2 ** excess, this.opts.maxAccountDelayMs));
      }
    }
    return { allowed: true };
  }

  /**
   * Runs one password check in a concurrency slot, or answers CHECKS_BUSY when every slot is taken. The slot is
   * taken here, not in `check`: a cap judged only there would let callers allowed in the same instant all run
   * scrypt at once.
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
    for (const [map, key] of [
      [this.sources, source],
      [this.accounts, account],
    ] as const) {
      const list = this.recent(map, key);
      list.push(t);
      map.set(key, list);
    }
    this.recentGlobal.push(t);
    // Bounded: only the count up to the threshold matters.
    if (this.recentGlobal.length > this.opts.globalFailuresPerMinute * 2) this.recentGlobal.shift();
  }

  /**
   * A success clears the source's failures (a user who mistyped is not slowed later), not the account's, and
   * trusts this source for this account for 30 days (in memory): it is not paced while others guess.
   */
  succeed(source: string, account?: string): void {
    this.sources.delete(source);
    if (account !== undefined) this.trusted.set(`${source}\n${account}`, this.now() + 30 * 86_400_000);
  }
}
