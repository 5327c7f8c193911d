/**
 * Render one dataset photo from its spec: build the scene of its place with its weather, incidents
 * and hard negatives, take the photo, and turn what is visible into YOLO objects and a manifest entry.
 */
import { renderPhoto } from '../camera/photo.ts';
import { buildScene, type Scene } from '../scene/scene.ts';
import type { DatasetPhoto } from './dataset-format.ts';
import { clearOfCover } from './camera-clearance.ts';
import { labelMask, type LabelMask } from './label-mask.ts';
import type { PhotoSpec } from './photo-spec.ts';
import { placeFor } from './photo-spec.ts';

/** Smallest box kept as a label, in pixels of the photo (smaller objects are unlearnable noise). */
export const MIN_BOX_PX = 4;
/** Fewest visible pixels for a label (a sliver of a box's area is not an object one can see). */
export const MIN_PIXELS = 12;

export interface RenderedSample {
  jpeg: Buffer;
  entry: DatasetPhoto;
  /** Cells each labelled object covers, in label order. */
  mask: LabelMask;
}

/** The scene `spec` is photographed in: its place with its weather, incidents and hard negatives. */
export function sceneOf(spec: PhotoSpec): Scene {
  const k = Number(spec.place.id.slice(spec.place.id.lastIndexOf('p') + 1));
  const place = placeFor(spec.split, k, spec.place.seed);
  return buildScene({
    layers: place.layers,
    ...(place.dem ? { dem: place.dem } : {}),
    incidents: spec.incidents,
    distractors: spec.distractors,
    weather: spec.weather,
    seed: spec.seed,
  });
}

/**
 * Render `spec`; `image`/`label`/`mask` are the paths the caller will write, relative to the dataset
 * folder (no `mask`: the entry names none).
 */
export async function renderSample(
  drawn: PhotoSpec,
  image: string,
  label: string,
  mask?: string,
): Promise<RenderedSample> {
  const scene = sceneOf(drawn);
  // The camera as a drone would hold it: clear of the crowns and roofs round it.
  const spec = clearOfCover(drawn, scene);
  const photo = await renderPhoto(scene, spec.request, {
    camera: spec.camera,
    quality: spec.quality,
    renderPixelBudget: spec.camera.imageWidthPx * spec.camera.imageHeightPx,
    photoName: `${spec.id}.jpg`,
  });
  const objects: DatasetPhoto['objects'] = [];
  const kept: (typeof photo.visible)[number][] = [];
  const visibilityOf = (id: string) => {
    const o = photo.outfalls.find((f) => f.id === id);
    return o ? { paintedBboxPx: o.paintedBboxPx, meanDeltaE: o.meanDeltaE, seenShare: o.seenShare } : undefined;
  };
  for (const v of photo.visible) {
    const b = v.bboxPx;
    if (b[2] - b[0] < MIN_BOX_PX || b[3] - b[1] < MIN_BOX_PX || v.pixels < MIN_PIXELS) continue;
    const gt = photo.groundTruth.incidents.find((i) => i.id === v.id);
    const visibility = visibilityOf(v.id);
    objects.push({
      class: v.class,
      id: v.id,
      bboxPx: b,
      visibleFraction: gt?.visibleFraction ?? 0,
      ...(visibility ? { visibility } : {}),
    });
    kept.push(v);
  }
  // Outfalls painted in frame without a label: nothing visible (faint) or too little (small).
  const unlabelled: NonNullable<DatasetPhoto['unlabelled']> = photo.outfalls
    .filter((f) => !objects.some((o) => o.id === f.id))
    .map((f) => ({
      class: 'sewage_outfall' as const,
      id: f.id,
      reason: photo.visible.some((v) => v.id === f.id) ? ('small' as const) : ('faint' as const),
      visibility: visibilityOf(f.id),
    }));
  const req = spec.request;
  const entry: DatasetPhoto = {
    id: spec.id,
    split: spec.split,
    image,
    label,
    ...(mask ? { mask } : {}),
    seed: spec.seed,
    place: spec.place.id,
    placeSeed: spec.place.seed,
    widthPx: spec.camera.imageWidthPx,
    heightPx: spec.camera.imageHeightPx,
    camera: spec.camera.name,
    pitchDeg: req.gimbalPitchDeg,
    yawDeg: req.headingDeg,
    altAglM: spec.altAglM,
    speedMps: req.speedMps ?? 0,
    time: req.time.toISOString(),
    season: spec.weather.season,
    weather: spec.weatherKind,
    sunElevationDeg: spec.weather.sunElevationDeg,
    haze: spec.weather.haze,
    jpegQuality: spec.quality,
    aim: spec.aim,
    hardNegatives: photo.hardNegatives,
    objects,
    ...(unlabelled.length ? { unlabelled } : {}),
  };
  return { jpeg: photo.jpeg, entry, mask: labelMask(photo.labelGrid.cols, photo.labelGrid.rows, kept) };
}
