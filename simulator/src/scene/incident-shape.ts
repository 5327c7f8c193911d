/**
 * Ground outline of each planted incident, in metres around its anchor point. This outline is what
 * the renderer paints (with a noisy edge) and what ground-truth boxes are projected from.
 *
 * Incident-local axes: s along the heading a = (sin h, cos h) (east, north), q to its right
 * b = (cos h, −sin h). Shapes:
 * - disc: |(s, q)| ≤ radiusM, centred on (lon, lat) — used whenever radiusM is given;
 * - rect: |s| ≤ lengthM/2, |q| ≤ widthM/2, centred on (lon, lat);
 * - plume (sewage outfall): (lon, lat) is the outfall on the bank; the plume runs downstream
 *   0 ≤ s ≤ lengthM and widens from widthM/4 to widthM, spreading toward the river's centre
 *   (side = ±1 in q) or centred on the axis when no river is known (side = 0).
 * Defaults: heading = the river line's digitised direction at the outfall for sewage, downwind for
 * straw burning, north otherwise; sizes from DEFAULT_INCIDENT_SIZE.
 */
import { DEFAULT_INCIDENT_SIZE, type Incident, type IncidentClass, type Weather } from './incident-schema.ts';
import { GROUND, type SceneFeature } from './layers.ts';
import type { LocalFrame } from './local-frame.ts';

const DEG = Math.PI / 180;

export interface IncidentShape {
  id: string;
  cls: IncidentClass;
  lon: number;
  lat: number;
  shape: 'disc' | 'rect' | 'plume';
  headingDeg: number;
  radiusM: number;
  lengthM: number;
  widthM: number;
  /** Plume only: the side (±1 along q) the plume spreads to, 0 = symmetric. */
  side: -1 | 0 | 1;
  intensity: number;
}

/** The nearest water line to (x, y) within `maxM`: its direction there and which side (x, y) is on. */
function nearestRiver(
  features: readonly SceneFeature[],
  x: number,
  y: number,
  maxM: number,
): { headingDeg: number; side: -1 | 1 } | null {
  let best = maxM;
  let out: { headingDeg: number; side: -1 | 1 } | null = null;
  for (const f of features) {
    if (f.cls !== GROUND.water) continue;
    for (const l of f.lines)
      for (let i = 0; i + 3 < l.length; i += 2) {
        const ax = l[i] as number;
        const ay = l[i + 1] as number;
        const vx = (l[i + 2] as number) - ax;
        const vy = (l[i + 3] as number) - ay;
        const len2 = vx * vx + vy * vy;
        if (len2 === 0) continue;
        const t = Math.max(0, Math.min(1, ((x - ax) * vx + (y - ay) * vy) / len2));
        const d = Math.hypot(x - ax - t * vx, y - ay - t * vy);
        if (d < best) {
          best = d;
          const heading = Math.atan2(vx, vy) / DEG;
          // Right of the flow (q > 0) is b = (cos h, −sin h); the outfall's side is the sign of its q.
          const cross = (x - ax) * vy - (y - ay) * vx; // > 0 when the point is right of the flow
          out = { headingDeg: heading, side: cross > 0 ? 1 : -1 };
        }
      }
  }
  return out;
}

/**
 * Resolve an incident's shape: defaults filled from its class, the weather (wind for fires) and the
 * scene (river direction for outfalls). `features` and `frame` are the scene's.
 */
export function resolveIncidentShape(
  incident: Incident,
  weather: Weather,
  features: readonly SceneFeature[] = [],
  frame?: LocalFrame,
): IncidentShape {
  const size = DEFAULT_INCIDENT_SIZE[incident.class];
  let headingDeg = incident.headingDeg ?? 0;
  let side: -1 | 0 | 1 = 0;
  if (incident.class === 'straw_burning' && incident.headingDeg === undefined)
    headingDeg = (weather.windDirDeg ?? 0) + 180;
  if (incident.class === 'sewage_outfall' && frame) {
    const [x, y] = frame.toLocal(incident.lon, incident.lat);
    const river = nearestRiver(features, x, y, 300);
    if (river) {
      if (incident.headingDeg === undefined) headingDeg = river.headingDeg;
      // The plume spreads away from the outfall's bank, toward the centre: the opposite side of q.
      const flowAligned = Math.cos((headingDeg - river.headingDeg) * DEG) >= 0;
      side = (flowAligned ? -river.side : river.side) as -1 | 1;
    }
  }
  headingDeg = ((headingDeg % 360) + 360) % 360;
  const shape: IncidentShape['shape'] =
    incident.class === 'sewage_outfall' ? 'plume' : incident.radiusM !== undefined ? 'disc' : 'rect';
  const radiusM = incident.radiusM ?? Math.max(incident.lengthM ?? size.lengthM, incident.widthM ?? size.widthM) / 2;
  return {
    id: incident.id,
    cls: incident.class,
    lon: incident.lon,
    lat: incident.lat,
    shape,
    headingDeg,
    radiusM,
    lengthM:
      incident.lengthM ?? (incident.radiusM !== undefined && shape === 'plume' ? incident.radiusM * 2 : size.lengthM),
    widthM: incident.widthM ?? (incident.radiusM !== undefined && shape === 'plume' ? incident.radiusM : size.widthM),
    side,
    intensity: incident.intensity ?? (incident.class === 'straw_burning' ? 0.8 : 0.7),
  };
}

