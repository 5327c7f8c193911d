/**
 * The appearance of one scene beyond its layers: soil, crop, tree, roof and water colours, plot
 * sizes, road surface, atmosphere tint, all drawn from seeded ranges around what the Zhejiang
 * countryside looks like in that season, so that no two scenes share one palette.
 */
import type { Season } from './incident-schema.ts';
import { Rng, mixSeed } from './random.ts';

export type RGB = readonly [number, number, number];

export const CROP_STATES = [
  'paddy_water',
  'green_rice',
  'golden_rice',
  'stubble',
  'ploughed',
  'wet_soil',
  'fallow',
  'rapeseed',
  'milk_vetch',
  'vegetables',
] as const;
export type CropName = (typeof CROP_STATES)[number];
/** Crop states as small integers (what the per-pixel code switches on), in CROP_STATES order. */
export const CROP = {
  paddy_water: 0,
  green_rice: 1,
  golden_rice: 2,
  stubble: 3,
  ploughed: 4,
  wet_soil: 5,
  fallow: 6,
  rapeseed: 7,
  milk_vetch: 8,
  vegetables: 9,
} as const satisfies { [K in CropName]: number };
export type CropState = number;

/** How likely each crop state is per season (normalised when drawn). */
export const CROP_MIX: Record<Season, Partial<Record<CropName, number>>> = {
  spring: {
    paddy_water: 0.25,
    rapeseed: 0.2,
    milk_vetch: 0.1,
    ploughed: 0.15,
    wet_soil: 0.08,
    fallow: 0.1,
    vegetables: 0.12,
  },
  summer: { green_rice: 0.55, paddy_water: 0.12, golden_rice: 0.08, stubble: 0.06, vegetables: 0.12, fallow: 0.07 },
  autumn: { golden_rice: 0.3, stubble: 0.35, green_rice: 0.08, ploughed: 0.1, vegetables: 0.1, fallow: 0.07 },
  winter: { stubble: 0.25, fallow: 0.25, ploughed: 0.2, wet_soil: 0.1, vegetables: 0.12, milk_vetch: 0.08 },
};

export interface SceneLook {
  season: Season;
  /** Colour per crop state (index = CROP). */
  crops: RGB[];
  /** Cumulative probabilities of the crop states in this scene (season mix, perturbed). */
  cropCum: Float64Array;
  soil: RGB;
  soilDark: RGB;
  grass: RGB;
  grassDry: RGB;
  forest: RGB;
  forestAlt: RGB;
  forestAutumn: RGB;
  bamboo: RGB;
  tea: RGB;
  ridge: RGB;
  water: RGB;
  waterShallow: RGB;
  bankStone: RGB;
  concrete: RGB;
  asphalt: RGB;
  dirt: RGB;
  roofs: { colour: RGB; weight: number; flat: boolean }[];
  /** Plot size multipliers (across rows × along rows). */
  plotWidthM: number;
  plotLengthM: number;
  ridgeHalfM: number;
  /** Share of background ground that is plots (the rest scrub and tree clumps). */
  backgroundFields: number;
  /** Trees along ridges and in the background, 0..1. */
  treeDensity: number;
  /** Roads are asphalt (else concrete slabs). */
  asphaltRoads: boolean;
  /** Angle of the background plot grid (rad). */
  gridAngle: number;
  /** Size of forest crowns relative to the canopy texture's. */
  crownScale: number;
}

const jitter = (rng: Rng, c: RGB, amt: number): RGB => {
  const k = 1 + rng.range(-amt, amt);
  return [
    clamp01(c[0] * k * (1 + rng.range(-amt, amt) * 0.5)),
    clamp01(c[1] * k * (1 + rng.range(-amt, amt) * 0.5)),
    clamp01(c[2] * k * (1 + rng.range(-amt, amt) * 0.5)),
  ];
};
const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);
/** The colour a share `t` of the way from `a` to `b`. */
export const lerp = (a: RGB, b: RGB, t: number): RGB => [
  a[0] + (b[0] - a[0]) * t,
  a[1] + (b[1] - a[1]) * t,
  a[2] + (b[2] - a[2]) * t,
];
/** `c` with each channel varied by up to ±`k` (never below 0): a patch's own palette. */
export const jitterChannels = (r: Rng, c: RGB, k: number): RGB => [
  Math.max(0, c[0] * r.range(1 - k, 1 + k)),
  Math.max(0, c[1] * r.range(1 - k, 1 + k)),
  Math.max(0, c[2] * r.range(1 - k, 1 + k)),
];

