import { describe, expect, it } from 'vitest';
import { measure, percentile } from './latency.ts';

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
  it('takes the value at the rank, not an interpolation', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile([3, 7, 20], 50)).toBe(7);
  });
  it('clamps the ends and says NaN for no samples', () => {
    expect(percentile(hundred, 0)).toBe(1);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('measure', () => {
  it('times n calls after the warm-up, with warm-up indices after the timed ones', async () => {
    const seen: number[] = [];
    const r = await measure(5, async (i) => void seen.push(i), 2);
    expect(seen).toEqual([5, 6, 0, 1, 2, 3, 4]);
    expect(r.requests).toBe(5);
    expect(r.p50Ms).toBeLessThanOrEqual(r.p95Ms);
    expect(r.p95Ms).toBeLessThanOrEqual(r.maxMs);
  });
});
