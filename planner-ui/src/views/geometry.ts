/** Small geometry helpers for what the page checks before sending (the service validates again). */

const R = 6_371_008.8; // mean Earth radius, as turf (and so the service) uses
const DEG = Math.PI / 180;

/** Geodesic area of a polygon (rings of [lon, lat]; holes subtract), m². Spherical excess, as turf computes it. */
export function polygonAreaM2(rings: number[][][]): number {
  let total = 0;
  rings.forEach((ring, i) => {
    const a = Math.abs(ringArea(ring));
    total += i === 0 ? a : -a;
  });
  return Math.max(0, total);
}

function ringArea(coords: number[][]): number {
  const n = coords.length;
  if (n < 3) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const p1 = coords[i]!;
    const p2 = coords[(i + 1) % n]!;
    const p3 = coords[(i + 2) % n]!;
    sum += (p3[0]! * DEG - p1[0]! * DEG) * Math.sin(p2[1]! * DEG);
  }
  return (sum * R * R) / 2;
}
