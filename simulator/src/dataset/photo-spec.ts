/**
 * One training photo, drawn from (dataset seed, split, index): which place, which season, day and
 * hour, weather, what is planted (incidents and hard negatives, with their looks and sizes), which
 * drone camera, and where the drone is and where its gimbal points. A pure function: the same
 * arguments give the same spec in any process, so parallel rendering stays deterministic.
 *
 * Splits never share a photo seed or a place: both are forced into their split's residue mod 3.
 */
import type { CameraModel } from '../camera/camera-model.ts';
import type { CaptureRequest } from '../camera/capture-request.ts';
import { PATCH_KINDS, type Distractor, type HardNegativeKind, type PatchKind } from '../scene/distractor-schema.ts';
import type { Incident, IncidentClass, Season, Weather } from '../scene/incident-schema.ts';
import { Rng, mixSeed } from '../scene/random.ts';
import { sunPosition } from '../scene/sun.ts';
import { generatePlace, type AreaSite, type Place } from './place.ts';

export const SPLITS = ['train', 'val', 'test'] as const;
export type Split = (typeof SPLITS)[number];

export const WEATHER_KINDS = ['clear', 'hazy', 'overcast', 'cloudy', 'misty'] as const;
export type WeatherKind = (typeof WEATHER_KINDS)[number];

const DEG = Math.PI / 180;

export interface PhotoSpecOptions {
  widthPx: number;
  heightPx: number;
  /** Photos that share one place before the next place is drawn. */
  photosPerPlace: number;
  /** JPEG quality; default drawn per photo (75–95, as drone cameras and re-saves vary). */
  quality?: number;
}

export interface PhotoSpec {
  id: string;
  split: Split;
  index: number;
  /** The photo's own seed (textures, looks, camera effects). */
  seed: number;
  place: { id: string; seed: number };
  camera: CameraModel;
  request: CaptureRequest;
  weather: Weather;
  weatherKind: WeatherKind;
  incidents: Incident[];
  distractors: Distractor[];
  quality: number;
  /** Altitude above the ground under the drone (m). */
  altAglM: number;
  /** The class the camera was aimed at ('none' for a negative photo). */
  aim: IncidentClass | 'none';
  /** The hard-negative patch a negative photo is aimed at, when it is aimed at one. */
  focus?: PatchKind;
}

/** Drone cameras photos are drawn with (sensor width, focal length; the height follows the image). */
const CAMERAS: { name: string; sensorWidthMm: number; focalLengthMm: number; make: string; model: string }[] = [
  { name: 'm3e-wide', sensorWidthMm: 17.3, focalLengthMm: 12.29, make: 'DJI', model: 'M3E' },
  { name: 'p4p', sensorWidthMm: 13.2, focalLengthMm: 8.8, make: 'DJI', model: 'FC6310' },
  { name: 'air2s', sensorWidthMm: 13.2, focalLengthMm: 8.38, make: 'DJI', model: 'FC3411' },
  { name: 'mini-pro', sensorWidthMm: 9.6, focalLengthMm: 6.72, make: 'DJI', model: 'FC3582' },
  { name: 'm30-wide', sensorWidthMm: 6.4, focalLengthMm: 4.5, make: 'DJI', model: 'M30' },
];

const SPLIT_NO: Record<Split, number> = { train: 0, val: 1, test: 2 };

/** A seed in the split's residue class mod 3 (so no two splits ever share one). */
function splitSeed(raw: number, split: Split): number {
  const r = raw >>> 0;
  const base = r - (r % 3);
  const s = base + SPLIT_NO[split];
  return s > 0xffffffff ? s - 3 : s;
}

/** The seed of place number `k` of a split. */
export function placeSeed(datasetSeed: number, split: Split, k: number): number {
  return splitSeed(mixSeed(datasetSeed, 0x51ace, k), split);
}

/** The seed of photo `index` of a split. */
export function photoSeed(datasetSeed: number, split: Split, index: number): number {
  return splitSeed(mixSeed(datasetSeed, 0xf070, index), split);
}

const placeCache = new Map<number, Place>();

/** The generated place with this seed (cached: photos of one place share it). */
export function placeFor(split: Split, k: number, seed: number): Place {
  let p = placeCache.get(seed);
  if (!p) {
    p = generatePlace(`${split}-p${k}`, seed);
    if (placeCache.size > 16) placeCache.delete(placeCache.keys().next().value as number);
    placeCache.set(seed, p);
  }
  return p;
}

