import { describe, expect, it } from 'vitest';
import { BoundedMap, TokenBuckets } from './rate-limit.ts';

describe('TokenBuckets', () => {
  it('allows a burst, then the sustained rate, per key, with the wait until the next token', () => {
    let t = 0;
    const b = new TokenBuckets({ burst: 3, perSecond: 0.5 }, () => t);
    expect([b.take('a'), b.take('a'), b.take('a')]).toEqual([0, 0, 0]);
    expect(b.take('a')).toBe(2);
    expect(b.take('b')).toBe(0);
    t += 2000;
    expect(b.take('a')).toBe(0);
    expect(b.take('a')).toBeGreaterThan(0);
  });
});

describe('BoundedMap', () => {
  it('forgets its oldest keys beyond its size', () => {
    const m = new BoundedMap<number>(2);
    m.set('a', 1).set('b', 2).set('c', 3);
    expect([...m.keys()]).toEqual(['b', 'c']);
  });
});
