/**
 * Cells of the realism gallery: one subject (an incident class or a hard negative) photographed at a
 * given gimbal pitch, season and weather, on a fixed generated place, with the subject in the middle
 * of the frame. Each cell becomes a PhotoSpec the dataset renderer can render.
 */
import { M3E_WIDE } from '../camera/camera-model.ts';
import { HARD_NEGATIVE_KINDS, type Distractor, type HardNegativeKind } from '../scene/distractor-schema.ts';
import type { Incident, Season } from '../scene/incident-schema.ts';
import { Rng, mixSeed } from '../scene/random.ts';
import { generatePlace, type Place } from './place.ts';
import { aimCamera, foldDeg, plantIncident, weatherFor, type PhotoSpec, type WeatherKind } from './photo-spec.ts';

export const GALLERY_SUBJECTS = [
  'straw_burning',
  'burn_scar',
  'sewage_outfall',
  'exposed_slope',
  ...HARD_NEGATIVE_KINDS,
  'countryside',
] as const;
export type GallerySubject = (typeof GALLERY_SUBJECTS)[number];

export interface GalleryCell {
  subject: GallerySubject;
  season: Season;
  weather: Extract<WeatherKind, 'clear' | 'overcast'>;
  pitchDeg: number;
  widthPx: number;
  heightPx: number;
  seed: number;
}

/** The class a subject's detail statistics are reported under. */
export function subjectClass(subject: GallerySubject): string {
  if (subject === 'burn_scar') return 'straw_burning';
  if (subject === 'straw_burning' || subject === 'sewage_outfall' || subject === 'exposed_slope') return subject;
  return 'negative';
}

let galleryPlace: Place | null = null;

/** The gallery's place: the first generated place with hills, a river, villages, tracks and fields. */
export function galleryPlaceOf(): Place {
  if (galleryPlace) return galleryPlace;
  for (let seed = 1; ; seed++) {
    const p = generatePlace(`gallery-${seed}`, mixSeed(0x9a11e7, seed));
    const s = p.sites;
    if (
      p.dem &&
      s.villages.length &&
      s.tracks.length > 4 &&
      s.fields.length > 20 &&
      s.banks.length &&
      s.slopes.length
    ) {
      galleryPlace = p;
      return p;
    }
  }
}

/** The photo spec of a gallery cell. */
export function gallerySpec(cell: GalleryCell): PhotoSpec {
  const place = galleryPlaceOf();
  const rng = new Rng(mixSeed(cell.seed, 0x6a1));
  const subject = cell.subject;
  const { weather, time } = weatherFor(rng.fork(1), cell.season, cell.weather, place.origin[0], place.origin[1], 10.5);
  const incidents: Incident[] = [];
  const distractors: Distractor[] = [];
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(xs.length / 2)] as T;
  let tx: number;
  let ty: number;
  let facing: number | undefined;
  if (
    subject === 'straw_burning' ||
    subject === 'burn_scar' ||
    subject === 'sewage_outfall' ||
    subject === 'exposed_slope'
  ) {
    const cls = subject === 'burn_scar' ? 'straw_burning' : subject;
    const inc = plantIncident(rng.fork(2), place, cls, `${subject}-0`) as Incident;
    if (subject === 'burn_scar') inc.intensity = 0;
    if (subject === 'straw_burning') inc.intensity = Math.max(0.6, inc.intensity ?? 0.8);
    incidents.push(inc);
    [tx, ty] = place.frame.toLocal(inc.lon, inc.lat);
    if (cls === 'exposed_slope') facing = foldDeg((inc.headingDeg ?? 0) + 180);
  } else if (subject === 'countryside') {
    const f = pick(place.sites.fields);
    [tx, ty] = [f.x, f.y];
  } else {
    const kind: HardNegativeKind = subject;
    const at = negativeSite(place, kind);
    [tx, ty] = [at.x, at.y];
    const [lon, lat] = place.frame.toLonLat(tx, ty);
    distractors.push({ id: `${kind}-0`, kind, lon, lat, ...at.extra });
  }
  const aimed = aimCamera(rng.fork(3), place, tx, ty, cell, {
    band: cell.pitchDeg <= -85 ? 'nadir' : 'mid',
    pitchDeg: cell.pitchDeg,
    heightM: 70,
    centred: true,
    ...(facing !== undefined ? { facingDeg: facing } : {}),
  });
  const camera = { ...M3E_WIDE, name: 'm3e-wide', imageWidthPx: cell.widthPx, imageHeightPx: cell.heightPx };
  camera.sensorHeightMm = Math.round(((camera.sensorWidthMm * cell.heightPx) / cell.widthPx) * 1000) / 1000;
  return {
    id: `${subject}-${cell.season}-${cell.weather}-${-cell.pitchDeg}-${cell.widthPx}`,
    split: 'test',
    index: 0,
    seed: cell.seed,
    place: { id: place.id, seed: place.seed },
    camera,
    request: { ...aimed.request, time, speedMps: 0 },
    weather,
    weatherKind: cell.weather,
    incidents,
    distractors,
    quality: 92,
    altAglM: aimed.altAglM,
    aim: incidents[0]?.class ?? 'none',
  };
}

