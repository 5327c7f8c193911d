/**
 * Turns geodata layers (GeoJSON in WGS84) into scene features in the local metric frame.
 *
 * Accepted input: a record of FeatureCollections keyed by layer kind (as `loadSampleLayers()` gives,
 * e.g. `{ river, farmland, hillside, nofly, jurisdiction }`), or one FeatureCollection whose features
 * carry `properties.kind`. Kinds are matched by name: river/stream/water/lake/pond/canal → water,
 * farmland/field → farmland, hillside/forest → forest, road → road, track/path → track,
 * village/settlement/building → village, bamboo → bamboo, tea/orchard → tea, construction → construction.
 * Other kinds (no-fly zones, jurisdictions) are not visible on the ground and are ignored.
 * Lines are buffered by `properties.widthM` (or 1.7 × geodata's `halfWidthM`, which includes the banks;
 * rivers default 40 m when longer than 5 km, else 15 m; roads 6 m, tracks 3 m); village points become a
 * built-up disc of `properties.radiusM` (default 120 m). Water lines get banks (embankments).
 */
import type { Feature, FeatureCollection, Geometry, Position } from 'geojson';
import type { LocalFrame } from './local-frame.ts';
import { hash1 } from './noise.ts';

export const GROUND = {
  background: 0,
  forest: 1,
  farmland: 2,
  water: 3,
  road: 4,
  village: 5,
  bank: 6,
  track: 7,
  bamboo: 8,
  tea: 9,
  construction: 10,
} as const;
export type GroundClass = (typeof GROUND)[keyof typeof GROUND];

export type LayersInput = FeatureCollection | Readonly<Record<string, unknown>>;

export interface SceneFeature {
  cls: GroundClass;
  /** 1-based index in the scene's feature list (0 in a raster = no feature). */
  index: number;
  /** Polygons → rings → flat [x0, y0, x1, y1, …] in scene metres. */
  polygons: Float64Array[][];
  /** Polylines, flat [x0, y0, …]. */
  lines: Float64Array[];
  halfWidthM: number;
  bankM: number;
  bbox: [number, number, number, number];
  /** Stable per-feature random number in [0, 1). */
  rand: number;
  name?: string;
  /** Water only: what kind of water the layer said it is. */
  water?: 'river' | 'stream' | 'pond';
  /** Direction of the feature's longest edge or segment (rad, from +x toward +y), for plot grids. */
  axisRad: number;
}

const KIND_PATTERNS: [RegExp, GroundClass][] = [
  [/^(rivers?|streams?|waters?|lakes?|waterways?|reservoirs?|ponds?|canals?|ditch(es)?)$/, GROUND.water],
  [/^(farmlands?|fields?|farms?|paddy|paddies|crops?|cropland)$/, GROUND.farmland],
  [/^(hillsides?|forests?|woods?|woodland|mountains?|hills?|slopes?)$/, GROUND.forest],
  [/^(roads?|highways?|streets?)$/, GROUND.road],
  [/^(tracks?|paths?|footpaths?|dirt_roads?)$/, GROUND.track],
  [/^(villages?|settlements?|towns?|buildings?|urban|residential|built)$/, GROUND.village],
  [/^(bamboo|bamboos|bamboo_groves?)$/, GROUND.bamboo],
  [/^(tea|teas|tea_gardens?|tea_terraces?|orchards?)$/, GROUND.tea],
  [/^(construction|construction_sites?|earthworks?|building_sites?)$/, GROUND.construction],
];

/** Water kinds, told apart for their looks: ponds are still, streams small and clear. */
function waterKind(kind: string | undefined): 'river' | 'stream' | 'pond' {
  const k = (kind ?? '').toLowerCase();
  if (/pond|lake|reservoir/.test(k)) return 'pond';
  if (/stream|ditch|canal/.test(k)) return 'stream';
  return 'river';
}

function classOfKind(kind: unknown): GroundClass | undefined {
  if (typeof kind !== 'string') return undefined;
  const k = kind.trim().toLowerCase().replace(/[-\s]/g, '_');
  for (const [re, cls] of KIND_PATTERNS) if (re.test(k)) return cls;
  return undefined;
}

