/**
 * renderPhoto: the pure core of the camera. Scene + camera + pose → JPEG bytes (with EXIF/XMP) and
 * ground truth. No file I/O.
 */
import sharp from 'sharp';
import { HARD_NEGATIVE_KINDS, type HardNegativeKind } from '../scene/distractor-schema.ts';
import { incidentActiveAt, type IncidentClass } from '../scene/incident-schema.ts';
import type { Scene } from '../scene/scene.ts';
import { CameraModelSchema, type CameraModel } from './camera-model.ts';
import { parseCaptureRequest, type CaptureRequest } from './capture-request.ts';
import { groundTruth, type GroundTruth } from './ground-truth.ts';
import { fileTimeStamp, withDroneMetadata } from './metadata.ts';
import { poseGeometry } from './pose-geometry.ts';
import { exposureOf, type CameraEffects } from './effects.ts';
import { renderRaw } from './render.ts';

export interface RenderPhotoOptions {
  camera: CameraModel;
  make?: string;
  model?: string;
  /** JPEG quality 1..100 (default 88). */
  quality?: number;
  /**
   * Pixels to render; below the photo's pixel count the render is upscaled by sharp (a cheap preview:
   * the detail of a native render is lost). Default: the photo's own resolution, rendered 1:1.
   */
  renderPixelBudget?: number;
  /** Camera effects (exposure, noise, blur …); default drawn from the scene seed and capture index. */
  effects?: CameraEffects;
  /** File name written into the ground truth (default from the time, index and system id). */
  photoName?: string;
}

export interface RenderedPhoto {
  jpeg: Buffer;
  groundTruth: GroundTruth;
  /** Hard negatives seen in the photo (planted or part of the scene), each kind once. */
  hardNegatives: HardNegativeKind[];
  /**
   * Incidents as the render shows them: box of their visible pixels (full-resolution pixel
   * coordinates), including those whose ground outline is out of frame but whose smoke is in it.
   */
  visible: {
    id: string;
    class: IncidentClass;
    bboxPx: [number, number, number, number];
    pixels: number;
    /** Where it is seen: share (0–255) of each cell of a `labelGrid.cols` × `labelGrid.rows` grid. */
    cells: Uint8Array;
  }[];
  /** Size of the grid of `visible[].cells` (cells span the whole photo). */
  labelGrid: { cols: number; rows: number };
  /**
   * Every outfall the render paints (headwall and culvert, trickle, jet, plume), seen or not: the box of
   * all it paints, the mean ΔE*ab it makes there and the share of those pixels at or above the
   * just-noticeable difference (camera/visibility.ts); `visible` lists only what shows.
   */
  outfalls: OutfallVisibility[];
}

export interface OutfallVisibility {
  id: string;
  paintedBboxPx: [number, number, number, number];
  /** Mean ΔE*ab over the pixels it paints. */
  meanDeltaE: number | null;
  /** Share of the painted pixels that show (ΔE*ab at or above the JND). */
  seenShare: number;
}

/** Share of a photo's pixels a hard negative must cover to count as seen. */
const HARD_NEGATIVE_MIN_SHARE = 0.002;

/** DJI-like file name of a capture: DJI_<local yyyymmddhhmmss>_<index+1>_V<sysId>.JPG. */
export function photoFileName(req: CaptureRequest): string {
  return `DJI_${fileTimeStamp(req.time)}_${String(req.index + 1).padStart(4, '0')}_V${req.sysId}.JPG`;
}

/** Path of the ground-truth sidecar of a photo: same stem, `.json`. */
export function sidecarPathFor(photoPath: string): string {
  return photoPath.replace(/\.(jpe?g)$/i, '') + '.json';
}

/** Render size for a camera under a pixel budget (aspect kept, never larger than the camera). */
export function renderSize(cam: CameraModel, budget?: number): { width: number; height: number } {
  const full = cam.imageWidthPx * cam.imageHeightPx;
  budget ??= full;
  const k = Math.min(1, Math.sqrt(budget / full));
  return {
    width: Math.max(16, Math.round(cam.imageWidthPx * k)),
    height: Math.max(16, Math.round(cam.imageHeightPx * k)),
  };
}