const SEASON_MONTHS: Record<Season, number[]> = {
  spring: [3, 4, 5],
  summer: [6, 7, 8],
  autumn: [9, 10, 11],
  winter: [12, 1, 2],
};

function drawWeather(
  rng: Rng,
  aim: IncidentClass | 'none',
  lon: number,
  lat: number,
): { weather: Weather; kind: WeatherKind; time: Date } {
  const season: Season =
    aim === 'straw_burning'
      ? rng.weighted({ autumn: 0.45, summer: 0.25, winter: 0.2, spring: 0.1 })
      : rng.weighted({ spring: 0.25, summer: 0.25, autumn: 0.3, winter: 0.2 });
  const kind = rng.weighted<WeatherKind>({ clear: 0.38, hazy: 0.24, overcast: 0.18, cloudy: 0.12, misty: 0.08 });
  return weatherFor(rng, season, kind, lon, lat);
}

/** Weather of `kind` in `season` at a place: a day and hour drawn from `rng`, the sun from those. */
export function weatherFor(
  rng: Rng,
  season: Season,
  kind: WeatherKind,
  lon: number,
  lat: number,
  hour?: number,
): { weather: Weather; kind: WeatherKind; time: Date } {
  const month = rng.pick(SEASON_MONTHS[season]);
  const year = rng.int(2024, 2026);
  const day = rng.int(1, 28);
  const h = hour ?? (kind === 'misty' ? rng.range(6.5, 9.5) : rng.range(7, 17.5));
  const time = new Date(Date.UTC(year, month - 1, day, 0, 0, 0) + (h - 8) * 3600_000);
  const sun = sunPosition(time, lon, lat);
  const weather: Weather = {
    sunElevationDeg: Math.max(-10, Math.min(90, Math.round(sun.elevationDeg * 10) / 10)),
    sunAzimuthDeg: Math.round(sun.azimuthDeg * 10) / 10,
    season,
    haze: 0.15,
    windMps: Math.round(rng.range(0.3, 8) * 10) / 10,
    windDirDeg: Math.round(rng.range(0, 360)),
  };
  switch (kind) {
    case 'clear':
      Object.assign(weather, { haze: rng.range(0.03, 0.3), overcast: rng.range(0, 0.1), clouds: rng.range(0, 0.15) });
      break;
    case 'hazy':
      Object.assign(weather, { haze: rng.range(0.35, 0.85), overcast: rng.range(0, 0.35) });
      break;
    case 'overcast':
      Object.assign(weather, { haze: rng.range(0.15, 0.6), overcast: rng.range(0.65, 1) });
      break;
    case 'cloudy':
      Object.assign(weather, {
        haze: rng.range(0.1, 0.4),
        overcast: rng.range(0.05, 0.3),
        clouds: rng.range(0.3, 0.7),
      });
      break;
    case 'misty':
      Object.assign(weather, { haze: rng.range(0.3, 0.65), overcast: rng.range(0.2, 0.7), mist: rng.range(0.3, 0.9) });
      break;
  }
  for (const k of ['haze', 'overcast', 'clouds', 'mist'] as const)
    if (weather[k] !== undefined) weather[k] = Math.round((weather[k] as number) * 1000) / 1000;
  return { weather, kind, time };
}

/** A point inside a rectangular site, at least `margin` metres in from its edges where possible. */
function pointIn(rng: Rng, s: AreaSite, margin: number): [number, number] {
  const u = rng.range(-1, 1) * Math.max(0, s.lengthM / 2 - margin);
  const v = rng.range(-1, 1) * Math.max(0, s.widthM / 2 - margin);
  const h = s.headingDeg * DEG;
  return [s.x + u * Math.sin(h) + v * Math.cos(h), s.y + u * Math.cos(h) - v * Math.sin(h)];
}

function nearest<T extends { x: number; y: number }>(items: readonly T[], x: number, y: number, maxM: number): T[] {
  return items.filter((s) => Math.hypot(s.x - x, s.y - y) < maxM);
}

const r1 = (v: number): number => Math.round(v * 10) / 10;
/**
 * An angle folded into [0, 360) and rounded to `step` degrees. Folded after rounding too: 359.96
 * rounds to 360, which schemas and EXIF writers take as out of range.
 */
