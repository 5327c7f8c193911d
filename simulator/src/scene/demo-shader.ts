/**
 * A shader over the demo world, for tests that shade single ground points: incidents and hard negatives are
 * placed by their lon/lat (`demoLonLat` turns local metres from the demo origin into one).
 */
import type { Distractor } from './distractor-schema.ts';
import { DEMO_ORIGIN, demoLayers } from './demo-world.ts';
import type { Incident, Weather } from './incident-schema.ts';
import { localFrame } from './local-frame.ts';
import { buildScene } from './scene.ts';
import { Shader } from './shade.ts';

export const demoFrame = localFrame(DEMO_ORIGIN[0], DEMO_ORIGIN[1]);

/** [lon, lat] of local (x east, y north) metres from the demo origin. */
export const demoLonLat = (x: number, y: number): [number, number] => demoFrame.toLonLat(x, y);

export interface DemoShaderOptions {
  incidents?: readonly Incident[];
  distractors?: readonly Distractor[];
  weather?: Weather;
  seed?: number;
}

/** The demo layers with these incidents and hard negatives, shaded with no cast shadow from outside the ground. */
export function demoShader(o: DemoShaderOptions = {}): Shader {
  const scene = buildScene({ layers: demoLayers(), ...o });
  return new Shader(
    scene,
    scene.incidents.map((i) => i.shape),
    () => 0,
  );
}
