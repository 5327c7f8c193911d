/**
 * Slows password guessing (OWASP API4): after `maxFailures` failed logins for one username within `windowMs`,
 * further attempts are refused until the window passes. In memory, per instance: a speed bump, not a vault.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  constructor(
    private readonly maxFailures = 10,
    private readonly windowMs = 15 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds to wait before the next attempt, or 0 when allowed. */
  retryAfterS(username: string): number {
    const recent = this.recent(username);
    if (recent.length < this.maxFailures) return 0;
    return Math.ceil((recent[0]! + this.windowMs - this.now()) / 1000);
  }

  fail(username: string): void {
    const recent = this.recent(username);
    recent.push(this.now());
    this.failures.set(username, recent);
    if (this.failures.size > 10_000) this.failures.delete(this.failures.keys().next().value!);
  }

  succeed(username: string): void {
    this.failures.delete(username);
  }

  private recent(username: string): number[] {
    const cutoff = this.now() - this.windowMs;
    return (this.failures.get(username) ?? []).filter((t) => t > cutoff);
  }
}
