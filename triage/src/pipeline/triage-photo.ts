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
import { ASSUMED_HEIGHT_AGL_M, photoCamera } from '../metadata/camera-pose.ts';
import type { PhotoCamera } from '../metadata/camera-pose.ts';
import { readPhotoMetadata } from '../metadata/read-metadata.ts';
import type { PhotoMetadata } from '../metadata/read-metadata.ts';
import type { Detector } from '../model/detector.ts';
import type { PixelDetection } from '../model/nms.ts';
import { georefContext, georeferenceDetections, groundModelFor, photoGround } from '../georef/georeference.ts';
import type { GeoDetection, PhotoGround } from '../georef/georeference.ts';
import type { DecodedImage } from '../image/decode.ts';
import type { Gate } from './gate.ts';

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
  /** IANA zone of photo times that carry no offset (default Asia/Shanghai). */
  photoTimeZone?: string;
  timings?: StageTimings;
  /**
   * Bounds the photos decoding at once: held from the start until the photo is decoded (not while it is
   * inferred), so that a batch keeps decoding the next photos while this one runs through the model.
   */
  decodeGate?: Gate;
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
  const gate = options.decodeGate;
  let holding = false;
  const release = () => {
    if (holding) {
      holding = false;
      gate!.release();
    }
  };
  if (gate) {
    await gate.acquire();
    holding = true;
  }
  try {
    const pixelDets = await inspectAndDetect(result, bytes, options, t, release);
    if (!pixelDets) return result;
    locate(result, pixelDets, options, t);
    return result;
  } finally {
    release();
  }
}

/** Checks and decodes the photo, reads its metadata meanwhile, runs the model; null when the photo is unusable. */
async function inspectAndDetect(
  result: PhotoTriage,
  bytes: Uint8Array,
  options: TriagePhotoOptions,
  t: StageTimings,
  decoded: () => void,
): Promise<PixelDetection[] | null> {
  let t0 = performance.now();
  let image: ImageInfo;
  try {
    image = await inspectImage(bytes, options.maxPixels);
    result.image = image;
  } catch (e) {
    t.decodeMs += performance.now() - t0;
    result.issues.push(e instanceof PhotoError ? e.issue : issue('error', 'decode_failed', String(e)));
    return null;
  }
  t.decodeMs += performance.now() - t0;

  // The model's decode starts now, on sharp's threads, while the metadata is read here: the two overlap.
  const detector = options.detector;
  const decodeStart = performance.now();
  const decoding: Promise<{ img: DecodedImage } | { err: unknown }> | null = detector
    ? detector.decode(bytes, image).then(
        (img) => ({ img }),
        (err: unknown) => ({ err }),
      )
    : null;
  void decoding?.then(() => {
    t.decodeMs += performance.now() - decodeStart;
    decoded();
  });

  t0 = performance.now();
  const md = await readPhotoMetadata(bytes, { timeZone: options.photoTimeZone });
  result.metadata = md.metadata;
  result.issues.push(...md.issues);
  result.camera = photoCamera(md.metadata, image, result.issues);
  t.metadataMs += performance.now() - t0;
  if (!detector || !decoding) {
    decoded();
    return [];
  }
  const d = await decoding;
  decoded();
  try {
    if ('err' in d) throw d.err;
    const dt = { decodeMs: 0, inferenceMs: 0 };
    const dets = await detector.detectDecoded(d.img, dt);
    t.inferenceMs += dt.inferenceMs;
    return dets;
  } catch (e) {
    result.issues.push(
      e instanceof PhotoError
        ? e.issue
        : issue('error', 'inference_failed', `推理失败 / inference failed: ${String(e)}`),
    );
    return null;
  }
}

/** Places the photo and its detections on the ground. */
function locate(result: PhotoTriage, pixelDets: PixelDetection[], options: TriagePhotoOptions, t: StageTimings): void {
  const camera = result.camera!;
  const t0 = performance.now();
  const dem = options.dem ?? null;
  const ground = groundModelFor(camera, dem);
  const ctx = georefContext(camera, dem);
  if (ctx.heightAssumed && !camera.heightAssumed) {
    result.issues.push(
      issue(
        'warning',
        'field_assumed',
        `无起飞高度也无 DEM，按离地 ${ASSUMED_HEIGHT_AGL_M} m（±${ctx.sigma.altitudeM} m）估计，地面位置不确定度较大 / no takeoff altitude and no DEM: ${ASSUMED_HEIGHT_AGL_M} m ± ${ctx.sigma.altitudeM} m above ground assumed, ground positions widely uncertain`,
        'altRelM',
      ),
    );
  }
  result.ground = photoGround(camera, ground, ctx);
  result.detections = georeferenceDetections(camera, ground, pixelDets, ctx);
  t.georeferenceMs += performance.now() - t0;
  result.status = camera.pose && ground ? 'ok' : 'unlocated';
}