export function foldDeg(v: number, step = 0.1): number {
  const fold = (a: number): number => ((a % 360) + 360) % 360;
  const r = Math.round(fold(v) / step) * step;
  const out = Math.round(fold(r) / step) * step;
  return out >= 360 ? 0 : Number(out.toFixed(6));
}
const deg = (v: number): number => foldDeg(v);

/** Plant one incident of `cls` in `place` (null when the place has no site for it). */
export function plantIncident(
  rng: Rng,
  place: Place,
  cls: IncidentClass,
  id: string,
  near?: [number, number],
): Incident | null {
  const ll = (x: number, y: number): [number, number] => place.frame.toLonLat(x, y);
  const pickSite = <T extends { x: number; y: number }>(items: readonly T[]): T | undefined => {
    const pool = near ? nearest(items, near[0], near[1], 250) : items;
    return pool.length ? rng.pick(pool) : undefined;
  };
  if (cls === 'straw_burning') {
    const f = pickSite(place.sites.fields);
    if (!f) return null;
    const whole = rng.chance(0.35);
    const common = {
      id,
      class: cls,
      intensity: rng.chance(0.2) ? 0 : Math.round(rng.range(0.25, 1) * 100) / 100,
      smoke: rng.weighted({ white: 0.35, grey: 0.35, brown: 0.15, dark: 0.15 }),
      scarAge: Math.round(rng.next() * 100) / 100,
    } as const;
    if (whole) {
      const l = Math.min(f.lengthM * rng.range(0.4, 0.95), 90);
      const w = Math.min(f.widthM * rng.range(0.4, 0.95), 70);
      const [x, y] = pointIn(rng, f, Math.max(l, w) / 2);
      const [lon, lat] = ll(x, y);
      return { ...common, lon, lat, lengthM: r1(l), widthM: r1(w), headingDeg: deg(f.headingDeg) };
    }
    const r = Math.min(Math.exp(rng.range(Math.log(3), Math.log(30))), Math.min(f.lengthM, f.widthM) / 2);
    const [x, y] = pointIn(rng, f, r);
    const [lon, lat] = ll(x, y);
    return { ...common, lon, lat, radiusM: r1(r) };
  }
  if (cls === 'sewage_outfall') {
    const b = pickSite(place.sites.banks);
    if (!b) return null;
    const [lon, lat] = ll(b.x, b.y);
    const strength = rng.range(0.25, 1);
    return {
      id,
      class: cls,
      lon,
      lat,
      lengthM: r1(rng.range(12, 40) + strength * rng.range(10, 90)),
      widthM: r1(Math.min(b.halfWidthM * 1.6, rng.range(3, 10) + strength * rng.range(2, 20))),
      intensity: Math.round(strength * 100) / 100,
      culvert: rng.chance(0.6) ? 'round' : 'box',
      discharge: rng.weighted({ grey: 0.3, black: 0.2, milky: 0.2, foam: 0.1, brown: 0.15, green: 0.05 }),
    };
  }
  const s = pickSite(place.sites.slopes);
  if (!s) return null;
  const [lon, lat] = ll(s.x, s.y);
  // One scale for both sides keeps the site's long-track shape (2–6× longer than wide).
  const scale = rng.range(0.7, 1.2);
  let lengthM = s.lengthM * scale;
  let widthM = s.widthM * scale * rng.range(0.85, 1.15);
  const headingDeg = deg(s.headingDeg + rng.range(-25, 25));
  const intensity = Math.round(rng.range(0.5, 1) * 100) / 100;
  const soil = rng.weighted({ red: 0.45, ochre: 0.2, tan: 0.15, yellow: 0.15, grey: 0.05 });
  const terraced = rng.chance(0.35);
  if (terraced) {
    // A benched cut (a road or building-site cut) is squat: short down the slope, long across it.
    widthM = Math.min(100, Math.max(30, lengthM * rng.range(0.5, 0.9)));
    lengthM = Math.min(70, Math.max(20, lengthM * rng.range(0.3, 0.5)));
  }
  return {
    id,
    class: cls,
    lon,
    lat,
    lengthM: r1(lengthM),
    widthM: r1(widthM),
    headingDeg,
    intensity,
    soil,
    terraced,
  };
}

/**
 * A patch of `kind` near (tx, ty): dark forest, open woodland or dry scrub on a hillside (a slope
 * site) or a field block, town roofs and dirt lanes on a village; its centre, size and heading. Null when the place has no site.
 */
