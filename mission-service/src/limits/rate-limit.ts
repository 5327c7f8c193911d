/** A bounded map that forgets its oldest keys (a flood of new keys cannot grow memory without limit). */
export class BoundedMap<V> extends Map<string, V> {
  constructor(private readonly max = 20_000) {
    super();
  }
  override set(key: string, value: V): this {
    if (!this.has(key) && this.size >= this.max) this.delete(this.keys().next().value!);
    return super.set(key, value);
  }
}

export interface TokenBucketOptions {
  /** Requests allowed in a burst. */
  burst: number;
  /** Sustained requests per second. */
  perSecond: number;
}

/**
 * Token buckets per key (a source address, an API key): each request takes a token; tokens refill at
 * `perSecond` up to `burst`. In memory, per instance: several instances each allow the rate.
 */
export class TokenBuckets {
  private readonly buckets = new BoundedMap<{ tokens: number; at: number }>();
  constructor(
    private readonly opts: TokenBucketOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a token for `key`: 0 when allowed, else the seconds until one is free (for Retry-After). */
  take(key: string): number {
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.opts.burst, at: t };
    b.tokens = Math.min(this.opts.burst, b.tokens + ((t - b.at) / 1000) * this.opts.perSecond);
    b.at = t;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.opts.perSecond));
  }
}
