/**
 * One photo through the pipeline: bytes → metadata → camera pose → (model) → ground.
 * Never throws for a bad photo: problems end up in `issues` and `status`.
 */
import { createHash } from 'node:crypto';
import type { ElevationSource } from '@xuncha/geodata';
import { inspectImage } from '../image/decode.ts';
import type { ImageInfo } from '../image/decode.ts';
import { issue, PhotoError } from '../issues.ts';
import type { PhotoIssue } from '../issues.ts';
import { photoCamera } from '../metadata/camera-pose.ts';
import type { PhotoCamera } from '../metadata/camera-pose.ts';
import { readPhotoMetadata } from '../metadata/read-metadata.ts';
import type { PhotoMetadata } from '../metadata/read-metadata.ts';
import type { Detector } from '../model/detector.ts';
import type { PixelDetection } from '../model/nms.ts';
import { georeferenceDetections, groundModelFor, photoGround } from '../georef/georeference.ts';
import type { GeoDetection, PhotoGround } from '../georef/georeference.ts';

/** Milliseconds per stage. */
export interface StageTimings {
  metadataMs: number;
  decodeMs: number;
  inferenceMs: number;
  georeferenceMs: number;
  mergeMs: number;
}

/** Fresh zeroed timings. */
export function zeroTimings(): StageTimings {
  return { metadataMs: 0, decodeMs: 0, inferenceMs: 0, georeferenceMs: 0, mergeMs: 0 };
}

/** Everything triage found out about one photo. */
export interface PhotoTriage {
  /** SHA-256 of the bytes (hex): the photo's identity. */
  id: string;
  /** Where it came from (file path or upload name). */
  source: string;
  /** `ok`: triaged and placed; `unlocated`: triaged, no usable position; `error`: could not be triaged. */
  status: 'ok' | 'unlocated' | 'error';
  image: ImageInfo | null;
  metadata: PhotoMetadata | null;
  camera: PhotoCamera | null;
  ground: PhotoGround;
  detections: GeoDetection[];
  issues: PhotoIssue[];
}

/** Options of {@link triagePhoto}. */
export interface TriagePhotoOptions {
  detector?: Detector | null;
  dem?: ElevationSource | null;
  maxPixels?: number;
  timings?: StageTimings;
}

/** Triages one photo. */
export async function triagePhoto(
  source: string,
  bytes: Uint8Array,
  options: TriagePhotoOptions = {},
): Promise<PhotoTriage> {
  const t = options.timings ?? zeroTimings();
  const id = createHash('sha256').update(bytes).digest('hex');
  const result: PhotoTriage = {
    id,
    source,
    status: 'error',
    image: null,
    metadata: null,
    camera: null,
    ground: { centerGround: null, footprint: null, footprintClipped: false },
    detections: [],
    issues: [],
  };
  let t0 = performance.now();
  try {
    result.image = await inspectImage(bytes, options.maxPixels);
  } catch (e) {
    t.decodeMs += performance.now() - t0;
    result.issues.push(e instanceof PhotoError ? e.issue : issue('error', 'decode_failed', String(e)));
    return result;
  }
  t.decodeMs += performance.now() - t0;

  t0 = performance.now();
  const md = await readPhotoMetadata(bytes);
  result.metadata = md.metadata;
  result.issues.push(...md.issues);
  result.camera = photoCamera(md.metadata, result.image, result.issues);
  t.metadataMs += performance.now() - t0;

  let pixelDets: PixelDetection[] = [];
  if (options.detector) {
    try {
      const dt = { decodeMs: 0, inferenceMs: 0 };
      pixelDets = await options.detector.detect(bytes, result.image, dt);
      t.decodeMs += dt.decodeMs;
      t.inferenceMs += dt.inferenceMs;
    } catch (e) {
      result.issues.push(
        e instanceof PhotoError
          ? e.issue
          : issue('error', 'inference_failed', `推理失败 / inference failed: ${String(e)}`),
      );
      return result;
    }
  }

  t0 = performance.now();
  const ground = groundModelFor(result.camera, options.dem ?? null);
  if (result.camera.pose && !ground) {
    result.issues.push(
      issue(
        'warning',
        'unlocated',
        '无起飞高度也无 DEM，无法计算地面位置 / no takeoff altitude and no DEM: ground positions unknown',
        'altRelM',
      ),
    );
  }
  result.ground = photoGround(result.camera, ground);
  result.detections = georeferenceDetections(result.camera, ground, pixelDets);
  t.georeferenceMs += performance.now() - t0;
  result.status = result.camera.pose && ground ? 'ok' : 'unlocated';
  return result;
}