function negativeSite(place: Place, kind: HardNegativeKind): { x: number; y: number; extra: Partial<Distractor> } {
  const s = place.sites;
  const mid = <T>(xs: readonly T[]): T => xs[Math.floor(xs.length / 2)] as T;
  switch (kind) {
    case 'cooking_smoke': {
      const v = mid(s.villages);
      return { x: v.x, y: v.y, extra: { intensity: 0.7 } };
    }
    case 'vehicle_dust': {
      const t = mid(s.tracks);
      return { x: t.x, y: t.y, extra: { headingDeg: foldDeg(t.headingDeg), lengthM: 50, intensity: 0.8 } };
    }
    case 'wet_field':
    case 'stubble_field':
    case 'ploughed_field':
    case 'construction_site': {
      const f = mid(s.fields);
      return { x: f.x, y: f.y, extra: { lengthM: f.lengthM, widthM: f.widthM, headingDeg: foldDeg(f.headingDeg) } };
    }
    case 'clean_tributary': {
      const b = mid(s.banks);
      return { x: b.x, y: b.y, extra: { headingDeg: foldDeg(b.landDeg), lengthM: 150, widthM: 4 } };
    }
    case 'mist': {
      const f = mid(s.fields);
      return { x: f.x, y: f.y, extra: { radiusM: 120, intensity: 0.7 } };
    }
    case 'cloud_shadow': {
      const f = mid(s.fields);
      return { x: f.x, y: f.y, extra: { radiusM: 60, intensity: 0.7 } };
    }
    case 'dark_forest': {
      // On a hillside, as in the real photos that showed the miss.
      const h = mid(s.slopes);
      return { x: h.x, y: h.y, extra: { lengthM: 220, widthM: 180, headingDeg: foldDeg(h.headingDeg) } };
    }
    case 'sparse_canopy': {
      // Open woodland on flat ground, as in the real nadir tiles.
      const f = mid(s.fields);
      return { x: f.x, y: f.y, extra: { lengthM: 220, widthM: 180, headingDeg: foldDeg(f.headingDeg) } };
    }
    case 'dry_scrub': {
      // On a hillside: the dry hillsides were among the real misses.
      const h = mid(s.slopes);
      return { x: h.x, y: h.y, extra: { lengthM: 220, widthM: 180, headingDeg: foldDeg(h.headingDeg) } };
    }
    case 'town_roofs':
    case 'dirt_lanes': {
      const v = mid(s.villages);
      return { x: v.x, y: v.y, extra: { lengthM: 200, widthM: 160, headingDeg: 20 } };
    }
  }
}