/** Draw a scene look for `season` from `seed`. */
export function drawLook(seed: number, season: Season): SceneLook {
  const rng = new Rng(mixSeed(seed, 0x100c));
  const green: RGB =
    season === 'winter' ? [0.33, 0.4, 0.2] : season === 'autumn' ? [0.32, 0.42, 0.17] : [0.27, 0.45, 0.14];
  const soilBase = lerp([0.4, 0.3, 0.22], [0.5, 0.33, 0.22], rng.next()); // brown to reddish paddy soil
  const cropColours: Record<CropName, RGB> = {
    paddy_water: jitter(rng, [0.34, 0.36, 0.32], 0.12),
    green_rice: jitter(rng, season === 'summer' ? [0.27, 0.41, 0.16] : [0.32, 0.42, 0.2], 0.12),
    golden_rice: jitter(rng, [0.6, 0.53, 0.32], 0.1),
    stubble: jitter(rng, [0.57, 0.51, 0.4], 0.12),
    ploughed: jitter(rng, [soilBase[0] * 0.85, soilBase[1] * 0.85, soilBase[2] * 0.85], 0.12),
    wet_soil: jitter(rng, [0.2, 0.17, 0.14], 0.15),
    fallow: jitter(rng, season === 'winter' ? [0.47, 0.43, 0.33] : [0.4, 0.42, 0.28], 0.12),
    rapeseed: jitter(rng, [0.78, 0.72, 0.24], 0.06),
    // Milk vetch (紫云英), sown into the rice stubble in autumn: a low green cover through the winter,
    // pink-purple only when it flowers in April.
    milk_vetch: jitter(rng, season === 'spring' ? [0.42, 0.38, 0.38] : [0.27, 0.37, 0.19], 0.12),
    vegetables: jitter(rng, [0.3, 0.44, 0.22], 0.12),
  };
  const crops = CROP_STATES.map((c) => cropColours[c]);
  const mix = CROP_MIX[season];
  const cropCum = new Float64Array(CROP_STATES.length);
  let total = 0;
  CROP_STATES.forEach((c, i) => {
    total += (mix[c] ?? 0) * rng.range(0.3, 1.7);
    cropCum[i] = total;
  });
  for (let i = 0; i < cropCum.length; i++) cropCum[i] = (cropCum[i] as number) / total;
  const roofPalette: { colour: RGB; weight: number; flat: boolean }[] = [
    { colour: [0.28, 0.29, 0.31], weight: rng.range(0.5, 2), flat: false }, // dark grey tiles
    { colour: [0.45, 0.46, 0.48], weight: rng.range(0.3, 1.5), flat: false }, // light grey tiles
    { colour: [0.6, 0.33, 0.24], weight: rng.range(0.1, 1.2), flat: false }, // red tiles
    { colour: [0.66, 0.45, 0.3], weight: rng.range(0, 0.6), flat: false }, // orange glazed tiles
    { colour: [0.72, 0.71, 0.68], weight: rng.range(0.2, 1.2), flat: true }, // concrete flat roof
    { colour: [0.34, 0.5, 0.66], weight: rng.range(0, 0.35), flat: false }, // blue steel sheet
  ];
  return {
    season,
    crops,
    cropCum,
    soil: jitter(rng, soilBase, 0.1),
    soilDark: jitter(rng, [soilBase[0] * 0.6, soilBase[1] * 0.6, soilBase[2] * 0.6], 0.1),
    grass: jitter(rng, lerp(green, [0.5, 0.48, 0.32], season === 'winter' ? 0.6 : 0.15), 0.1),
    grassDry: jitter(rng, [0.55, 0.5, 0.36], 0.1),
    // Crowns seen from the air are olive rather than emerald: sunlit vegetation in real drone frames has
    // G/R 1.0–1.33 and saturation under 0.57 (Agung, Freetown, UDD, the USGS slides' hillsides).
    forest: jitter(rng, season === 'winter' ? [0.2, 0.26, 0.16] : [0.19, 0.265, 0.135], 0.15),
    forestAlt: jitter(rng, season === 'winter' ? [0.24, 0.29, 0.18] : [0.26, 0.325, 0.165], 0.15),
    forestAutumn: jitter(
      rng,
      season === 'autumn' ? [0.44, 0.37, 0.2] : season === 'winter' ? [0.36, 0.33, 0.24] : [0.3, 0.38, 0.18],
      0.15,
    ),
    bamboo: jitter(rng, [0.36, 0.48, 0.2], 0.1),
    tea: jitter(rng, [0.2, 0.36, 0.14], 0.12),
    ridge: jitter(rng, season === 'winter' ? [0.46, 0.44, 0.3] : [0.34, 0.44, 0.2], 0.12),
    water: jitter(
      rng,
      rng.pick<RGB>([
        [0.16, 0.27, 0.25],
        [0.22, 0.3, 0.26],
        [0.3, 0.3, 0.24],
        [0.18, 0.25, 0.3],
      ]),
      0.12,
    ),
    waterShallow: jitter(rng, [0.42, 0.4, 0.32], 0.12),
    bankStone: jitter(rng, rng.chance(0.5) ? [0.58, 0.57, 0.53] : [0.5, 0.48, 0.44], 0.08),
    concrete: jitter(rng, [0.66, 0.65, 0.62], 0.06),
    asphalt: jitter(rng, [0.27, 0.27, 0.28], 0.1),
    dirt: jitter(rng, lerp([0.56, 0.48, 0.36], soilBase, 0.3), 0.1),
    roofs: roofPalette,
    plotWidthM: rng.range(10, 28),
    plotLengthM: rng.range(25, 70),
    ridgeHalfM: rng.range(0.22, 0.45),
    backgroundFields: rng.range(0.45, 0.85),
    treeDensity: rng.range(0.15, 0.6),
    asphaltRoads: rng.chance(0.35),
    gridAngle: rng.range(0, Math.PI),
    crownScale: rng.range(0.85, 1.35),
  };
}

/** Pick a crop state from the scene's mix with a uniform random number. */
export function pickCrop(look: SceneLook, r: number): CropState {
  const cum = look.cropCum;
  for (let i = 0; i < cum.length; i++) if (r < (cum[i] as number)) return i;
  return CROP.fallow;
}
