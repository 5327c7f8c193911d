/** Season-dependent ground colours (sRGB, 0..1) and crop states of farmland. */
import type { Season } from './incident-schema.ts';

export type RGB = readonly [number, number, number];

export const CROP_STATES = ['green', 'golden', 'stubble', 'bare', 'flooded', 'rapeseed'] as const;
export type CropState = (typeof CROP_STATES)[number];

export const CROP_COLOUR: Record<CropState, RGB> = {
  green: [0.36, 0.52, 0.19],
  golden: [0.74, 0.63, 0.3],
  stubble: [0.66, 0.58, 0.4],
  bare: [0.47, 0.36, 0.26],
  flooded: [0.33, 0.4, 0.39],
  rapeseed: [0.83, 0.78, 0.2],
};

/** Probability of each crop state per season (cumulative order = CROP_STATES). */
export const CROP_MIX: Record<Season, Record<CropState, number>> = {
  spring: { green: 0.2, golden: 0, stubble: 0, bare: 0.2, flooded: 0.3, rapeseed: 0.3 },
  summer: { green: 0.7, golden: 0.15, stubble: 0, bare: 0, flooded: 0.15, rapeseed: 0 },
  autumn: { green: 0.1, golden: 0.35, stubble: 0.45, bare: 0.1, flooded: 0, rapeseed: 0 },
  winter: { green: 0.2, golden: 0, stubble: 0.35, bare: 0.45, flooded: 0, rapeseed: 0 },
};

/** Pick a crop state for a field from its stable random number. */
export function cropState(season: Season, rand: number): CropState {
  let acc = 0;
  for (const s of CROP_STATES) {
    acc += CROP_MIX[season][s];
    if (rand < acc) return s;
  }
  return 'bare';
}

export interface SeasonPalette {
  grass: RGB;
  forest: RGB;
  forestAccent: RGB;
  waterDeep: RGB;
  waterSediment: RGB;
  bank: RGB;
  road: RGB;
}

export const PALETTE: Record<Season, SeasonPalette> = {
  spring: {
    grass: [0.42, 0.54, 0.25],
    forest: [0.2, 0.36, 0.15],
    forestAccent: [0.42, 0.55, 0.22],
    waterDeep: [0.24, 0.36, 0.36],
    waterSediment: [0.42, 0.4, 0.3],
    bank: [0.62, 0.58, 0.5],
    road: [0.6, 0.59, 0.56],
  },
  summer: {
    grass: [0.3, 0.45, 0.18],
    forest: [0.14, 0.29, 0.12],
    forestAccent: [0.25, 0.4, 0.15],
    waterDeep: [0.22, 0.35, 0.33],
    waterSediment: [0.45, 0.41, 0.29],
    bank: [0.6, 0.57, 0.5],
    road: [0.58, 0.57, 0.55],
  },
  autumn: {
    grass: [0.46, 0.46, 0.26],
    forest: [0.2, 0.29, 0.13],
    forestAccent: [0.55, 0.36, 0.14],
    waterDeep: [0.24, 0.35, 0.36],
    waterSediment: [0.43, 0.4, 0.3],
    bank: [0.64, 0.6, 0.52],
    road: [0.6, 0.59, 0.56],
  },
  winter: {
    grass: [0.5, 0.47, 0.34],
    forest: [0.19, 0.26, 0.15],
    forestAccent: [0.38, 0.36, 0.26],
    waterDeep: [0.26, 0.36, 0.38],
    waterSediment: [0.44, 0.42, 0.34],
    bank: [0.66, 0.63, 0.56],
    road: [0.62, 0.61, 0.58],
  },
};