function isFeatureCollection(v: unknown): v is FeatureCollection {
  return (
    typeof v === 'object' &&
    v !== null &&
    (v as { type?: unknown }).type === 'FeatureCollection' &&
    Array.isArray((v as { features?: unknown }).features)
  );
}

function numberProp(f: Feature, ...names: string[]): number | undefined {
  for (const n of names) {
    const v = f.properties?.[n];
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v;
  }
  return undefined;
}

function ringToLocal(ring: Position[], frame: LocalFrame): Float64Array {
  const out = new Float64Array(ring.length * 2);
  ring.forEach((p, i) => {
    const [x, y] = frame.toLocal(p[0] ?? 0, p[1] ?? 0);
    out[2 * i] = x;
    out[2 * i + 1] = y;
  });
  return out;
}

function disc(cx: number, cy: number, r: number): Float64Array {
  const n = 24;
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const a = (i / n) * 2 * Math.PI;
    out[2 * i] = cx + r * Math.cos(a);
    out[2 * i + 1] = cy + r * Math.sin(a);
  }
  return out;
}

function lineLength(l: Float64Array): number {
  let s = 0;
  for (let i = 2; i < l.length; i += 2)
    s += Math.hypot((l[i] as number) - (l[i - 2] as number), (l[i + 1] as number) - (l[i - 1] as number));
  return s;
}

/** All (layer kind, feature) pairs of the input, ignoring anything that is not GeoJSON. */
function collect(layers: LayersInput): [GroundClass, Feature, string | undefined][] {
  const out: [GroundClass, Feature, string | undefined][] = [];
  const take = (cls: GroundClass | undefined, f: unknown, kind: string | undefined): void => {
    if (typeof f !== 'object' || f === null || (f as Feature).type !== 'Feature') return;
    const feat = f as Feature;
    let k = kind;
    if (k === undefined) {
      const p = feat.properties?.kind ?? feat.properties?.layer;
      k = typeof p === 'string' ? p : undefined;
    }
    const c = cls ?? classOfKind(k);
    if (c !== undefined && feat.geometry) out.push([c, feat, k]);
  };
  if (isFeatureCollection(layers)) {
    for (const f of layers.features) take(undefined, f, undefined);
    return out;
  }
  for (const [key, value] of Object.entries(layers)) {
    const cls = classOfKind(key);
    if (cls === undefined) continue;
    const feats = isFeatureCollection(value) ? value.features : Array.isArray(value) ? value : [];
    for (const f of feats) take(cls, f, key);
  }
  return out;
}

/** Direction of the longest segment of any ring or line (rad), 0 when there is none. */
function longestAxis(polygons: Float64Array[][], lines: Float64Array[]): number {
  let best = -1;
  let axis = 0;
  const visit = (a: Float64Array): void => {
    for (let i = 0; i + 3 < a.length; i += 2) {
      const dx = (a[i + 2] as number) - (a[i] as number);
      const dy = (a[i + 3] as number) - (a[i + 1] as number);
      const l = dx * dx + dy * dy;
      if (l > best) {
        best = l;
        axis = Math.atan2(dy, dx);
      }
    }
  };
  for (const p of polygons) for (const r of p) visit(r);
  for (const l of lines) visit(l);
  return axis;
}

function geometryParts(g: Geometry): { polygons: Position[][][]; lines: Position[][]; points: Position[] } {
  const polygons: Position[][][] = [];
  const lines: Position[][] = [];
  const points: Position[] = [];
  const walk = (geom: Geometry): void => {
    switch (geom.type) {
      case 'Polygon':
        polygons.push(geom.coordinates);
        break;
      case 'MultiPolygon':
        polygons.push(...geom.coordinates);
        break;
      case 'LineString':
        lines.push(geom.coordinates);
        break;
      case 'MultiLineString':
        lines.push(...geom.coordinates);
        break;
      case 'Point':
        points.push(geom.coordinates);
        break;
      case 'MultiPoint':
        points.push(...geom.coordinates);
        break;
      case 'GeometryCollection':
        geom.geometries.forEach(walk);
        break;
    }
  };
  walk(g);
  return { polygons, lines, points };
}

