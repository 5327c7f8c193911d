/**
 * Photos for the job tests, rendered by the simulator camera (JPEG with EXIF GPS and DJI-style XMP pose) over
 * its demo world with one planted straw fire; small (800×600) to keep the tests fast.
 */
// The simulator has no public index yet: tests import its camera directly.
import { createCamera } from '../../../simulator/src/camera/camera.ts';
import { DEMO_ORIGIN, demoLayers } from '../../../simulator/src/scene/demo-world.ts';
import { DEFAULT_WEATHER } from '../../../simulator/src/scene/incident-schema.ts';

export const [LON0, LAT0] = DEMO_ORIGIN;
/** Where the fire is planted (east of the demo origin, on the farmland by the river). */
export const FIRE = { id: 'fire-1', class: 'straw_burning' as const, lon: LON0 + 0.0003, lat: LAT0 + 0.0002 };

const camera = {
  name: 'm3e-small',
  sensorWidthMm: 17.3,
  sensorHeightMm: 13.0,
  focalLengthMm: 12.29,
  imageWidthPx: 800,
  imageHeightPx: 600,
};

export interface Shot {
  /** Offset of the drone from the demo origin, degrees. */
  dLon: number;
  dLat: number;
  headingDeg: number;
  /** Seconds after the flight's start (photo time). */
  t: number;
}

/** Nadir shots at 100 m that see the fire. */
export const OVER_FIRE: Shot[] = [
  { dLon: 0, dLat: 0, headingDeg: 0, t: 0 },
  { dLon: 0.0002, dLat: 0.0001, headingDeg: 90, t: 4 },
  { dLon: 0.0006, dLat: -0.0001, headingDeg: 0, t: 8 },
  { dLon: 0.0003, dLat: 0.0004, headingDeg: 180, t: 12 },
];
/** A nadir shot that sees no fire. */
export const AWAY: Shot = { dLon: 0.001, dLat: 0.001, headingDeg: 0, t: 16 };

// A green summer under an overcast sky: the fixed-weight test detector looks for dark grey pixels, which autumn
// stubble, flooded paddies and tree shadows also are; the real model is evaluated on every season elsewhere.
const weather = { ...DEFAULT_WEATHER, season: 'summer' as const, overcast: 1 };
const sim = createCamera({ layers: demoLayers() as never, incidents: [FIRE], camera, weather });

/** Renders one photo of a flight starting at `start`. */
export async function shoot(s: Shot, start: Date, index = 0): Promise<Buffer> {
  const rec = await sim.capture({
    sysId: 1,
    index,
    time: new Date(start.getTime() + s.t * 1000),
    lon: LON0 + s.dLon,
    lat: LAT0 + s.dLat,
    altAmslM: 290,
    altRelM: 100,
    headingDeg: s.headingDeg,
    gimbalPitchDeg: -90,
  });
  return rec.jpeg;
}