/**
 * Render the photo `opts.camera` takes from `request` in `scene`: JPEG with EXIF GPS + DJI XMP, and
 * its ground truth. Throws CaptureError on a bad request (NaN pose, camera below ground).
 */
export async function renderPhoto(scene: Scene, request: unknown, opts: RenderPhotoOptions): Promise<RenderedPhoto> {
  const req = parseCaptureRequest(request);
  const cam = CameraModelSchema.parse(opts.camera);
  const geometry = poseGeometry(scene, cam, req);
  const shapes = scene.incidents
    .filter((i) => incidentActiveAt(i.incident, req.sceneTime ?? req.time))
    .map((i) => i.shape);
  const name = opts.photoName ?? photoFileName(req);
  const { width, height } = renderSize(cam, opts.renderPixelBudget);
  const raw = renderRaw(scene, cam, req, shapes, width, height, opts.effects ? { effects: opts.effects } : {});
  const gt = groundTruth(geometry, name, req, cam, shapes, raw.occluded);
  let img = sharp(raw.data, { raw: { width, height, channels: 3 } });
  if (width !== cam.imageWidthPx || height !== cam.imageHeightPx)
    img = img.resize(cam.imageWidthPx, cam.imageHeightPx, { fit: 'fill', kernel: 'cubic' });
  const make = opts.make ?? 'DJI';
  const model = opts.model ?? 'M3E';
  const jpeg = await withDroneMetadata(img, req, cam, make, model, exposureOf(raw.effects, scene.weather))
    .jpeg({ quality: opts.quality ?? 88, chromaSubsampling: '4:2:0' })
    .toBuffer();
  // What the render actually shows: boxes of the incidents' visible pixels, hard negatives in view.
  const kx = cam.imageWidthPx / width;
  const ky = cam.imageHeightPx / height;
  const visible: RenderedPhoto['visible'] = [];
  const outfalls: OutfallVisibility[] = [];
  const round2 = (v: number): number => Math.round(v * 100) / 100;
  shapes.forEach((shape, k) => {
    const pb = raw.stats.paintedBoxes[k];
    if (shape.cls === 'sewage_outfall' && pb) {
      const seenPx = raw.stats.incidentPixels[k] ?? 0;
      const dE = raw.stats.meanDeltaE[k] ?? null;
      outfalls.push({
        id: shape.id,
        paintedBboxPx: [round2(pb[0] * kx), round2(pb[1] * ky), round2(pb[2] * kx), round2(pb[3] * ky)],
        meanDeltaE: dE === null ? null : round2(dE),
        seenShare: Math.round((1000 * seenPx) / Math.max(1, seenPx + (raw.stats.faintPixels[k] ?? 0))) / 1000,
      });
    }
    const b = raw.stats.incidents[k];
    const entry = gt.incidents.find((i) => i.id === shape.id);
    if (!b) return;
    const box: [number, number, number, number] = [
      Math.round(b[0] * kx * 100) / 100,
      Math.round(b[1] * ky * 100) / 100,
      Math.round(b[2] * kx * 100) / 100,
      Math.round(b[3] * ky * 100) / 100,
    ];
    if (entry) entry.visibleBboxPx = box;
    visible.push({
      id: shape.id,
      class: shape.cls,
      bboxPx: box,
      pixels: (raw.stats.incidentPixels[k] ?? 0) * kx * ky,
      cells: raw.stats.labelGrid.shares[k] as Uint8Array,
    });
  });
  for (const inc of gt.incidents) if (!inc.visibleBboxPx) inc.visibleBboxPx = null;
  const minPixels = Math.max(20, width * height * HARD_NEGATIVE_MIN_SHARE);
  const hardNegatives = HARD_NEGATIVE_KINDS.filter((_, k) => (raw.stats.hardNegativePixels[k] ?? 0) >= minPixels);
  const { cols, rows } = raw.stats.labelGrid;
  return { jpeg, groundTruth: gt, hardNegatives, visible, labelGrid: { cols, rows }, outfalls };
}
