/**
 * Distance (m) from a point to a line segment, the one rule the class raster (how far a cell is from a road's
 * or river's centre line) and the road markings (how far a pixel is from it) both read.
 */
export function segmentDistance(x: number, y: number, ax: number, ay: number, bx: number, by: number): number {
  const vx = bx - ax;
  const vy = by - ay;
  const len2 = vx * vx + vy * vy || 1e-12;
  const px = x - ax;
  const py = y - ay;
  let t = (px * vx + py * vy) / len2;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const ex = px - t * vx;
  const ey = py - t * vy;
  return Math.sqrt(ex * ex + ey * ey);
}
