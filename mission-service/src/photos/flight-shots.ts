/**
 * What a flight was planned to photograph against what came home: each received photo is matched to the nearest
 * planned shot (by where it was taken; greedy by distance, each shot and photo used once), so the shortfall is
 * named shot by shot — "30 planned, 16 received: shots 17–30 missing" — whatever the camera called its files.
 */

export type LonLat = readonly [number, number];

export interface ReceivedPhoto {
  sha256: string;
  /** Where it was taken (EXIF GPS); null: cannot be matched to a shot. */
  position: LonLat | null;
}

export interface ShotMatch {
  planned: number | null;
  received: number;
  unmatched: number;
  missing: number;
  missingShots: number[];
  missingRanges: string;
  summary: string;
}

/** Most missing shot numbers listed one by one (the ranges name all). */
const MAX_LISTED = 1000;

/** Metres between two points (equirectangular; exact enough at shot spacing). */
export function metresBetween(a: LonLat, b: LonLat): number {
  const k = 111_320;
  const dx = (b[0] - a[0]) * k * Math.cos((((a[1] + b[1]) / 2) * Math.PI) / 180);
  return Math.hypot(dx, (b[1] - a[1]) * k);
}

/**
 * How far a photo may lie from its planned shot: half the typical spacing of the shots (so a photo cannot claim a
 * neighbour's shot), at least 10 m (GPS and trigger timing), at most 60 m.
 */
export function matchToleranceM(planned: readonly LonLat[]): number {
  const steps: number[] = [];
  for (let i = 1; i < planned.length; i++) steps.push(metresBetween(planned[i - 1]!, planned[i]!));
  steps.sort((a, b) => a - b);
  const median = steps.length ? steps[Math.floor(steps.length / 2)]! : 40;
  return Math.min(60, Math.max(10, median / 2));
}

/** `[17, 18, 19, 30]` → `17–19, 30`. */
export function formatRanges(sorted: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j === i ? String(sorted[i]) : `${sorted[i]}–${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}

/**
 * Matches received photos to planned shots. A grid of cells the size of the tolerance keeps it near-linear for the
 * thousands of photos of a long flight.
 */
export function matchShots(planned: readonly LonLat[] | null, received: readonly ReceivedPhoto[]): ShotMatch {
  if (!planned) {
    return {
      planned: null,
      received: received.length,
      unmatched: 0,
      missing: 0,
      missingShots: [],
      missingRanges: '',
      summary: `无计划航点，收到 ${received.length} 张 / no planned shots (manual flight), ${received.length} received`,
    };
  }
  const tol = matchToleranceM(planned);
  const cellDeg = tol / 111_320;
  const key = (p: LonLat) => `${Math.floor(p[0] / cellDeg)}:${Math.floor(p[1] / cellDeg)}`;
  const grid = new Map<string, number[]>();
  planned.forEach((p, i) => {
    const k = key(p);
    (grid.get(k) ?? grid.set(k, []).get(k)!).push(i);
  });
  const pairs: { shot: number; photo: number; d: number }[] = [];
  received.forEach((ph, photo) => {
    if (!ph.position) return;
    const cx = Math.floor(ph.position[0] / cellDeg);
    const cy = Math.floor(ph.position[1] / cellDeg);
    // Longitude cells are narrower than tol away from the equator: look two cells wide.
    for (let dx = -2; dx <= 2; dx++)
      for (let dy = -1; dy <= 1; dy++)
        for (const shot of grid.get(`${cx + dx}:${cy + dy}`) ?? []) {
          const d = metresBetween(planned[shot]!, ph.position);
          if (d <= tol) pairs.push({ shot, photo, d });
        }
  });
  pairs.sort((a, b) => a.d - b.d || a.shot - b.shot);
  const shotTaken = new Uint8Array(planned.length);
  const photoUsed = new Uint8Array(received.length);
  let matched = 0;
  for (const { shot, photo } of pairs) {
    if (shotTaken[shot] || photoUsed[photo]) continue;
    shotTaken[shot] = 1;
    photoUsed[photo] = 1;
    matched++;
  }
  const missing: number[] = [];
  for (let i = 0; i < planned.length; i++) if (!shotTaken[i]) missing.push(i + 1);
  const ranges = formatRanges(missing);
  const n = planned.length;
  const unmatched = received.length - matched;
  const extra = unmatched ? `；另有 ${unmatched} 张未对应航点 / ; ${unmatched} more not at a planned shot` : '';
  const summary = missing.length
    ? `计划 ${n} 张，收到 ${matched} 张，缺第 ${ranges} 张${extra.split(' / ')[0]} / ${n} planned, ${matched} received: shots ${ranges} missing${extra ? extra.split(' / ')[1] : ''}`
    : `计划 ${n} 张，全部收到${extra.split(' / ')[0]} / ${n} planned, all ${n} received${extra ? extra.split(' / ')[1] : ''}`;
  return {
    planned: n,
    received: matched,
    unmatched,
    missing: missing.length,
    missingShots: missing.slice(0, MAX_LISTED),
    missingRanges: ranges,
    summary,
  };
}
