/**
 * The simulated world a camera photographs: geodata layers rasterised in a local metric frame, the
 * terrain (DEM or none), planted incidents with resolved shapes, weather and a texture seed.
 * Built once per camera; every photo reads the same scene, so overlapping photos agree.
 */
import { z } from 'zod';
import {
  DEFAULT_DISTRACTOR_SIZE,
  DistractorSchema,
  type Distractor,
  type HardNegativeKind,
} from './distractor-schema.ts';
import { DEFAULT_WEATHER, IncidentSchema, WeatherSchema, type Incident, type Weather } from './incident-schema.ts';
import { resolveIncidentShape, type IncidentShape } from './incident-shape.ts';
import { layersBounds, sceneFeatures, type LayersInput, type SceneFeature } from './layers.ts';
import { localFrame, type LocalFrame } from './local-frame.ts';
import { GroundRaster } from './raster.ts';
import { demTerrain, type DemLike, type Terrain } from './terrain.ts';

export interface SceneOptions {
  layers: LayersInput;
  dem?: DemLike;
  incidents?: readonly Incident[];
  /** Hard negatives planted in the scene (see distractor-schema.ts). */
  distractors?: readonly Distractor[];
  weather?: Weather;
  /** Texture seed: the same seed and layers give the same ground. */
  seed?: number;
}

export interface Scene {
  frame: LocalFrame;
  features: SceneFeature[];
  raster: GroundRaster;
  /** DEM terrain in the scene frame, or null: then each photo uses its takeoff plane. */
  dem: Terrain | null;
  incidents: { incident: Incident; shape: IncidentShape }[];
  distractors: DistractorShape[];
  weather: Weather;
  seed: number;
}

/** A planted hard negative in the scene frame, sizes filled from its kind's defaults. */
export interface DistractorShape {
  id: string;
  kind: HardNegativeKind;
  lon: number;
  lat: number;
  /** Scene-frame position of the anchor (m). */
  x: number;
  y: number;
  headingDeg: number;
  lengthM: number;
  widthM: number;
  /** Radius for round kinds (mist, cloud shadow); half the length otherwise. */
  radiusM: number;
  intensity: number;
}

function resolveDistractor(d: Distractor, frame: LocalFrame, weather: Weather): DistractorShape {
  const size = DEFAULT_DISTRACTOR_SIZE[d.kind];
  const [x, y] = frame.toLocal(d.lon, d.lat);
  const downwind = (weather.windDirDeg ?? 0) + 180;
  const lengthM = d.lengthM ?? (d.radiusM !== undefined ? d.radiusM * 2 : size.lengthM);
  const widthM = d.widthM ?? (d.radiusM !== undefined ? d.radiusM * 2 : size.widthM);
  return {
    id: d.id,
    kind: d.kind,
    lon: d.lon,
    lat: d.lat,
    x,
    y,
    headingDeg: (((d.headingDeg ?? (d.kind === 'cooking_smoke' ? downwind : 0)) % 360) + 360) % 360,
    lengthM,
    widthM,
    radiusM: d.radiusM ?? Math.max(lengthM, widthM) / 2,
    intensity: d.intensity ?? 0.6,
  };
}

/** Longquan city centre, used as the frame anchor when the layers are empty. */
const DEFAULT_ORIGIN: [number, number] = [119.14, 28.07];

/** Build the scene; throws a readable error when an incident or the weather is malformed. */
export function buildScene(opts: SceneOptions): Scene {
  const incidents = z.array(IncidentSchema).parse(opts.incidents ?? []);
  const distractors = z.array(DistractorSchema).parse(opts.distractors ?? []);
  const weather = WeatherSchema.parse(opts.weather ?? DEFAULT_WEATHER);
  const b = layersBounds(opts.layers);
  // Anchor at the layers' centre rounded to 0.01°, so scenes of the same layers share textures.
  const origin: [number, number] = b
    ? [Math.round(((b[0] + b[2]) / 2) * 100) / 100, Math.round(((b[1] + b[3]) / 2) * 100) / 100]
    : incidents[0]
      ? [Math.round(incidents[0].lon * 100) / 100, Math.round(incidents[0].lat * 100) / 100]
      : DEFAULT_ORIGIN;
  const frame = localFrame(origin[0], origin[1]);
  const features = sceneFeatures(opts.layers, frame);
  const dem = opts.dem ? demTerrain(opts.dem, frame) : null;
  const grad = new Float64Array(3);
  return {
    frame,
    features,
    raster: new GroundRaster(features),
    dem,
    incidents: incidents.map((incident) => {
      const shape = resolveIncidentShape(incident, weather, features, frame);
      if (incident.class === 'exposed_slope' && incident.headingDeg === undefined && dem) {
        // Gullies run downhill: the heading of −∇h.
        dem.sample(...frame.toLocal(incident.lon, incident.lat), grad);
        const gx = grad[1] as number;
        const gy = grad[2] as number;
        if (Math.hypot(gx, gy) > 1e-3) shape.headingDeg = ((Math.atan2(-gx, -gy) * 180) / Math.PI + 360) % 360;
      }
      return { incident, shape };
    }),
    distractors: distractors.map((d) => resolveDistractor(d, frame, weather)),
    weather,
    seed: (opts.seed ?? 1) | 0,
  };
}