/** Scene features of `layers` in `frame`, in drawing order (later features paint over earlier ones). */
export function sceneFeatures(layers: LayersInput, frame: LocalFrame): SceneFeature[] {
  const order: GroundClass[] = [
    GROUND.forest,
    GROUND.tea,
    GROUND.bamboo,
    GROUND.farmland,
    GROUND.construction,
    GROUND.village,
    GROUND.water,
    GROUND.track,
    GROUND.road,
  ];
  const items = collect(layers).sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]));
  const out: SceneFeature[] = [];
  for (const [cls, f, kind] of items) {
    const parts = geometryParts(f.geometry);
    const polygons = parts.polygons.map((p) => p.map((r) => ringToLocal(r, frame)));
    const lines = parts.lines.map((l) => ringToLocal(l, frame)).filter((l) => l.length >= 4);
    if (cls === GROUND.village)
      for (const p of parts.points) {
        const [x, y] = frame.toLocal(p[0] ?? 0, p[1] ?? 0);
        polygons.push([disc(x, y, numberProp(f, 'radiusM', 'radius_m') ?? 120)]);
      }
    if (polygons.length === 0 && lines.length === 0) continue;
    const total = lines.reduce((s, l) => s + lineLength(l), 0);
    // geodata rivers carry halfWidthM = channel plus banks: keep ~85 % of it as water.
    const halfProp = numberProp(f, 'halfWidthM');
    const widthM =
      numberProp(f, 'widthM', 'width_m', 'width') ??
      (halfProp !== undefined ? halfProp * (cls === GROUND.water ? 1.7 : 2) : undefined) ??
      (cls === GROUND.water ? (total > 5000 ? 40 : 15) : cls === GROUND.road ? 6 : cls === GROUND.track ? 3 : 4);
    const halfWidthM = widthM / 2;
    const bankM = cls === GROUND.water ? Math.min(6, Math.max(1.2, halfWidthM * 0.18)) : 0;
    const pad = lines.length ? halfWidthM + bankM : 0;
    const bbox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const arr of [...polygons.flat(), ...lines])
      for (let i = 0; i < arr.length; i += 2) {
        const x = arr[i] as number;
        const y = arr[i + 1] as number;
        if (x - pad < bbox[0]) bbox[0] = x - pad;
        if (y - pad < bbox[1]) bbox[1] = y - pad;
        if (x + pad > bbox[2]) bbox[2] = x + pad;
        if (y + pad > bbox[3]) bbox[3] = y + pad;
      }
    const index = out.length + 1;
    const name = typeof f.properties?.name === 'string' ? f.properties.name : undefined;
    const idKey = String(f.id ?? name ?? index);
    let h = 0;
    for (let i = 0; i < idKey.length; i++) h = (Math.imul(h, 31) + idKey.charCodeAt(i)) | 0;
    out.push({
      cls,
      index,
      polygons,
      lines,
      halfWidthM,
      bankM,
      bbox,
      rand: hash1(h, 17),
      axisRad: longestAxis(polygons, lines),
      ...(name ? { name } : {}),
      ...(cls === GROUND.water ? { water: waterKind(kind) } : {}),
    });
  }
  return out;
}

/** Longitude/latitude bounding box of everything in the layers, or null when they are empty. */
export function layersBounds(layers: LayersInput): [number, number, number, number] | null {
  const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'number') {
      b[0] = Math.min(b[0], c[0]);
      b[1] = Math.min(b[1], c[1]);
      b[2] = Math.max(b[2], c[0]);
      b[3] = Math.max(b[3], c[1]);
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  for (const [, f] of collect(layers)) {
    const parts = geometryParts(f.geometry);
    visit(parts.polygons);
    visit(parts.lines);
    visit(parts.points);
  }
  return Number.isFinite(b[0]) ? b : null;
}