export function patchSite(
  rng: Rng,
  place: Place,
  kind: PatchKind,
  tx: number,
  ty: number,
  maxM: number,
): { x: number; y: number; lengthM: number; widthM: number; headingDeg: number } | null {
  if (kind === 'dark_forest' || kind === 'sparse_canopy' || kind === 'dry_scrub') {
    const pool = [...nearest(place.sites.slopes, tx, ty, maxM), ...nearest(place.sites.fields, tx, ty, maxM)];
    if (!pool.length) return null;
    const s = rng.pick(pool);
    return {
      x: s.x,
      y: s.y,
      lengthM: r1(rng.range(90, 300)),
      widthM: r1(rng.range(70, 220)),
      headingDeg: deg(s.headingDeg + rng.range(-20, 20)),
    };
  }
  const villages = nearest(place.sites.villages, tx, ty, maxM);
  if (!villages.length) return null;
  const v = rng.pick(villages);
  const size = Math.max(60, v.radiusM * 2);
  return {
    x: v.x + rng.range(-0.3, 0.3) * v.radiusM,
    y: v.y + rng.range(-0.3, 0.3) * v.radiusM,
    lengthM: r1(Math.min(400, size * rng.range(0.9, 1.6))),
    widthM: r1(Math.min(300, size * rng.range(0.7, 1.2))),
    headingDeg: deg(rng.range(0, 180)),
  };
}

export function plantDistractors(
  rng: Rng,
  place: Place,
  tx: number,
  ty: number,
  weather: Weather,
  /** A patch kind the photo is aimed at (planted at the target, before the others). */
  focus?: { kind: PatchKind; site: NonNullable<ReturnType<typeof patchSite>> },
): Distractor[] {
  const out: Distractor[] = [];
  const ll = (x: number, y: number): [number, number] => place.frame.toLonLat(x, y);
  const add = (kind: HardNegativeKind, x: number, y: number, extra: Partial<Distractor> = {}): void => {
    const [lon, lat] = ll(x, y);
    out.push({ id: `${kind}-${out.length}`, kind, lon, lat, ...extra });
  };
  if (focus) {
    const { x, y, ...size } = focus.site;
    add(focus.kind, x, y, size);
  }
  const fields = nearest(place.sites.fields, tx, ty, 260);
  for (const kind of ['wet_field', 'stubble_field', 'ploughed_field'] as const)
    if (fields.length && rng.chance(0.3)) {
      const f = rng.pick(fields);
      add(kind, f.x, f.y, { lengthM: r1(f.lengthM), widthM: r1(f.widthM), headingDeg: deg(f.headingDeg) });
    }
  const villages = nearest(place.sites.villages, tx, ty, 450);
  if (villages.length && rng.chance(0.5)) {
    const v = rng.pick(villages);
    for (let i = rng.int(1, 3); i > 0; i--) {
      const a = rng.range(0, 2 * Math.PI);
      const d = Math.sqrt(rng.next()) * v.radiusM * 0.8;
      add('cooking_smoke', v.x + d * Math.cos(a), v.y + d * Math.sin(a), {
        intensity: Math.round(rng.range(0.2, 0.9) * 100) / 100,
      });
    }
  }
  const tracks = nearest(place.sites.tracks, tx, ty, 300);
  if (tracks.length && weather.season !== 'summer' && rng.chance(0.25)) {
    const t = rng.pick(tracks);
    add('vehicle_dust', t.x, t.y, {
      headingDeg: deg(t.headingDeg + (rng.chance(0.5) ? 0 : 180)),
      lengthM: r1(rng.range(15, 70)),
      intensity: Math.round(rng.range(0.3, 1) * 100) / 100,
    });
  }
  if (fields.length && rng.chance(0.12)) {
    const f = rng.pick(fields);
    add('construction_site', f.x, f.y, {
      lengthM: r1(Math.min(f.lengthM, rng.range(30, 90))),
      widthM: r1(Math.min(f.widthM, rng.range(25, 70))),
      headingDeg: deg(f.headingDeg),
    });
  }
  const banks = nearest(place.sites.banks, tx, ty, 250);
  if (banks.length && rng.chance(0.15)) {
    const b = rng.pick(banks);
    // A small clean stream entering the river at the bank, coming from the land side.
    add('clean_tributary', b.x, b.y, {
      headingDeg: deg(b.landDeg),
      lengthM: r1(rng.range(60, 200)),
      widthM: r1(rng.range(2, 6)),
    });
  }
  if (rng.chance(0.1))
    add('mist', tx + rng.range(-150, 150), ty + rng.range(-150, 150), {
      radiusM: r1(rng.range(60, 300)),
      intensity: Math.round(rng.range(0.3, 0.9) * 100) / 100,
    });
  if ((weather.clouds ?? 0) > 0.2 || rng.chance(0.12))
    add('cloud_shadow', tx + rng.range(-120, 120), ty + rng.range(-120, 120), {
      radiusM: r1(rng.range(40, 220)),
      intensity: Math.round(rng.range(0.3, 0.8) * 100) / 100,
    });
  // Forest, town, dirt-lane, woodland and scrub patches near the target, beside incidents as well as on
  // their own (the kinds added later draw last, so earlier kinds keep their draws).
  const patches = rng.fork(7);
  for (const kind of PATCH_KINDS) {
    if (focus?.kind === kind || !patches.chance(0.15)) continue;
    const site = patchSite(patches, place, kind, tx, ty, 300);
    if (site) {
      const { x, y, ...size } = site;
      add(kind, x, y, size);
    }
  }
  return out;
}

