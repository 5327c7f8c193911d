/**
 * The on-disk format of a rendered training set (version 1), described in ./README.md:
 *
 *   DIR/images/<split>/<id>.jpg    photos (JPEG with EXIF GPS + DJI XMP pose, like the simulator's)
 *   DIR/labels/<split>/<id>.txt    YOLO labels: `class cx cy w h` per line, normalised to 0..1
 *   DIR/labels/<split>/<id>.mask.json  per labelled object the grid cells it covers (./label-mask.ts)
 *   DIR/manifest.json              class names, splits, and per photo its seed, place, pose, weather…
 *   DIR/data.yaml                  the same classes and split folders for Ultralytics-style trainers
 *
 * Class ids are indexes into DATASET_CLASSES (= the triage classes, in that order). A box is the
 * visible part of one incident in the photo; a photo with no incident in view has an empty label file.
 */
import { z } from 'zod';
import { HARD_NEGATIVE_KINDS } from '../scene/distractor-schema.ts';
import { INCIDENT_CLASSES, SeasonSchema } from '../scene/incident-schema.ts';
import { SPLITS, WEATHER_KINDS } from './photo-spec.ts';

export const DATASET_FORMAT = 'xuncha-sim-dataset';
export const DATASET_VERSION = 1;
/**
 * How the labels were drawn, recorded in the manifest (absent: 1). 1: an incident wherever the renderer
 * paints it; 2 (round 20): an outfall (headwall, trickle, jet, plume) only where it changes the photo's
 * colour by at least the just-noticeable difference (camera/visibility.ts), an outfall with nothing
 * visible left unlabelled (`unlabelled`). Photos are the same bytes under both.
 */
export const LABEL_VERSION = 2;
export const DATASET_CLASSES = INCIDENT_CLASSES;

const box = z.tuple([z.number(), z.number(), z.number(), z.number()]);

/** An outfall's visibility in the photo (camera/photo.ts `outfalls`). */
export const OutfallVisibilitySchema = z.object({
  /** Box of everything it paints, seen or not (the label version 1 box). */
  paintedBboxPx: box,
  /** Mean CIE76 ΔE*ab it makes in the photo where it paints (null: not measured). */
  meanDeltaE: z.number().nullable(),
  /** Share of the painted pixels at or above the just-noticeable difference. */
  seenShare: z.number().min(0).max(1),
});

export const DatasetObjectSchema = z.object({
  class: z.enum(INCIDENT_CLASSES),
  /** Incident id in the photo's scene. */
  id: z.string(),
  /** Visible part, pixels [x0, y0, x1, y1] (top-left origin). */
  bboxPx: box,
  /** Share of the incident's ground outline that is in frame and not hidden by terrain. */
  visibleFraction: z.number().min(0).max(1),
  /** Outfalls (label version 2): how visible what it paints is (see OutfallVisibilitySchema). */
  visibility: OutfallVisibilitySchema.optional(),
});

/** An incident in frame that gets no label, and why (`faint`: nothing of it visible; `small`: too few pixels). */
export const UnlabelledSchema = z.object({
  class: z.enum(INCIDENT_CLASSES),
  id: z.string(),
  reason: z.enum(['faint', 'small']),
  visibility: OutfallVisibilitySchema.optional(),
});

export const DatasetPhotoSchema = z.object({
  id: z.string(),
  split: z.enum(SPLITS),
  /** Image path relative to the dataset folder. */
  image: z.string(),
  /** Label path relative to the dataset folder. */
  label: z.string(),
  /** Mask path (cells each labelled object covers, ./label-mask.ts) relative to the dataset folder. */
  mask: z.string().optional(),
  seed: z.number().int().min(0),
  place: z.string(),
  placeSeed: z.number().int().min(0),
  widthPx: z.number().int().positive(),
  heightPx: z.number().int().positive(),
  camera: z.string(),
  pitchDeg: z.number(),
  yawDeg: z.number(),
  altAglM: z.number(),
  speedMps: z.number(),
  /** Capture time, UTC ISO 8601 (local time is UTC+8). */
  time: z.string(),
  season: SeasonSchema,
  weather: z.enum(WEATHER_KINDS),
  sunElevationDeg: z.number(),
  haze: z.number(),
  jpegQuality: z.number().int(),
  /** The class the camera was aimed at ('none' = a negative photo). */
  aim: z.union([z.enum(INCIDENT_CLASSES), z.literal('none')]),
  /** Hard negatives visible in the photo. */
  hardNegatives: z.array(z.enum(HARD_NEGATIVE_KINDS)),
  objects: z.array(DatasetObjectSchema),
  /** Outfalls in frame without a label (label version 2), so `objects` says only what is seen. */
  unlabelled: z.array(UnlabelledSchema).optional(),
});
export type DatasetPhoto = z.infer<typeof DatasetPhotoSchema>;

export const SplitSummarySchema = z.object({
  seed: z.number().int(),
  count: z.number().int().min(0),
  places: z.array(z.string()),
});

export const DatasetManifestSchema = z.object({
  format: z.literal(DATASET_FORMAT),
  version: z.literal(DATASET_VERSION),
  classes: z.array(z.string()),
  hardNegativeKinds: z.array(z.string()),
  renderer: z.string(),
  /** LABEL_VERSION of the labels; absent: 1. */
  labelVersion: z.number().int().optional(),
  splits: z.partialRecord(z.enum(SPLITS), SplitSummarySchema),
  photos: z.array(DatasetPhotoSchema),
});
export type DatasetManifest = z.infer<typeof DatasetManifestSchema>;

/** An empty manifest. */
export function emptyManifest(renderer: string): DatasetManifest {
  return {
    format: DATASET_FORMAT,
    version: DATASET_VERSION,
    classes: [...DATASET_CLASSES],
    hardNegativeKinds: [...HARD_NEGATIVE_KINDS],
    renderer,
    labelVersion: LABEL_VERSION,
    splits: {},
    photos: [],
  };
}

/** YOLO label text of a photo: one `class cx cy w h` line per object, normalised, 6 decimals. */
export function yoloLabel(
  objects: readonly z.infer<typeof DatasetObjectSchema>[],
  widthPx: number,
  heightPx: number,
): string {
  return objects
    .map((o) => {
      const [x0, y0, x1, y1] = o.bboxPx;
      const c = DATASET_CLASSES.indexOf(o.class);
      const f = (v: number): string => Math.min(1, Math.max(0, v)).toFixed(6);
      return `${c} ${f((x0 + x1) / 2 / widthPx)} ${f((y0 + y1) / 2 / heightPx)} ${f((x1 - x0) / widthPx)} ${f((y1 - y0) / heightPx)}\n`;
    })
    .join('');
}

/** data.yaml for Ultralytics-style trainers (paths relative to the dataset folder). */
export function dataYaml(splits: readonly string[]): string {
  const lines = ['# xuncha simulator dataset: see manifest.json', 'path: .'];
  for (const s of splits) lines.push(`${s}: images/${s}`);
  lines.push('names:');
  DATASET_CLASSES.forEach((c, i) => lines.push(`  ${i}: ${c}`));
  return lines.join('\n') + '\n';
}
