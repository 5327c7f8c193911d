/**
 * Every photo spec the dataset draws must be one the camera and the scene accept: a spec that fails
 * a schema crashes a render job hours into a dataset run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CameraModelSchema } from '../camera/camera-model.ts';
import { parseCaptureRequest } from '../camera/capture-request.ts';
import { DistractorSchema } from '../scene/distractor-schema.ts';
import { IncidentSchema, WeatherSchema } from '../scene/incident-schema.ts';
import { foldDeg, photoSpec, SPLITS } from './photo-spec.ts';

const inRange = (deg: number | undefined): boolean => deg === undefined || (deg >= 0 && deg < 360);

describe('photoSpec', () => {
  it('draws only specs every schema accepts, with headings in [0, 360)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.constantFrom(...SPLITS),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 1, max: 12 }),
        (seed, split, index, photosPerPlace) => {
          const spec = photoSpec(seed, split, index, { widthPx: 320, heightPx: 240, photosPerPlace });
          expect(() => CameraModelSchema.parse(spec.camera)).not.toThrow();
          expect(() => parseCaptureRequest(spec.request)).not.toThrow();
          expect(() => WeatherSchema.parse(spec.weather)).not.toThrow();
          for (const i of spec.incidents) {
            expect(() => IncidentSchema.parse(i)).not.toThrow();
            expect(inRange(i.headingDeg)).toBe(true);
          }
          for (const d of spec.distractors) {
            expect(() => DistractorSchema.parse(d)).not.toThrow();
            expect(inRange(d.headingDeg)).toBe(true);
          }
          expect(inRange(spec.request.headingDeg)).toBe(true);
          expect(spec.quality).toBeGreaterThanOrEqual(1);
          expect(spec.quality).toBeLessThanOrEqual(100);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('folds angles into [0, 360) after rounding', () => {
    expect(foldDeg(359.96)).toBe(0);
    expect(foldDeg(-0.01)).toBe(0);
    expect(foldDeg(540)).toBe(180);
    expect(foldDeg(359.994, 0.01)).toBe(359.99);
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constantFrom(0.01, 0.1, 1), (v, step) => {
        const d = foldDeg(v, step);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(360);
        // Same direction as the input, to within the rounding step.
        const diff = Math.abs(((d - v) % 360) + 360) % 360;
        expect(Math.min(diff, 360 - diff)).toBeLessThanOrEqual(step / 2 + 1e-6);
      }),
    );
  });
});