/** The spec of photo `index` of `split` in the dataset with `datasetSeed`. */
export function photoSpec(datasetSeed: number, split: Split, index: number, opts: PhotoSpecOptions): PhotoSpec {
  const seed = photoSeed(datasetSeed, split, index);
  const k = Math.floor(index / Math.max(1, opts.photosPerPlace));
  const pSeed = placeSeed(datasetSeed, split, k);
  const place = placeFor(split, k, pSeed);
  const rng = new Rng(seed);

  let aim: IncidentClass | 'none' = rng.weighted({
    straw_burning: 0.32,
    sewage_outfall: 0.24,
    exposed_slope: 0.24,
    none: 0.2,
  });
  if (aim === 'exposed_slope' && place.sites.slopes.length === 0) aim = 'straw_burning';
  const { weather, kind, time } = drawWeather(rng.fork(1), aim, place.origin[0], place.origin[1]);

  // Target: an incident's site, or for a negative photo a hard-negative-rich spot.
  const incidents: Incident[] = [];
  let tx: number;
  let ty: number;
  let focus: Parameters<typeof plantDistractors>[5];
  if (aim !== 'none') {
    const first = plantIncident(rng.fork(2), place, aim, `${aim}-0`);
    if (!first) throw new Error(`place ${place.id} has no site for ${aim}`);
    incidents.push(first);
    [tx, ty] = place.frame.toLocal(first.lon, first.lat);
    if (rng.chance(0.3)) {
      const cls = rng.pick(['straw_burning', 'sewage_outfall', 'exposed_slope'] as const);
      const extra = plantIncident(rng.fork(3), place, cls, `${cls}-1`, [tx, ty]);
      if (extra) incidents.push(extra);
    }
  } else {
    const pool = [...place.sites.fields, ...place.sites.villages, ...place.sites.construction, ...place.sites.banks];
    const t = rng.pick(pool);
    [tx, ty] = [t.x, t.y];
    // Half the negative photos look at a forest, town or dirt-lane patch (the real-photo misses).
    const f = rng.fork(6);
    if (f.chance(0.5)) {
      let kind: PatchKind = f.pick(['dark_forest', 'town_roofs', 'dirt_lanes'] as const);
      // Open woodland and dry scrub (round 16) come from their own stream, so the photos that do not
      // draw them keep the spec they had.
      const open = rng.fork(8);
      if (open.chance(0.4)) kind = open.pick(['sparse_canopy', 'dry_scrub'] as const);
      const site = patchSite(f, place, kind, tx, ty, 5000);
      if (site) {
        focus = { kind, site };
        [tx, ty] = [site.x + f.range(-0.3, 0.3) * site.lengthM, site.y + f.range(-0.3, 0.3) * site.widthM];
      }
    }
  }
  const distractors = plantDistractors(rng.fork(4), place, tx, ty, weather, focus);

  const aimed = aimCamera(rng.fork(5), place, tx, ty, opts, {
    band: rng.weighted({ nadir: 0.35, steep: 0.2, mid: 0.25, low: 0.2 }),
    ...(aim === 'exposed_slope' ? { facingDeg: foldDeg((incidents[0]!.headingDeg ?? 0) + 180) } : {}),
  });
  const request: CaptureRequest = { ...aimed.request, index, time };
  const { camera } = aimed;
  return {
    id: `${split}-${String(index).padStart(6, '0')}`,
    split,
    index,
    seed,
    place: { id: place.id, seed: pSeed },
    camera,
    request,
    weather,
    weatherKind: kind,
    incidents,
    distractors,
    quality: opts.quality ?? rng.int(75, 95),
    altAglM: aimed.altAglM,
    aim,
    ...(focus ? { focus: focus.kind } : {}),
  };
}

