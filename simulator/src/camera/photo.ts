/**
 * renderPhoto: the pure core of the camera. Scene + camera + pose → JPEG bytes (with EXIF/XMP) and
 * ground truth. No file I/O.
 */
import sharp from 'sharp';
import type { HardNegativeKind } from '../scene/distractor-schema.ts';
import { incidentActiveAt } from '../scene/incident-schema.ts';
import type { Scene } from '../scene/scene.ts';
import { CameraModelSchema, type CameraModel } from './camera-model.ts';
import { parseCaptureRequest, type CaptureRequest } from './capture-request.ts';
import { groundTruth, type GroundTruth } from './ground-truth.ts';
import { fileTimeStamp, withDroneMetadata } from './metadata.ts';
import { poseGeometry } from './pose-geometry.ts';
import { renderRaw } from './render.ts';
import { projectPoint } from './view.ts';

export interface RenderPhotoOptions {
  camera: CameraModel;
  make?: string;
  model?: string;
  /** JPEG quality 1..100 (default 88). */
  quality?: number;
  /**
   * Pixels rendered before sharp upscales to the camera's resolution (default: a quarter of the
   * photo's pixels, at most 1.2 MP, which keeps 1600×1200 under 0.3 s and 4000×3000 under 1.5 s).
   * Set ≥ the photo's pixel count to render 1:1.
   */
  renderPixelBudget?: number;
  /** File name written into the ground truth (default from the time, index and system id). */
  photoName?: string;
}

export interface RenderedPhoto {
  jpeg: Buffer;
  groundTruth: GroundTruth;
  /** Hard negatives (planted distractors) seen in the photo, each kind once. */
  hardNegatives: HardNegativeKind[];
}

const MAX_DEFAULT_BUDGET = 1_200_000;

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
  budget ??= Math.min(MAX_DEFAULT_BUDGET, full / 4);
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
  const shapes = scene.incidents.filter((i) => incidentActiveAt(i.incident, req.time)).map((i) => i.shape);
  const name = opts.photoName ?? photoFileName(req);
  const gt = groundTruth(geometry, name, req, cam, shapes);

  const { width, height } = renderSize(cam, opts.renderPixelBudget);
  const raw = renderRaw(scene, cam, req, shapes, width, height);
  let img = sharp(raw.data, { raw: { width, height, channels: 3 } });
  if (width !== cam.imageWidthPx || height !== cam.imageHeightPx)
    img = img.resize(cam.imageWidthPx, cam.imageHeightPx, { fit: 'fill', kernel: 'cubic' });
  const make = opts.make ?? 'DJI';
  const model = opts.model ?? 'M3E';
  const jpeg = await withDroneMetadata(img, req, cam, make, model)
    .jpeg({ quality: opts.quality ?? 88, chromaSubsampling: '4:2:0' })
    .toBuffer();
  const hardNegatives: HardNegativeKind[] = [];
  for (const d of scene.distractors) {
    const [x, y] = geometry.frame.toLocal(d.lon, d.lat);
    const p = projectPoint(geometry.view, [x, y, geometry.terrain.heightAt(x, y)]);
    if (
      p &&
      p.u >= 0 &&
      p.v >= 0 &&
      p.u <= cam.imageWidthPx &&
      p.v <= cam.imageHeightPx &&
      !hardNegatives.includes(d.kind)
    )
      hardNegatives.push(d.kind);
  }
  return { jpeg, groundTruth: gt, hardNegatives };
}
