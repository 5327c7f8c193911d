/**
 * Hard negatives: things in the countryside a detector must NOT report, planted like incidents.
 * Each kind resembles one incident class (smoke, dark or bare ground, water of another colour).
 *
 * Geometry: (lon, lat) is the anchor; `radiusM` for round things, `lengthM`/`widthM` along
 * `headingDeg` (clockwise from north) for oblong ones. Defaults per kind in DEFAULT_DISTRACTOR_SIZE.
 * - cooking_smoke: a thin plume from a chimney at the anchor, drifting with the wind.
 * - mist: a low cloud bank lying over the ground around the anchor.
 * - vehicle_dust: a vehicle at the anchor driving toward `headingDeg`, dust trailing behind it.
 * - wet_field / stubble_field / ploughed_field: fields inside the rectangle get that look.
 * - construction_site: a flat earthwork pad with machinery (bare soil that is not a slope).
 * - clean_tributary: clean stream water along `lengthM` from the anchor toward `headingDeg`.
 * - cloud_shadow: the soft shadow of a cloud on the ground.
 * - dark_forest: a dense stand of dark conifer/shrub crowns with deep shade between them.
 * - town_roofs: a block of grey concrete and dark tile roofs with narrow lanes.
 * - dirt_lanes: red/ochre bare-earth lanes and yards between small village houses.
 * The last three are rectangles like the fields; the real-photo check (issue 15) showed the default
 * model firing on them (materials/built-and-dark.ts draws them).
 * - sparse_canopy: open woodland, scattered round crowns over pale sand and litter, grey snags and logs.
 * - dry_scrub: dry grass, dark round shrubs, bare pale patches and a few boulders.
 * These two are rectangles too: pale bare ground that is not a slide, which the slope head refitted
 * in round 16 fired on in real photos (materials/open-ground.ts draws them).
 */
import { z } from 'zod';

export const HARD_NEGATIVE_KINDS = [
  'cooking_smoke',
  'mist',
  'vehicle_dust',
  'wet_field',
  'stubble_field',
  'ploughed_field',
  'construction_site',
  'clean_tributary',
  'cloud_shadow',
  'dark_forest',
  'town_roofs',
  'dirt_lanes',
  'sparse_canopy',
  'dry_scrub',
] as const;
/** The kinds drawn as large ground patches (materials/built-and-dark.ts, materials/open-ground.ts). */
export const PATCH_KINDS = [
  'dark_forest',
  'town_roofs',
  'dirt_lanes',
  'sparse_canopy',
  'dry_scrub',
] as const satisfies readonly HardNegativeKind[];
export type PatchKind = (typeof PATCH_KINDS)[number];

export const HardNegativeKindSchema = z.enum(HARD_NEGATIVE_KINDS);
export type HardNegativeKind = z.infer<typeof HardNegativeKindSchema>;

export const DistractorSchema = z.object({
  id: z.string().min(1, '干扰物 id 不能为空 / distractor id must not be empty'),
  kind: HardNegativeKindSchema,
  lon: z.number().min(-180).max(180),
  lat: z.number().min(-90).max(90),
  radiusM: z.number().positive().max(3000).optional(),
  lengthM: z.number().positive().max(5000).optional(),
  widthM: z.number().positive().max(3000).optional(),
  headingDeg: z.number().min(-360).max(360).optional(),
  /** 0..1: smoke/dust density, mist thickness, shadow darkness. */
  intensity: z.number().min(0).max(1).optional(),
});
export type Distractor = z.infer<typeof DistractorSchema>;

/** Default sizes per kind (metres). */
export const DEFAULT_DISTRACTOR_SIZE: Record<HardNegativeKind, { lengthM: number; widthM: number }> = {
  cooking_smoke: { lengthM: 30, widthM: 2 },
  mist: { lengthM: 300, widthM: 300 },
  vehicle_dust: { lengthM: 40, widthM: 6 },
  wet_field: { lengthM: 80, widthM: 60 },
  stubble_field: { lengthM: 80, widthM: 60 },
  ploughed_field: { lengthM: 80, widthM: 60 },
  construction_site: { lengthM: 80, widthM: 60 },
  clean_tributary: { lengthM: 150, widthM: 5 },
  cloud_shadow: { lengthM: 250, widthM: 180 },
  dark_forest: { lengthM: 200, widthM: 150 },
  town_roofs: { lengthM: 160, widthM: 120 },
  dirt_lanes: { lengthM: 160, widthM: 120 },
  sparse_canopy: { lengthM: 200, widthM: 150 },
  dry_scrub: { lengthM: 200, widthM: 150 },
};
