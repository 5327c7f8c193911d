/**
 * createCamera: the simulated drone camera a vehicle triggers. Builds the scene once (layers
 * rasterised lazily, DEM resampled, incidents resolved) and renders one photo per capture, writing
 * `<imagesDir>/<photo>.JPG` and its ground truth `<imagesDir>/<photo>.json` when imagesDir is set.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Incident, Weather } from '../scene/incident-schema.ts';
import type { LayersInput } from '../scene/layers.ts';
import { buildScene, type Scene } from '../scene/scene.ts';
import type { DemLike } from '../scene/terrain.ts';
import { warmTextures } from '../scene/textures.ts';
import { CameraModelSchema, type CameraModel } from './camera-model.ts';
import type { CaptureRequest } from './capture-request.ts';
import type { GroundTruth } from './ground-truth.ts';
import { renderPhoto, sidecarPathFor } from './photo.ts';

export interface CreateCameraOptions {
  /** Geodata layers, e.g. from `loadSampleLayers()`. */
  layers: LayersInput;
  dem?: DemLike;
  incidents: readonly Incident[];
  weather?: Weather;
  camera: CameraModel;
  /** Folder to save photos and sidecars in; none = keep them in memory only. */
  imagesDir?: string;
  /** Texture seed (default 1). */
  seed?: number;
  make?: string;
  model?: string;
  quality?: number;
  renderPixelBudget?: number;
}

export interface PhotoRecord {
  /** Where the JPEG was written (absent without imagesDir). */
  path?: string;
  jpeg: Buffer;
  groundTruth: GroundTruth;
}

export interface SimCamera {
  readonly scene: Scene;
  readonly camera: CameraModel;
  capture(req: CaptureRequest): Promise<PhotoRecord>;
}

/** Create a camera over a scene; throws (zod) on malformed incidents, weather or camera model. */
export function createCamera(opts: CreateCameraOptions): SimCamera {
  const camera = CameraModelSchema.parse(opts.camera);
  const scene = buildScene({
    layers: opts.layers,
    incidents: opts.incidents,
    ...(opts.dem ? { dem: opts.dem } : {}),
    ...(opts.weather ? { weather: opts.weather } : {}),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
  });
  warmTextures();
  return {
    scene,
    camera,
    async capture(req) {
      // The render is synchronous CPU work: let the trigger's acknowledgement and telemetry go out first.
      await new Promise((resolve) => setImmediate(resolve));
      const photo = await renderPhoto(scene, req, {
        camera,
        ...(opts.make ? { make: opts.make } : {}),
        ...(opts.model ? { model: opts.model } : {}),
        ...(opts.quality ? { quality: opts.quality } : {}),
        ...(opts.renderPixelBudget ? { renderPixelBudget: opts.renderPixelBudget } : {}),
      });
      if (!opts.imagesDir) return photo;
      await mkdir(opts.imagesDir, { recursive: true });
      const file = path.join(opts.imagesDir, photo.groundTruth.photo);
      await writeFile(file, photo.jpeg);
      await writeFile(sidecarPathFor(file), JSON.stringify(photo.groundTruth, null, 2));
      return { path: file, ...photo };
    },
  };
}
