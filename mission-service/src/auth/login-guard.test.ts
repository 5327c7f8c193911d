import { describe, expect, it } from 'vitest';
import { CHECKS_BUSY, DEFAULT_LOGIN_GUARD, LoginGuard } from './login-guard.ts';

describe('LoginGuard', () => {
  const clock = () => {
    let t = 1_000_000;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };

  it('backs a failing source off, doubling, while other sources and the account stay open', () => {
    const c = clock();
    const g = new LoginGuard(DEFAULT_LOGIN_GUARD, c.now);
    for (let i = 0; i < 10; i++) {
      // (Past 5 failures the account is paced: one check per 3 s at most.)
      if (i) c.advance(DEFAULT_LOGIN_GUARD.maxAccountDelayMs);
      expect(g.check('1.1.1.1', 'admin').allowed).toBe(true);
      g.fail('1.1.1.1', 'admin');
    }
    expect(g.check('1.1.1.1', 'admin')).toEqual({ allowed: false, retryAfterS: 30 });
    c.advance(DEFAULT_LOGIN_GUARD.maxAccountDelayMs);
    expect(g.check('2.2.2.2', 'admin').allowed).toBe(true);
    c.advance(28_000);
    expect(g.check('1.1.1.1', 'admin').allowed).toBe(true);
    g.fail('1.1.1.1', 'admin');
    expect(g.check('1.1.1.1', 'admin')).toEqual({ allowed: false, retryAfterS: 60 });
  });

  it('paces a much-attacked account, never longer than the cap, never locks it, and trusts where its user signed in', () => {
    const c = clock();
    const g = new LoginGuard(DEFAULT_LOGIN_GUARD, c.now);
    for (let i = 0; i < 200; i++) g.fail(`10.0.${Math.floor(i / 200)}.${i % 250}`, 'admin');
    // One check per interval; the others are told at once when to retry (nothing is held open).
    expect(g.check('9.9.9.9', 'admin')).toEqual({ allowed: true });
    const refused = g.check('9.9.9.8', 'admin');
    expect(refused).toEqual({ allowed: false, retryAfterS: DEFAULT_LOGIN_GUARD.maxAccountDelayMs / 1000 });
    expect(g.check('9.9.9.9', 'someone-else')).toEqual({ allowed: true });
    c.advance(DEFAULT_LOGIN_GUARD.maxAccountDelayMs);
    expect(g.check('9.9.9.8', 'admin')).toEqual({ allowed: true });
    // The address the real administrator signed in from is not paced while others guess.
    g.succeed('198.51.100.7', 'admin');
    expect(g.check('9.9.9.7', 'admin').allowed).toBe(false);
    expect(g.check('198.51.100.7', 'admin')).toEqual({ allowed: true });
    expect(g.check('198.51.100.7', 'admin')).toEqual({ allowed: true });
  });

  it('under a distributed attack refuses sources that failed, not new ones', () => {
    const c = clock();
    const g = new LoginGuard({ ...DEFAULT_LOGIN_GUARD, globalFailuresPerMinute: 50 }, c.now);
    for (let i = 0; i < 50; i++) g.fail(`10.1.0.${i}`, `user${i}`);
    expect(g.check('10.1.0.3', 'x').allowed).toBe(false);
    expect(g.check('192.0.2.1', 'x').allowed).toBe(true);
    // New sources share a few checks a second (forged addresses cannot keep scrypt busy).
    expect(g.check('192.0.2.2', 'x').allowed).toBe(true);
    expect(g.check('192.0.2.3', 'x')).toEqual({ allowed: false, retryAfterS: 1 });
    c.advance(61_000);
    expect(g.check('10.1.0.3', 'x').allowed).toBe(true);
  });

  it('tells a backing-off source when to retry from its address alone', () => {
    const c = clock();
    const g = new LoginGuard(DEFAULT_LOGIN_GUARD, c.now);
    for (let i = 0; i < 10; i++) g.fail('1.1.1.1', `user${i}`);
    expect(g.sourceRetryAfterS('1.1.1.1')).toBe(30);
    expect(g.sourceRetryAfterS('2.2.2.2')).toBe(0);
    c.advance(30_000);
    expect(g.sourceRetryAfterS('1.1.1.1')).toBe(0);
  });

  it('caps concurrent password checks where the slot is taken, even for callers that passed check before', async () => {
    const g = new LoginGuard({ ...DEFAULT_LOGIN_GUARD, maxConcurrentChecks: 1 });
    // Both were allowed in the same instant, before either took its slot.
    expect(g.check('1.2.3.4', 'a').allowed).toBe(true);
    expect(g.check('1.2.3.5', 'a').allowed).toBe(true);
    let release!: () => void;
    const first = g.guarded(() => new Promise<string>((r) => (release = () => r('checked'))));
    let secondRan = false;
    expect(
      await g.guarded(async () => {
        secondRan = true;
      }),
    ).toBe(CHECKS_BUSY);
    expect(secondRan).toBe(false);
    release();
    expect(await first).toBe('checked');
    expect(await g.guarded(async () => 'again')).toBe('again');
  });

  it('caps concurrent password checks', async () => {
    const g = new LoginGuard({ ...DEFAULT_LOGIN_GUARD, maxConcurrentChecks: 1 });
    let release!: () => void;
    const running = g.guarded(() => new Promise<void>((r) => (release = r)));
    expect(g.check('1.2.3.4', 'a')).toEqual({ allowed: false, retryAfterS: 1 });
    release();
    await running;
    expect(g.check('1.2.3.4', 'a').allowed).toBe(true);
  });
});
