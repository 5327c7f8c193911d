/**
 * `Number(x.toFixed(digits))` without building a string for almost every value: the plan publishes
 * tens of thousands of rounded coordinates. Scaling and `Math.round` pick the same integer as
 * `toFixed` unless the scaled value lies within rounding error of a half (where `toFixed` rounds the
 * exact binary value, half away from zero), and those rare values go through `toFixed` itself. The
 * integer divided by the power of ten is then the double nearest that decimal, as `Number(string)`
 * gives: the result is identical for every input.
 */
export function roundTo(x: number, digits: number): number {
  // toFixed drops the sign of −0.
  if (x === 0) return 0;
  const scale = POW10[digits] ?? 10 ** digits;
  const y = x * scale;
  const frac = y - Math.floor(y);
  // Two ulps of y: the product's own rounding error and a margin.
  if (Math.abs(frac - 0.5) <= Math.abs(y) * 5e-16 + 1e-12 || !(Math.abs(y) < 2 ** 52)) {
    return Number(x.toFixed(digits));
  }
  return Math.round(y) / scale;
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10];