/** Half-width of a plume at distance s downstream. */
export function plumeWidth(shape: IncidentShape, s: number): number {
  return shape.widthM * (0.25 + 0.75 * Math.sqrt(Math.max(0, s) / shape.lengthM));
}

/** Whether incident-local (s, q) is inside the nominal outline. */
export function insideShape(shape: IncidentShape, s: number, q: number): boolean {
  switch (shape.shape) {
    case 'disc':
      return s * s + q * q <= shape.radiusM * shape.radiusM;
    case 'rect':
      return Math.abs(s) <= shape.lengthM / 2 && Math.abs(q) <= shape.widthM / 2;
    case 'plume': {
      if (s < 0 || s > shape.lengthM) return false;
      const w = plumeWidth(shape, s);
      if (shape.side === 0) return Math.abs(q) <= w / 2;
      const qq = q * shape.side;
      return qq >= -1 && qq <= w;
    }
  }
}

/** Nominal outline as (s, q) points, counter-clockwise-agnostic, not closed. */
export function outlineSQ(shape: IncidentShape, n = 48): [number, number][] {
  const pts: [number, number][] = [];
  if (shape.shape === 'disc') {
    for (let i = 0; i < n; i++) {
      const a = (i / n) * 2 * Math.PI;
      pts.push([shape.radiusM * Math.cos(a), shape.radiusM * Math.sin(a)]);
    }
  } else if (shape.shape === 'rect') {
    const hl = shape.lengthM / 2;
    const hw = shape.widthM / 2;
    const k = Math.max(1, Math.floor(n / 4));
    for (let i = 0; i < k; i++) pts.push([-hl + (2 * hl * i) / k, -hw]);
    for (let i = 0; i < k; i++) pts.push([hl, -hw + (2 * hw * i) / k]);
    for (let i = 0; i < k; i++) pts.push([hl - (2 * hl * i) / k, hw]);
    for (let i = 0; i < k; i++) pts.push([-hl, hw - (2 * hw * i) / k]);
  } else {
    const k = Math.max(2, Math.floor(n / 2));
    const lo = (s: number): number => (shape.side === 0 ? -plumeWidth(shape, s) / 2 : -1);
    const hi = (s: number): number => (shape.side === 0 ? plumeWidth(shape, s) / 2 : plumeWidth(shape, s));
    const sgn = shape.side === 0 ? 1 : shape.side;
    for (let i = 0; i <= k; i++) {
      const s = (shape.lengthM * i) / k;
      pts.push([s, lo(s) * sgn]);
    }
    for (let i = k; i >= 0; i--) {
      const s = (shape.lengthM * i) / k;
      pts.push([s, hi(s) * sgn]);
    }
  }
  return pts;
}

/** Interior sample points (s, q) spread evenly over the nominal outline's area. */
export function interiorSQ(shape: IncidentShape, perSide = 20): [number, number][] {
  let s0: number, s1: number, q0: number, q1: number;
  if (shape.shape === 'disc') [s0, s1, q0, q1] = [-shape.radiusM, shape.radiusM, -shape.radiusM, shape.radiusM];
  else if (shape.shape === 'rect')
    [s0, s1, q0, q1] = [-shape.lengthM / 2, shape.lengthM / 2, -shape.widthM / 2, shape.widthM / 2];
  else [s0, s1, q0, q1] = [0, shape.lengthM, -shape.widthM - 1, shape.widthM + 1];
  const out: [number, number][] = [];
  for (let j = 0; j < perSide; j++)
    for (let i = 0; i < perSide; i++) {
      const s = s0 + ((i + 0.5) / perSide) * (s1 - s0);
      const q = q0 + ((j + 0.5) / perSide) * (q1 - q0);
      if (insideShape(shape, s, q)) out.push([s, q]);
    }
  return out;
}

/** East/north offset (metres) from the anchor of incident-local (s, q). */
export function sqToEN(shape: IncidentShape, s: number, q: number): [number, number] {
  const h = shape.headingDeg * DEG;
  const sh = Math.sin(h);
  const ch = Math.cos(h);
  return [s * sh + q * ch, s * ch - q * sh];
}

/** Incident-local (s, q) of an east/north offset from the anchor. */
export function enToSQ(shape: IncidentShape, e: number, n: number): [number, number] {
  const h = shape.headingDeg * DEG;
  const sh = Math.sin(h);
  const ch = Math.cos(h);
  return [e * sh + n * ch, e * ch - n * sh];
}