export type PitchBand = 'nadir' | 'steep' | 'mid' | 'low';

/**
 * Pick a drone camera and a pose that sees ground point (tx, ty): gimbal pitch from `band` (nadir,
 * ~60°, ~45°, ~30° below the horizon, or exactly `pitchDeg`), 30–150 m above the target, the target
 * somewhere in the middle of the frame, looking toward `facingDeg` when given (± 50°).
 */
export function aimCamera(
  rng: Rng,
  place: Place,
  tx: number,
  ty: number,
  opts: Pick<PhotoSpecOptions, 'widthPx' | 'heightPx'>,
  how: { band: PitchBand; pitchDeg?: number; facingDeg?: number; heightM?: number; centred?: boolean },
): {
  camera: CameraModel;
  request: Omit<CaptureRequest, 'index' | 'time'> & { index: number; time: Date };
  altAglM: number;
} {
  const model = rng.pick(CAMERAS);
  const camera: CameraModel = {
    name: model.name,
    sensorWidthMm: model.sensorWidthMm,
    sensorHeightMm: Math.round(((model.sensorWidthMm * opts.heightPx) / opts.widthPx) * 1000) / 1000,
    focalLengthMm: model.focalLengthMm,
    imageWidthPx: opts.widthPx,
    imageHeightPx: opts.heightPx,
  };
  const band = how.band;
  let pitch =
    how.pitchDeg ??
    (band === 'nadir'
      ? -90 + rng.range(0, 4)
      : band === 'steep'
        ? rng.range(-70, -52)
        : band === 'mid'
          ? rng.range(-52, -38)
          : rng.range(-36, -20));
  const hTarget = how.heightM ?? Math.exp(rng.range(Math.log(30), Math.log(150)));
  let yaw = how.facingDeg !== undefined ? how.facingDeg + rng.range(-50, 50) : rng.range(0, 360);
  const fovX = 2 * Math.atan(camera.sensorWidthMm / 2 / camera.focalLengthMm);
  const fovY = 2 * Math.atan(camera.sensorHeightMm / 2 / camera.focalLengthMm);
  const zT = place.heightAt(tx, ty);
  const nadir = pitch <= -85;
  const dist = nadir ? 0 : hTarget / Math.tan(-pitch * DEG);
  let cx = tx - dist * Math.sin(yaw * DEG);
  let cy = ty - dist * Math.cos(yaw * DEG);
  const spread = how.centred ? 0 : 1;
  if (nadir) {
    // Put the target anywhere in the middle 70 % of the frame.
    const halfW = hTarget * Math.tan(fovX / 2) * 0.7 * spread;
    const halfH = hTarget * Math.tan(fovY / 2) * 0.7 * spread;
    cx += rng.range(-halfW, halfW);
    cy += rng.range(-halfH, halfH);
  } else {
    yaw += rng.range(-0.35, 0.35) * (fovX / DEG) * spread;
    if (how.pitchDeg === undefined) pitch = Math.max(-89, Math.min(-12, pitch + rng.range(-0.3, 0.3) * (fovY / DEG)));
  }
  const zUnder = place.heightAt(cx, cy);
  const camZ = Math.max(zT + hTarget, zUnder + 20);
  const [lon, lat] = place.frame.toLonLat(cx, cy);
  const speed = nadir ? rng.range(0, 12) : rng.range(0, 3);
  return {
    camera,
    altAglM: Math.round((camZ - zUnder) * 10) / 10,
    request: {
      sysId: 1,
      index: 0,
      time: new Date(0),
      lon,
      lat,
      altAmslM: Math.round(camZ * 100) / 100,
      altRelM: Math.round((camZ - zUnder) * 100) / 100,
      headingDeg: foldDeg(yaw, 0.01),
      gimbalPitchDeg: Math.round(pitch * 100) / 100,
      speedMps: Math.round(speed * 10) / 10,
    },
  };
}
