/** Latency of one request at a time (no queueing in the figure): percentiles of `n` timed calls after a warm-up. */
import { performance } from 'node:perf_hooks';

export interface LatencyFigures {
  requests: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** The `p`-th percentile (0–100) of ascending `sorted`, nearest rank. */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/** Times `call(i)` for i = 0 … n-1, after `warmup` untimed calls; `call` must consume the whole answer. */
export async function measure(n: number, call: (i: number) => Promise<void>, warmup = 20): Promise<LatencyFigures> {
  for (let i = 0; i < warmup; i++) await call(n + i);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await call(i);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return {
    requests: n,
    p50Ms: round(percentile(times, 50)),
    p95Ms: round(percentile(times, 95)),
    p99Ms: round(percentile(times, 99)),
    maxMs: round(times[times.length - 1]!),
  };
}
